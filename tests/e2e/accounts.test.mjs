// Hosted account pages in Chromium: sign up, confirm with the mailed code, sign in; then
// forget the password, reset it with the mailed code, and sign in with the new one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as oidc from 'openid-client';
import { Portcullis } from './lib/portcullis.mjs';
import { launch } from './lib/browser.mjs';
import { callbackServer } from './lib/callback.mjs';

/** The newest code mailed to `to` for `purpose`, from the development outbox. */
async function mailedCode(p, to, purpose) {
  const dir = join(p.env.PORTCULLIS_DATA_DIR, 'outbox');
  for (let i = 0; i < 100; i++) {
    let files = [];
    try { files = readdirSync(dir).sort().reverse(); } catch { /* not yet */ }
    for (const f of files) {
      const text = readFileSync(join(dir, f), 'utf8');
      if (text.includes(`To: ${to}`) && text.includes(`X-Portcullis-Purpose: ${purpose}`)) {
        return text.split('\r\n\r\n')[1].match(/\b(\d{6})\b/)[1];
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no ${purpose} message for ${to}`);
}

test('sign up, confirm, sign in; forgot password, reset, sign in', { timeout: 90000 }, async () => {
  const cb = await callbackServer();
  const p = new Portcullis();
  const browser = await launch();
  try {
    const pool = p.cli('pool', 'create', '--name', 'accounts').id;
    const spa = p.cli('client', 'create', '--pool', pool, '--name', 'spa', '--callback-url', `${cb.base}/callback`).client_id;
    await p.start();
    const issuer = `${p.url}/${pool}`;
    const config = await oidc.discovery(new URL(issuer), spa, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
    const verifier = oidc.randomPKCECodeVerifier();
    const authUrl = oidc.buildAuthorizationUrl(config, {
      redirect_uri: `${cb.base}/callback`, scope: 'openid email', state: 'acct',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    }).href;

    const page = await (await browser.newContext()).newPage();
    await page.goto(authUrl);
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByLabel('Username').fill('kim');
    await page.getByLabel('Email').fill('kim@e2e.test');
    await page.getByLabel('Password').fill('weak');
    await page.getByRole('button', { name: 'Sign up' }).click();
    assert.match(await page.getByRole('alert').innerText(), /Password/);
    await page.getByLabel('Password').fill('Kim-Passw0rd!');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByLabel('Verification code').fill('000000');
    await page.getByRole('button', { name: 'Confirm' }).click();
    assert.match(await page.getByRole('alert').innerText(), /not right/);
    await page.getByLabel('Verification code').fill(await mailedCode(p, 'kim@e2e.test', 'sign_up'));
    await page.getByRole('button', { name: 'Confirm' }).click();
    // Back on the sign-in page, with the username filled in.
    assert.equal(await page.getByLabel('Username or email').inputValue(), 'kim');
    let since = cb.count();
    await page.getByLabel('Password').fill('Kim-Passw0rd!');
    await page.getByRole('button', { name: 'Sign in' }).click();
    let callback = await cb.next(since);
    let tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: 'acct' });
    assert.equal(tokens.claims().email, 'kim@e2e.test');
    assert.equal(tokens.claims().email_verified, true);

    // Forgotten password, in a fresh browser.
    const page2 = await (await browser.newContext()).newPage();
    await page2.goto(authUrl);
    await page2.getByRole('link', { name: 'Forgot your password?' }).click();
    await page2.getByLabel('Username or email').fill('kim');
    await page2.getByRole('button', { name: 'Send code' }).click();
    await page2.getByLabel('Code').fill(await mailedCode(p, 'kim@e2e.test', 'forgot_password'));
    await page2.getByLabel('New password').fill('Kim-New-Passw0rd!');
    await page2.getByRole('button', { name: 'Reset password' }).click();
    since = cb.count();
    await page2.getByLabel('Password').fill('Kim-New-Passw0rd!');
    await page2.getByRole('button', { name: 'Sign in' }).click();
    callback = await cb.next(since);
    tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: 'acct' });
    assert.equal(tokens.claims()['cognito:username'], 'kim');
  } finally {
    await browser.close();
    await p.stop();
    await cb.close();
  }
});
