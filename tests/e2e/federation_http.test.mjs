// Federation against the real oidc-provider, driven by a form-driving HTTP client instead of
// a browser: idp_identifier routing, the federated user's claims, attributes refreshed at the
// next sign-in, the link-by-verified-email policy on and off, a forged state, and the provider
// going down in the middle of a sign-in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Portcullis } from './lib/portcullis.mjs';
import { Jar } from './lib/jar.mjs';
import { startUpstream, PEOPLE } from './lib/upstream.mjs';

const CB = 'https://app.example/cb';
const VERIFIER = 'federation-http-test-verifier-0123456789abcdefghijklmno';
const CHALLENGE = Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(VERIFIER)))
  .toString('base64url');

function authorizeUrl(issuer, client, extra) {
  const q = new URLSearchParams({ client_id: client, redirect_uri: CB, response_type: 'code',
    scope: 'openid email profile', state: 'st-1', code_challenge: CHALLENGE, code_challenge_method: 'S256', ...extra });
  return `${issuer}/oauth2/authorize?${q}`;
}

/** Our authorize → the provider's sign-in form → signed in there → back at our callback URL. */
async function signInUpstream(jar, issuer, client, extra, person) {
  const { url: upstreamForm, res } = await jar.follow(authorizeUrl(issuer, client, extra), () => false);
  assert.equal(res.status, 200, `expected the provider's form at ${upstreamForm}`);
  const html = await res.text();
  const action = html.match(/action="([^"]+)"/)[1];
  const back = await jar.follow(new URL(action, upstreamForm).href, (u) => u.startsWith(`${issuer}/oauth2/idpresponse`),
    { method: 'POST', form: { username: person, password: PEOPLE[person].password } });
  assert.ok(back.url.startsWith(`${issuer}/oauth2/idpresponse?`), back.url);
  return back.url;
}

/** Our answer to the app: its callback's parameters. */
async function finish(jar, callbackUrl) {
  const res = await jar.request(callbackUrl);
  assert.equal(res.status, 302, await res.text());
  const to = new URL(res.headers.get('location'));
  assert.equal(`${to.origin}${to.pathname}`, CB);
  return to.searchParams;
}

async function idToken(issuer, client, code) {
  const res = await fetch(`${issuer}/oauth2/token`, { method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', client_id: client, code, redirect_uri: CB, code_verifier: VERIFIER }) });
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  return JSON.parse(Buffer.from(body.id_token.split('.')[1], 'base64url'));
}

test('federated sign-ins over plain HTTP against oidc-provider', { timeout: 90000 }, async () => {
  const p = new Portcullis();
  const base = await p.reserve();
  const open = p.cli('pool', 'create', '--name', 'open').id;
  const linking = p.cli('pool', 'create', '--name', 'linking').id;
  const up = await startUpstream({
    redirectUris: [open, linking].map((pool) => `${base}/${pool}/oauth2/idpresponse`),
  });
  const given = PEOPLE.dana.given_name;
  try {
    const clients = {};
    for (const [pool, link] of [[open, 'false'], [linking, 'true']]) {
      p.cli('idp', 'create', '--pool', pool, '--name', 'Corp', '--detail', 'client_id=portcullis',
        '--detail', 'client_secret=corp-secret', '--detail', 'authorize_scopes=openid email profile',
        '--detail', `oidc_issuer=${up.issuer}`, '--detail', 'attributes_request_method=GET',
        '--detail', `link_verified_email=${link}`, '--map', 'email=email', '--map', 'email_verified=email_verified',
        '--map', 'given_name=given_name', '--identifier', 'example.test');
      // Both pools have a local user with Dana's address.
      p.cli('user', 'create', '--pool', pool, '--username', 'dana-local', '--email', PEOPLE.dana.email, '--password', 'Local-Passw0rd!');
      clients[pool] = p.cli('client', 'create', '--pool', pool, '--name', 'web', '--callback-url', CB,
        '--identity-provider', 'COGNITO', '--identity-provider', 'Corp').client_id;
    }
    await p.start();
    const local = (pool) => p.cli('user', 'get', '--pool', pool, '--username', 'dana-local').sub;

    // Policy off: idp_identifier routing; a separate federated user, in Cognito's shape.
    const issuer = `${base}/${open}`;
    let params;
    const jar = new Jar();
    const cb = await signInUpstream(jar, issuer, clients[open], { idp_identifier: 'example.test' }, 'dana');
    assert.equal(new URL(cb).searchParams.get('iss'), up.issuer, 'the provider sends RFC 9207 iss');
    params = await finish(jar, cb);
    let claims = await idToken(issuer, clients[open], params.get('code'));
    assert.equal(params.get('state'), 'st-1');
    assert.equal(claims['cognito:username'], 'Corp_dana-7781');
    assert.notEqual(claims.sub, local(open));
    assert.equal(claims.given_name, given);

    // The provider's profile changes; the next sign-in brings it over.
    PEOPLE.dana.given_name = 'Danielle';
    const jar2 = new Jar();
    params = await finish(jar2, await signInUpstream(jar2, issuer, clients[open], { identity_provider: 'Corp' }, 'dana'));
    claims = await idToken(issuer, clients[open], params.get('code'));
    assert.equal(claims.given_name, 'Danielle');
    assert.equal(p.cli('user', 'get', '--pool', open, '--username', 'Corp_dana-7781').attributes.given_name, 'Danielle');

    // Policy on, email verified upstream: Dana signs in as the local user.
    const linkIssuer = `${base}/${linking}`;
    const jar3 = new Jar();
    params = await finish(jar3, await signInUpstream(jar3, linkIssuer, clients[linking], { login_hint: PEOPLE.dana.email }, 'dana'));
    claims = await idToken(linkIssuer, clients[linking], params.get('code'));
    assert.equal(claims.sub, local(linking));
    assert.equal(claims['cognito:username'], 'dana-local');
    assert.equal(claims.identities[0].providerName, 'Corp');
    // Eli's address is not verified upstream: never linked, even with the policy on.
    p.cli('user', 'create', '--pool', linking, '--username', 'eli-local', '--email', PEOPLE.eli.email, '--password', 'Local-Passw0rd!');
    const jar4 = new Jar();
    params = await finish(jar4, await signInUpstream(jar4, linkIssuer, clients[linking], { identity_provider: 'Corp' }, 'eli'));
    claims = await idToken(linkIssuer, clients[linking], params.get('code'));
    assert.equal(claims['cognito:username'], 'Corp_eli-0412');
    assert.equal(claims.email_verified, false);

    // A forged state: an error page, nothing else.
    const forged = cb.replace(/state=[^&]+/, 'state=forged');
    const res = await jar.request(forged);
    assert.equal(res.status, 400);

    // The provider goes down between its sign-in and our code exchange.
    const jar5 = new Jar();
    const pending = await signInUpstream(jar5, issuer, clients[open], { identity_provider: 'Corp' }, 'eli');
    await up.close();
    params = await finish(jar5, pending);
    assert.equal(params.get('error'), 'temporarily_unavailable');
    assert.equal(params.get('code'), null);
    const users = p.cli('user', 'list', '--pool', open).users.map((u) => u.username).sort();
    assert.deepEqual(users, ['Corp_dana-7781', 'dana-local'], 'eli was never created');
  } finally {
    PEOPLE.dana.given_name = given;
    await p.stop();
    await up.close().catch(() => {});
  }
});
