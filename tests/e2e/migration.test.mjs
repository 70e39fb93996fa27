// Imported users on the hosted sign-in page (Chromium): a Django PBKDF2 hash and an Okta
// salted SHA-256 digest sign in with their old passwords, the app (openid-client) gets
// tokens, and the export shows each password hashed again with argon2id.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, pbkdf2Sync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as oidc from 'openid-client';
import { Portcullis, execFileSync } from './lib/portcullis.mjs';
import { launch } from './lib/browser.mjs';
import { callbackServer } from './lib/callback.mjs';

function users() {
  const salt = 'djangosalt12';
  const django = pbkdf2Sync('Django-pass1', salt, 1000, 32, 'sha256').toString('base64');
  const okSalt = randomBytes(8);
  const okta = createHash('sha256').update(Buffer.concat([okSalt, Buffer.from('Okta-pass1')])).digest('base64');
  return [
    [{ username: 'dj', attributes: { email: 'dj@old.test' }, password_hash: `pbkdf2_sha256$1000$${salt}$${django}` },
      'Django-pass1'],
    [{ username: 'ok', attributes: { email: 'ok@old.test' },
      password_hash: { algorithm: 'SHA-256', salt: okSalt.toString('base64'), salt_order: 'PREFIX', value: okta } },
    'Okta-pass1'],
  ];
}

test('imported users sign in on the hosted page with their old passwords', { timeout: 90000 }, async () => {
  const cb = await callbackServer();
  const p = new Portcullis();
  const browser = await launch();
  try {
    const pool = p.cli('pool', 'create', '--name', 'imported').id;
    const spa = p.cli('client', 'create', '--pool', pool, '--name', 'spa', '--callback-url', `${cb.base}/callback`).client_id;
    const file = join(p.dir, 'users.jsonl');
    const people = users();
    writeFileSync(file, people.map(([r]) => JSON.stringify(r)).join('\n') + '\n');
    const summary = p.cli('user', 'import', '--pool', pool, file);
    assert.equal(summary.created, 2);
    await p.start();
    const issuer = `${p.url}/${pool}`;
    const config = await oidc.discovery(new URL(issuer), spa, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
    for (const [rec, password] of people) {
      const verifier = oidc.randomPKCECodeVerifier();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: `${cb.base}/callback`, scope: 'openid email', state: rec.username,
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
      }).href;
      const page = await (await browser.newContext()).newPage();
      await page.goto(url);
      await page.getByLabel('Username or email').fill(rec.username);
      await page.getByLabel('Password').fill(`${password}-not`);
      await page.getByRole('button', { name: 'Sign in' }).click();
      assert.match(await page.getByRole('alert').innerText(), /Incorrect|not right|password/i);
      await page.getByLabel('Password').fill(password);
      const since = cb.count();
      await page.getByRole('button', { name: 'Sign in' }).click();
      const tokens = await oidc.authorizationCodeGrant(config, await cb.next(since),
        { pkceCodeVerifier: verifier, expectedState: rec.username });
      assert.equal(tokens.claims()['cognito:username'], rec.username);
      assert.equal(tokens.claims().email, rec.attributes.email);
    }
    const exported = execFileSync(process.env.PORTCULLIS_BIN, ['user', 'export', '--pool', pool, '--with-hashes'],
      { env: p.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(exported.length, 2);
    for (const r of exported) assert.match(r.password_hash, /^\$argon2id\$/, r.username);
  } finally {
    await browser.close();
    await p.stop();
    await cb.close();
  }
});
