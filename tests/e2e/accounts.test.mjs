// Hosted account pages in Chromium: sign up, confirm with the mailed code, sign in; then
// forget the password, reset it with the mailed code, and sign in with the new one. Every
// message goes by SMTP to a real sink (aiosmtpd, writing a maildir).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as oidc from 'openid-client';
import { Portcullis, freePort } from './lib/portcullis.mjs';
import { launch } from './lib/browser.mjs';
import { callbackServer } from './lib/callback.mjs';

/** An aiosmtpd sink on a free port, storing messages in a maildir. */
async function smtpSink() {
  const port = await freePort();
  // Maildir creates its tmp/new/cur folders only when the folder does not exist yet.
  const dir = join(mkdtempSync(join(tmpdir(), 'portcullis-mail-')), 'maildir');
  const python = resolve(process.env.PORTCULLIS_E2E_VENV || '.venv', 'bin', 'python');
  const proc = spawn(python, ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`, '-c', 'aiosmtpd.handlers.Mailbox', dir],
    { stdio: 'ignore' });
  const { connect } = await import('node:net');
  for (let i = 0; i < 100; i++) {
    const up = await new Promise((r) => { const c = connect(port, '127.0.0.1', () => { c.end(); r(true); }); c.on('error', () => r(false)); });
    if (up) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const seen = new Set();
  return {
    url: `smtp://127.0.0.1:${port}`,
    /** The code in the next unseen message to `to`. */
    async code(to) {
      for (let i = 0; i < 100; i++) {
        let files = [];
        try { files = readdirSync(join(dir, 'new')); } catch { /* nothing yet */ }
        // Oldest first, so successive calls return a recipient's messages in order.
        files.sort((a, b) => statSync(join(dir, 'new', a)).mtimeMs - statSync(join(dir, 'new', b)).mtimeMs);
        for (const f of files) {
          if (seen.has(f)) continue;
          const text = readFileSync(join(dir, 'new', f), 'utf8');
          if (text.includes(`To: ${to}`)) {
            seen.add(f);
            return codeIn(text);
          }
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`no message for ${to}`);
    },
    stop: () => proc.kill(),
  };
}

/** The 6-digit code in a message's text/plain part (its only part, or one of an alternative). */
function codeIn(raw) {
  const text = raw.replace(/\r/g, '');
  const [head, ...rest] = text.split('\n\n');
  let body = rest.join('\n\n');
  const boundary = head.match(/boundary="?([^";\n]+)"?/);
  if (boundary) {
    const parts = body.split(`--${boundary[1]}`);
    const plain = parts.find((p) => /content-type: text\/plain/i.test(p));
    assert.ok(plain, 'the message has a text part');
    assert.ok(parts.some((p) => /content-type: text\/html/i.test(p)), 'and an HTML part');
    body = plain.split('\n\n').slice(1).join('\n\n');
  }
  return body.match(/\b(\d{6})\b/)[1];
}

test('sign up, confirm, sign in; forgot password, reset, sign in', { timeout: 90000 }, async () => {
  const cb = await callbackServer();
  const mail = await smtpSink();
  const p = new Portcullis();
  p.env.PORTCULLIS_SMTP_URL = mail.url;
  const browser = await launch();
  try {
    const pool = p.cli('pool', 'create', '--name', 'accounts', '--required-attribute', 'given_name').id;
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
    // The pool requires given_name: the form asks for it, and the browser fills it in.
    assert.equal(await page.getByLabel('Given name').getAttribute('autocomplete'), 'given-name');
    assert.equal(await page.getByLabel('Given name').evaluate((e) => e.required), true);
    await page.getByLabel('Given name').fill('Kim');
    await page.getByLabel('Password').fill('weak');
    await page.getByRole('button', { name: 'Sign up' }).click();
    assert.match(await page.getByRole('alert').innerText(), /Password/);
    await page.getByLabel('Password').fill('Kim-Passw0rd!');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByLabel('Verification code').fill('000000');
    await page.getByRole('button', { name: 'Confirm' }).click();
    assert.match(await page.getByRole('alert').innerText(), /not right/);
    // A new code replaces the first one.
    const first = await mail.code('kim@e2e.test');
    await page.getByRole('button', { name: 'Send a new code' }).click();
    assert.match(await page.getByRole('status').innerText(), /we sent a new code/);
    const second = await mail.code('kim@e2e.test');
    if (first !== second) {
      await page.getByLabel('Verification code').fill(first);
      await page.getByRole('button', { name: 'Confirm' }).click();
      assert.match(await page.getByRole('alert').innerText(), /not right/);
    }
    await page.getByLabel('Verification code').fill(second);
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
    assert.equal(p.cli('user', 'get', '--pool', pool, '--username', 'kim').attributes.given_name, 'Kim');

    // Forgotten password, in a fresh browser.
    const page2 = await (await browser.newContext()).newPage();
    await page2.goto(authUrl);
    await page2.getByRole('link', { name: 'Forgot your password?' }).click();
    await page2.getByLabel('Username or email').fill('kim');
    await page2.getByRole('button', { name: 'Send code' }).click();
    await page2.getByLabel('Code').fill(await mail.code('kim@e2e.test'));
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
    mail.stop();
  }
});
