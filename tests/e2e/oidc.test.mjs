// The provider against real clients: Chromium signs in on the hosted page while
// openid-client (panva) is the relying party; aws-jwt-verify checks the tokens independently.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { JwtRsaVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { Portcullis } from './lib/portcullis.mjs';
import { launch } from './lib/browser.mjs';
import { callbackServer } from './lib/callback.mjs';

const insecure = { execute: [oidc.allowInsecureRequests] }; // plain http, loopback only
const ALICE_PW = 'Alice-Passw0rd!';
let p, cb, browser, issuer, pool, spa, m2m;

before(async () => {
  cb = await callbackServer();
  p = new Portcullis();
  pool = p.cli('pool', 'create', '--name', 'e2e').id;
  p.cli('resource-server', 'create', '--pool', pool, '--identifier', 'https://api.e2e.test',
    '--name', 'API', '--scope', 'read', '--scope', 'write');
  spa = p.cli('client', 'create', '--pool', pool, '--name', 'spa',
    '--callback-url', `${cb.base}/callback`, '--logout-url', `${cb.base}/bye`,
    '--scopes', 'openid,email,profile', '--refresh-rotation', '--refresh-grace-secs', '5').client_id;
  m2m = p.cli('client', 'create', '--pool', pool, '--name', 'm2m', '--secret',
    '--flows', 'client_credentials', '--scopes', 'https://api.e2e.test/read');
  p.cli('user', 'create', '--pool', pool, '--username', 'alice', '--email', 'alice@e2e.test',
    '--password', ALICE_PW, '--attribute', 'name=Alice Anderson');
  p.cli('group', 'create', '--pool', pool, '--name', 'admins', '--precedence', '1');
  p.cli('user', 'add-to-group', '--pool', pool, '--username', 'alice', '--group', 'admins');
  p.cli('user', 'create', '--pool', pool, '--username', 'bob', '--password', 'Temp-Passw0rd!1', '--temporary');
  await p.start();
  issuer = `${p.url}/${pool}`;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await p?.stop();
  await cb?.close();
});

function verifiers(config) {
  const jwksUri = config.serverMetadata().jwks_uri;
  // aws-jwt-verify's own fetcher speaks https only; fetch() reads our loopback http JWKS.
  const jwksCache = new SimpleJwksCache({ fetcher: { fetch: async (u) => (await fetch(u)).arrayBuffer() } });
  return { jwksUri, jwksCache };
}

/** Opens the authorization URL, signs in on the hosted form, returns the callback URL. */
async function signIn(page, url, username, password) {
  const since = cb.count();
  await page.goto(url);
  await page.getByLabel('Username or email').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  return since;
}

