// Federation in Chromium: a person types their work email on our sign-in page, signs in at
// their company's OpenID provider (oidc-provider), and the app (openid-client) receives our
// tokens with `identities`. Then one Portcullis pool as the upstream provider of another.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { Portcullis } from './lib/portcullis.mjs';
import { launch } from './lib/browser.mjs';
import { callbackServer } from './lib/callback.mjs';
import { startUpstream, PEOPLE } from './lib/upstream.mjs';

/** An openid-client configuration and a fresh PKCE authorization URL for `client`. */
async function rp(issuer, client, redirect, extra = {}) {
  const config = await oidc.discovery(new URL(issuer), client, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
  const verifier = oidc.randomPKCECodeVerifier();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirect, scope: 'openid email profile', state: 'fed-1',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...extra,
  }).href;
  return { config, verifier, url };
}

function providerArgs(pool, name, issuer, clientId, secret, identifier) {
  return ['idp', 'create', '--pool', pool, '--name', name,
    '--detail', `client_id=${clientId}`, '--detail', `client_secret=${secret}`,
    '--detail', 'authorize_scopes=openid email profile', '--detail', `oidc_issuer=${issuer}`,
    '--detail', 'attributes_request_method=GET',
    '--map', 'email=email', '--map', 'email_verified=email_verified', '--map', 'given_name=given_name',
    '--identifier', identifier];
}

test('a work email routes to the company provider and the app gets our tokens with identities', { timeout: 90000 }, async () => {
  const cb = await callbackServer();
  const p = new Portcullis();
  const base = await p.reserve();
  const pool = p.cli('pool', 'create', '--name', 'federated').id;
  const up = await startUpstream({
    redirectUris: [`${base}/${pool}/oauth2/idpresponse`, `${base}/${pool}/oauth2/idplogout`],
  });
  const browser = await launch();
  try {
    p.cli(...providerArgs(pool, 'Corp', up.issuer, 'portcullis', 'corp-secret', 'example.test'));
    // A provider that never answers.
    p.cli(...providerArgs(pool, 'Gone', 'http://127.0.0.1:9', 'portcullis', 'x', 'gone.test'));
    const spa = p.cli('client', 'create', '--pool', pool, '--name', 'spa', '--callback-url', `${cb.base}/callback`,
      '--logout-url', `${cb.base}/bye`,
      '--identity-provider', 'COGNITO', '--identity-provider', 'Corp', '--identity-provider', 'Gone').client_id;
    await p.start();
    const issuer = `${base}/${pool}`;
    const { config, verifier, url } = await rp(issuer, spa, `${cb.base}/callback`);

    const page = await (await browser.newContext()).newPage();
    await page.goto(url);
    assert.ok(await page.getByRole('link', { name: 'Sign in with Corp' }).isVisible());
    await page.getByLabel('Username or email').fill(PEOPLE.dana.email);
    const since = cb.count();
    await page.getByRole('button', { name: 'Sign in' }).click();
    // At the company's provider now.
    assert.ok(page.url().startsWith(up.issuer), page.url());
    await page.getByLabel('Corp username').fill('dana');
    await page.getByLabel('Corp password').fill(PEOPLE.dana.password);
    await page.getByRole('button', { name: 'Continue' }).click();
    const callback = await cb.next(since);
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: 'fed-1' });
    const claims = tokens.claims();
    assert.equal(claims.iss, issuer);
    assert.equal(claims['cognito:username'], 'Corp_dana-7781');
    assert.equal(claims.email, PEOPLE.dana.email);
    assert.equal(claims.email_verified, true);
    assert.equal(claims.given_name, 'Dana');
    assert.equal(claims.identities.length, 1);
    assert.deepEqual(
      { ...claims.identities[0], dateCreated: undefined },
      { userId: 'dana-7781', providerName: 'Corp', providerType: 'OIDC', issuer: null, primary: 'true', dateCreated: undefined });
    const user = p.cli('user', 'get', '--pool', pool, '--username', 'Corp_dana-7781');
    assert.equal(user.status, 'EXTERNAL_PROVIDER');

    // The same person again, through the button this time, is the same user.
    const again = await rp(issuer, spa, `${cb.base}/callback`);
    const page2 = await (await browser.newContext()).newPage();
    await page2.goto(again.url);
    await page2.getByRole('link', { name: 'Sign in with Corp' }).click();
    await page2.getByLabel('Corp username').fill('dana');
    await page2.getByLabel('Corp password').fill(PEOPLE.dana.password);
    const since2 = cb.count();
    await page2.getByRole('button', { name: 'Continue' }).click();
    const tokens2 = await oidc.authorizationCodeGrant(again.config, await cb.next(since2),
      { pkceCodeVerifier: again.verifier, expectedState: 'fed-1' });
    assert.equal(tokens2.claims().sub, claims.sub);

    // Signing out of the app and of the company's provider: the provider asks to confirm,
    // then the browser comes back through us to the app's logout URL.
    const since4 = cb.count();
    await page2.goto(`${issuer}/logout?client_id=${spa}&logout_uri=${encodeURIComponent(`${cb.base}/bye`)}&upstream_logout=true`);
    assert.ok(page2.url().startsWith(up.issuer), page2.url());
    await page2.getByRole('button', { name: /sign me out/i }).click();
    const bye = await cb.next(since4);
    assert.equal(bye.pathname, '/bye');
    // Signed out there too: the provider asks for the password again.
    const after = await rp(issuer, spa, `${cb.base}/callback`, { identity_provider: 'Corp' });
    await page2.goto(after.url);
    assert.ok(await page2.getByLabel('Corp password').isVisible());

    // A provider that is down: the app is told, nobody is created.
    const gone = await rp(issuer, spa, `${cb.base}/callback`, { identity_provider: 'Gone' });
    const page3 = await (await browser.newContext()).newPage();
    const since3 = cb.count();
    await page3.goto(gone.url);
    const refused = await cb.next(since3);
    assert.equal(refused.searchParams.get('error'), 'temporarily_unavailable');
    assert.equal(refused.searchParams.get('code'), null);
    // An answer this browser did not ask for is refused with a page, not a sign-in.
    const forged = await page3.goto(`${issuer}/oauth2/idpresponse?code=x&state=forged`);
    assert.equal(forged.status(), 400);
    assert.match(await page3.getByRole('alert').innerText(), /did not start in this browser/);
    const users = p.cli('user', 'list', '--pool', pool).users;
    assert.deepEqual(users.map((u) => u.username), ['Corp_dana-7781']);
  } finally {
    await browser.close();
    await p.stop();
    await up.close();
    await cb.close();
  }
});

