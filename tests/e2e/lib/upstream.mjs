// An upstream OpenID provider for the federation tests: panva's oidc-provider, in this
// process, on a loopback port, with one confidential client ("portcullis") whose redirect
// URIs the test gives, two people, a plain sign-in form, and consent granted silently.
import http from 'node:http';
import crypto from 'node:crypto';
import { Provider } from 'oidc-provider';
import { freePort } from './portcullis.mjs';

export const PEOPLE = {
  dana: { sub: 'dana-7781', password: 'Dana-Passw0rd!', email: 'dana@example.test', email_verified: true,
    given_name: 'Dana', family_name: 'Diaz', name: 'Dana Diaz' },
  eli: { sub: 'eli-0412', password: 'Eli-Passw0rd!', email: 'eli@example.test', email_verified: false,
    given_name: 'Eli', family_name: 'Ek', name: 'Eli Ek' },
};

const escapeHtml = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function signInPage(uid, problem) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Example Corp sign-in</title></head><body>
<h1>Example Corp</h1>${problem ? `<p role="alert">${escapeHtml(problem)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label for="u">Corp username</label><input id="u" name="username" autocomplete="username">
<label for="p">Corp password</label><input id="p" name="password" type="password">
<button type="submit">Continue</button></form></body></html>`;
}

async function formOf(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return Object.fromEntries(new URLSearchParams(body));
}

/** Starts the provider; `redirectUris` are the callbacks it accepts for "portcullis". */
export async function startUpstream({ redirectUris }) {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signing = { ...privateKey.export({ format: 'jwk' }), kid: 'corp-1', alg: 'RS256', use: 'sig' };
  const bySub = new Map(Object.values(PEOPLE).map((p) => [p.sub, p]));
  const provider = new Provider(issuer, {
    clients: [{
      client_id: 'portcullis', client_secret: 'corp-secret', redirect_uris: redirectUris,
      grant_types: ['authorization_code'], response_types: ['code'],
      post_logout_redirect_uris: redirectUris,
    }],
    jwks: { keys: [signing] },
    cookies: { keys: [crypto.randomBytes(16).toString('hex')] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'given_name', 'family_name'] },
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
    async findAccount(ctx, sub) {
      const person = bySub.get(sub);
      if (!person) return undefined;
      return { accountId: sub, async claims() { const { password, ...c } = person; return c; } };
    },
    // A first-party provider for the test: what the client asks for is granted.
    async loadExistingGrant(ctx) {
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope(ctx.oidc.params.scope || 'openid');
      grant.addOIDCClaims(['sub', 'email', 'email_verified', 'name', 'given_name', 'family_name']);
      await grant.save();
      return grant;
    },
  });
  provider.on('server_error', (ctx, err) => console.error('upstream server_error', err));
  const callback = provider.callback();
  const server = http.createServer(async (req, res) => {
    const m = req.url.match(/^\/interaction\/([^/?]+)(\/login)?/);
    if (!m) return callback(req, res);
    try {
      const details = await provider.interactionDetails(req, res);
      const html = (status, body) => {
        res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(body);
      };
      if (!m[2]) return html(200, signInPage(details.uid));
      const { username, password } = await formOf(req);
      const person = PEOPLE[username];
      if (!person || person.password !== password) return html(401, signInPage(details.uid, 'Wrong username or password'));
      return provider.interactionFinished(req, res, { login: { accountId: person.sub } }, { mergeWithLastSubmission: false });
    } catch (e) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end(`interaction failed: ${e.message}\n`);
    }
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { issuer, close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }) };
}