test('code flow with PKCE: Chromium signs in, openid-client redeems, refreshes, reads userinfo, signs out', { timeout: 60000 }, async () => {
  const config = await oidc.discovery(new URL(issuer), spa, undefined, oidc.None(), insecure);
  assert.equal(config.serverMetadata().issuer, issuer);
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const authUrl = oidc.buildAuthorizationUrl(config, {
    redirect_uri: `${cb.base}/callback`, scope: 'openid email profile', state, nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier), code_challenge_method: 'S256',
  });

  const context = await browser.newContext();
  const page = await context.newPage();
  // A wrong password first: the generic message, and still on our page.
  await signIn(page, authUrl.href, 'alice', 'not-her-password');
  await assert.doesNotReject(page.getByRole('alert').waitFor());
  assert.match(await page.getByRole('alert').innerText(), /Incorrect username or password/);
  assert.ok(page.url().startsWith(issuer));

  const since = cb.count();
  await page.getByLabel('Password').fill(ALICE_PW);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const callback = await cb.next(since);
  assert.equal(callback.searchParams.get('iss'), issuer);

  const tokens = await oidc.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: codeVerifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true,
  });
  const claims = tokens.claims();
  assert.equal(claims.iss, issuer);
  assert.equal(claims.aud, spa);
  assert.equal(claims.token_use, 'id');
  assert.equal(claims['cognito:username'], 'alice');
  assert.deepEqual(claims['cognito:groups'], ['admins']);
  assert.equal(claims.email, 'alice@e2e.test');
  assert.equal(claims.email_verified, true);

  const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
  assert.equal(info.email, 'alice@e2e.test');
  assert.equal(info.name, 'Alice Anderson');

  // Independent verification of both tokens against the published JWKS.
  const { jwksUri, jwksCache } = verifiers(config);
  const idv = JwtRsaVerifier.create({ issuer, audience: spa, jwksUri,
    customJwtCheck: ({ payload }) => assert.equal(payload.token_use, 'id') }, { jwksCache });
  assert.equal((await idv.verify(tokens.id_token)).sub, claims.sub);
  const atv = JwtRsaVerifier.create({ issuer, audience: null, jwksUri,
    customJwtCheck: ({ payload }) => { assert.equal(payload.token_use, 'access'); assert.equal(payload.client_id, spa); } },
  { jwksCache });
  assert.equal((await atv.verify(tokens.access_token)).username, 'alice');

  // Refresh with rotation: a new refresh token, and the old one is spent after the grace.
  const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token);
  assert.ok(refreshed.access_token);
  assert.ok(refreshed.refresh_token && refreshed.refresh_token !== tokens.refresh_token);
  assert.equal(refreshed.claims().sub, claims.sub);
  assert.equal(refreshed.claims().auth_time, claims.auth_time);

  // The session lets a second authorization through without the form.
  const since2 = cb.count();
  await page.goto(oidc.buildAuthorizationUrl(config, {
    redirect_uri: `${cb.base}/callback`, scope: 'openid', state: 'again',
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier), code_challenge_method: 'S256',
  }).href);
  const silent = await cb.next(since2);
  assert.equal(silent.searchParams.get('state'), 'again');
  assert.ok(silent.searchParams.get('code'));

  // Sign out through the end-session endpoint, back to the registered URL with the state.
  const since3 = cb.count();
  await page.goto(oidc.buildEndSessionUrl(config, { post_logout_redirect_uri: `${cb.base}/bye`, state: 'bye1' }).href);
  const bye = await cb.next(since3);
  assert.equal(bye.pathname, '/bye');
  assert.equal(bye.searchParams.get('state'), 'bye1');
  // ... and the session is over: prompt=none now says login_required.
  const since4 = cb.count();
  await page.goto(oidc.buildAuthorizationUrl(config, {
    redirect_uri: `${cb.base}/callback`, scope: 'openid', state: 'after', prompt: 'none',
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier), code_challenge_method: 'S256',
  }).href);
  const after = await cb.next(since4);
  assert.equal(after.searchParams.get('error'), 'login_required');
  await context.close();
});

test('pages refuse to be framed and the redirect after the form is never a 307', { timeout: 60000 }, async () => {
  const config = await oidc.discovery(new URL(issuer), spa, undefined, oidc.None(), insecure);
  const verifier = oidc.randomPKCECodeVerifier();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: `${cb.base}/callback`, scope: 'openid', state: 's',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  });
  const context = await browser.newContext();
  const page = await context.newPage();
  const statuses = [];
  page.on('response', (r) => { if (r.request().method() === 'POST') statuses.push(r.status()); });
  const res = await page.goto(url.href);
  const headers = res.headers();
  assert.equal(headers['x-frame-options'], 'DENY');
  assert.match(headers['content-security-policy'], /frame-ancestors 'none'/);
  assert.equal(headers['referrer-policy'], 'no-referrer');
  const since = await signIn(page, url.href, 'alice', ALICE_PW);
  await cb.next(since);
  assert.deepEqual(statuses, [303]);
  await context.close();
});

test('a temporary password leads through the new-password page to the app', { timeout: 60000 }, async () => {
  const config = await oidc.discovery(new URL(issuer), spa, undefined, oidc.None(), insecure);
  const verifier = oidc.randomPKCECodeVerifier();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: `${cb.base}/callback`, scope: 'openid', state: 'bob',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  });
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, url.href, 'bob', 'Temp-Passw0rd!1');
  await page.getByLabel('New password', { exact: true }).fill('Bobs-Own-Passw0rd');
  await page.getByLabel('Repeat the new password').fill('Bobs-Own-Passw0rd');
  const since = cb.count();
  await page.getByRole('button', { name: 'Set password and sign in' }).click();
  const callback = await cb.next(since);
  const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: 'bob' });
  assert.equal(tokens.claims()['cognito:username'], 'bob');
  assert.equal(p.cli('user', 'get', '--pool', pool, '--username', 'bob').status, 'CONFIRMED');
  await context.close();
});

