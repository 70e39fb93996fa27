// Hooks in Chromium: the hosted sign-up page shows a PreSignUp refusal in the hook's words,
// an auto-confirmed sign-up goes straight to signing in, and the app's ID token carries the
// PreTokenGeneration hook's claims; a federated first sign-in goes through InboundFederation
// (its rewritten attributes are mapped) and PreSignUp_ExternalProvider.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { Portcullis } from './lib/portcullis.mjs';
import { launch } from './lib/browser.mjs';
import { callbackServer } from './lib/callback.mjs';
import { hookReceiver, respond, refuse } from './lib/hooks.mjs';
import { startUpstream, PEOPLE } from './lib/upstream.mjs';

async function rp(issuer, client, redirect, extra = {}) {
  const config = await oidc.discovery(new URL(issuer), client, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
  const verifier = oidc.randomPKCECodeVerifier();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirect, scope: 'openid email profile', state: 'hooks',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...extra,
  }).href;
  return { config, verifier, url };
}

test('hosted sign-up: refused in the hook\'s words, or confirmed by it; tokens carry its claims', { timeout: 90000 }, async () => {
  const hooks = await hookReceiver();
  const cb = await callbackServer();
  const p = new Portcullis();
  const browser = await launch();
  try {
    const pool = p.cli('pool', 'create', '--name', 'hooked').id;
    p.cli('pool', 'set-hook', '--pool', pool, '--trigger', 'PreSignUp', '--url', `${hooks.url}/presignup`);
    p.cli('pool', 'set-hook', '--pool', pool, '--trigger', 'PreTokenGeneration', '--url', `${hooks.url}/tokens`,
      '--version', 'V2_0');
    hooks.secrets.set(pool, p.cli('pool', 'hook-secret', '--pool', pool).secret);
    hooks.answers.set('/presignup', (e) => (e.request.userAttributes.email.endsWith('@blocked.test')
      ? refuse('Sign-ups from this domain are closed')(e)
      : respond({ autoConfirmUser: true, autoVerifyEmail: true })(e)));
    hooks.answers.set('/tokens', respond({ claimsAndScopeOverrideDetails: {
      idTokenGeneration: { claimsToAddOrOverride: { plan: 'gold', tenant: { id: 7 } } } } }));
    const spa = p.cli('client', 'create', '--pool', pool, '--name', 'spa', '--callback-url', `${cb.base}/callback`).client_id;
    await p.start();
    const issuer = `${p.url}/${pool}`;
    const { config, verifier, url } = await rp(issuer, spa, `${cb.base}/callback`);
    const page = await (await browser.newContext()).newPage();
    await page.goto(url);
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByLabel('Username').fill('mal');
    await page.getByLabel('Email').fill('mal@blocked.test');
    await page.getByLabel('Password').fill('Mal-Passw0rd!');
    await page.getByRole('button', { name: 'Sign up' }).click();
    assert.equal(await page.getByRole('alert').innerText(),
      'PreSignUp failed with error Sign-ups from this domain are closed.');
    assert.throws(() => p.cli('user', 'get', '--pool', pool, '--username', 'mal'), 'nobody was created');

    await page.getByLabel('Username').fill('ana');
    await page.getByLabel('Email').fill('ana@acme.test');
    await page.getByLabel('Password').fill('Ana-Passw0rd!');
    await page.getByRole('button', { name: 'Sign up' }).click();
    assert.match(await page.getByRole('status').innerText(), /ready/);
    await page.getByLabel('Password').fill('Ana-Passw0rd!');
    const since = cb.count();
    await page.getByRole('button', { name: 'Sign in' }).click();
    const tokens = await oidc.authorizationCodeGrant(config, await cb.next(since),
      { pkceCodeVerifier: verifier, expectedState: 'hooks' });
    const claims = tokens.claims();
    assert.equal(claims['cognito:username'], 'ana');
    assert.equal(claims.email_verified, true);
    assert.deepEqual([claims.plan, claims.tenant], ['gold', { id: 7 }]);
    assert.deepEqual(hooks.sources('/tokens'), ['TokenGeneration_HostedAuth']);
    assert.deepEqual(hooks.sources('/presignup'), ['PreSignUp_SignUp', 'PreSignUp_SignUp']);
    assert.equal(hooks.badSignatures(), 0);
  } finally {
    await browser.close();
    await p.stop();
    await cb.close();
    await hooks.close();
  }
});

test('a federated first sign-in: InboundFederation rewrites what gets mapped', { timeout: 90000 }, async () => {
  const hooks = await hookReceiver();
  const cb = await callbackServer();
  const p = new Portcullis();
  const base = await p.reserve();
  const pool = p.cli('pool', 'create', '--name', 'fed-hooks').id;
  const up = await startUpstream({ redirectUris: [`${base}/${pool}/oauth2/idpresponse`] });
  const browser = await launch();
  try {
    p.cli('idp', 'create', '--pool', pool, '--name', 'Corp',
      '--detail', 'client_id=portcullis', '--detail', 'client_secret=corp-secret',
      '--detail', 'authorize_scopes=openid email profile', '--detail', `oidc_issuer=${up.issuer}`,
      '--detail', 'attributes_request_method=GET',
      '--map', 'email=email', '--map', 'given_name=given_name', '--map', 'custom:dept=department');
    for (const t of ['InboundFederation', 'PreSignUp']) {
      p.cli('pool', 'set-hook', '--pool', pool, '--trigger', t, '--url', `${hooks.url}/${t}`);
    }
    hooks.secrets.set(pool, p.cli('pool', 'hook-secret', '--pool', pool).secret);
    hooks.answers.set('/InboundFederation', (e) => {
      const said = e.request.attributes.idToken;
      return respond({ userAttributesToMap: { email: said.email, given_name: `${said.given_name} (Corp)` } })(e);
    });
    const spa = p.cli('client', 'create', '--pool', pool, '--name', 'spa', '--callback-url', `${cb.base}/callback`,
      '--identity-provider', 'Corp').client_id;
    await p.start();
    const issuer = `${base}/${pool}`;
    const { config, verifier, url } = await rp(issuer, spa, `${cb.base}/callback`, { identity_provider: 'Corp' });
    const page = await (await browser.newContext()).newPage();
    await page.goto(url);
    await page.getByLabel('Corp username').fill('dana');
    await page.getByLabel('Corp password').fill(PEOPLE.dana.password);
    const since = cb.count();
    await page.getByRole('button', { name: 'Continue' }).click();
    const tokens = await oidc.authorizationCodeGrant(config, await cb.next(since),
      { pkceCodeVerifier: verifier, expectedState: 'hooks' });
    assert.equal(tokens.claims().given_name, 'Dana (Corp)');
    const [fed] = hooks.events.filter((e) => e.path === '/InboundFederation').map((e) => e.event);
    assert.equal(fed.triggerSource, 'InboundFederation_ExternalProvider');
    assert.deepEqual([fed.request.providerName, fed.request.providerType], ['Corp', 'OIDC']);
    assert.equal(fed.request.attributes.idToken.email, PEOPLE.dana.email);
    assert.deepEqual(hooks.sources('/PreSignUp'), ['PreSignUp_ExternalProvider']);
    assert.equal(hooks.badSignatures(), 0);
  } finally {
    await browser.close();
    await p.stop();
    await up.close();
    await cb.close();
    await hooks.close();
  }
});