test('one pool signs in through another pool as its upstream provider', { timeout: 90000 }, async () => {
  const cb = await callbackServer();
  const p = new Portcullis();
  const base = await p.reserve();
  const directory = p.cli('pool', 'create', '--name', 'corp-directory').id;
  const apps = p.cli('pool', 'create', '--name', 'apps').id;
  p.cli('user', 'create', '--pool', directory, '--username', 'carol', '--email', 'carol@corp.test',
    '--password', 'Carol-Passw0rd!');
  const link = p.cli('client', 'create', '--pool', directory, '--name', 'apps-pool', '--secret',
    '--callback-url', `${base}/${apps}/oauth2/idpresponse`, '--scopes', 'openid,email,profile');
  p.cli(...providerArgs(apps, 'CorpPool', `${base}/${directory}`, link.client_id, link.client_secret, 'corp.test'));
  const spa = p.cli('client', 'create', '--pool', apps, '--name', 'spa', '--callback-url', `${cb.base}/callback`,
    '--identity-provider', 'COGNITO', '--identity-provider', 'CorpPool').client_id;
  await p.start();
  const browser = await launch();
  try {
    const { config, verifier, url } = await rp(`${base}/${apps}`, spa, `${cb.base}/callback`);
    const page = await (await browser.newContext()).newPage();
    await page.goto(url);
    await page.getByLabel('Username or email').fill('carol@corp.test');
    await page.getByRole('button', { name: 'Sign in' }).click();
    // The directory pool's own sign-in page, with the address carried as login_hint.
    assert.ok(page.url().startsWith(`${base}/${directory}/login?`), page.url());
    assert.equal(await page.getByLabel('Username or email').inputValue(), 'carol@corp.test');
    await page.getByLabel('Username or email').fill('carol');
    await page.getByLabel('Password').fill('Carol-Passw0rd!');
    const since = cb.count();
    await page.getByRole('button', { name: 'Sign in' }).click();
    const tokens = await oidc.authorizationCodeGrant(config, await cb.next(since), { pkceCodeVerifier: verifier, expectedState: 'fed-1' });
    const claims = tokens.claims();
    assert.equal(claims.iss, `${base}/${apps}`);
    assert.equal(claims.email, 'carol@corp.test');
    assert.equal(claims.identities[0].providerName, 'CorpPool');
    const upstreamSub = p.cli('user', 'get', '--pool', directory, '--username', 'carol').sub;
    assert.equal(claims.identities[0].userId, upstreamSub);
    assert.equal(claims['cognito:username'], `CorpPool_${upstreamSub}`);
  } finally {
    await browser.close();
    await p.stop();
    await cb.close();
  }
});