test('client_credentials through openid-client, verified by aws-jwt-verify with its scope', { timeout: 60000 }, async () => {
  const config = await oidc.discovery(new URL(issuer), m2m.client_id, m2m.client_secret, undefined, insecure);
  const t = await oidc.clientCredentialsGrant(config, { scope: 'https://api.e2e.test/read' });
  assert.equal(t.refresh_token, undefined);
  const { jwksUri, jwksCache } = verifiers(config);
  const v = JwtRsaVerifier.create({ issuer, audience: null, jwksUri, scope: ['https://api.e2e.test/read'],
    customJwtCheck: ({ payload }) => assert.equal(payload.client_id, m2m.client_id) }, { jwksCache });
  const payload = await v.verify(t.access_token);
  assert.equal(payload.sub, m2m.client_id);
  await assert.rejects(oidc.clientCredentialsGrant(config, { scope: 'https://api.e2e.test/write' }),
    (e) => e.error === 'invalid_scope');
});

test('keys rotate while serving: old tokens still verify, new ones use the new key', { timeout: 60000 }, async () => {
  const config = await oidc.discovery(new URL(issuer), m2m.client_id, m2m.client_secret, undefined, insecure);
  const before = await oidc.clientCredentialsGrant(config, { scope: 'https://api.e2e.test/read' });
  const rotated = p.cli('keys', 'rotate', '--pool', pool);
  const afterTok = await oidc.clientCredentialsGrant(config, { scope: 'https://api.e2e.test/read' });
  const kid = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url')).kid;
  assert.equal(kid(afterTok.access_token), rotated.kid);
  assert.notEqual(kid(before.access_token), rotated.kid);
  const { jwksUri, jwksCache } = verifiers(config);
  const v = JwtRsaVerifier.create({ issuer, audience: null, jwksUri }, { jwksCache });
  await v.verify(before.access_token);
  await v.verify(afterTok.access_token);
});

test('claim rules: an openid-client app gets roles and entitlements in its ID token', { timeout: 60000 }, async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  p.cli('group', 'create', '--pool', pool, '--name', 'product:analytics', '--precedence', '5');
  p.cli('user', 'add-to-group', '--pool', pool, '--username', 'alice', '--group', 'product:analytics');
  const ruled = p.cli('client', 'create', '--pool', pool, '--name', 'ruled',
    '--callback-url', `${cb.base}/callback`, '--scope', 'openid', '--scope', 'email').client_id;
  const file = join(mkdtempSync(join(tmpdir(), 'portcullis-rules-')), 'rules.json');
  writeFileSync(file, JSON.stringify({ claims: [
    { name: 'roles', tokens: ['id', 'access'], from_groups: { map: { admins: 'admin' }, default: ['viewer'] } },
    { name: 'entitlements', tokens: ['id'], from_groups: { prefix: 'product:' } },
  ] }));
  // The client's own rules: the other clients of the pool are not affected.
  assert.equal(p.cli('pool', 'set-claim-rules', '--pool', pool, '--client', ruled, '--file', file).rules.claims.length, 2);

  const config = await oidc.discovery(new URL(issuer), ruled, undefined, oidc.None(), insecure);
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const authUrl = oidc.buildAuthorizationUrl(config, {
    redirect_uri: `${cb.base}/callback`, scope: 'openid email', state: 'rules',
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier), code_challenge_method: 'S256',
  });
  const context = await browser.newContext();
  const page = await context.newPage();
  const since = await signIn(page, authUrl.href, 'alice', ALICE_PW);
  const callback = await cb.next(since);
  const tokens = await oidc.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: codeVerifier, expectedState: 'rules', idTokenExpected: true,
  });
  const claims = tokens.claims();
  assert.deepEqual(claims.roles, ['admin']);
  assert.deepEqual(claims.entitlements, ['analytics']);
  await context.close();
});
