// `serve --demo` prints a sign-in URL a person can open and complete.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Portcullis } from './lib/portcullis.mjs';
import { launch } from './lib/browser.mjs';

test('the demo login URL signs the demo user in and reaches the demo callback', { timeout: 60000 }, async () => {
  const p = new Portcullis();
  const browser = await launch();
  try {
    const [demo] = await p.start('--demo');
    assert.ok(demo.login_url.startsWith(`${p.url}/${demo.pool_id}/oauth2/authorize?`));
    const page = await browser.newPage();
    await page.goto(demo.login_url);
    await page.getByLabel('Username or email').fill(demo.username);
    await page.getByLabel('Password').fill(demo.password);
    // Nothing listens on the demo callback; the request itself is what a person would see.
    const reached = page.waitForRequest((r) => r.url().startsWith(demo.redirect_uri));
    await page.getByRole('button', { name: 'Sign in' }).click();
    const url = new URL((await reached).url());
    assert.equal(url.searchParams.get('state'), 'demo');
    const code = url.searchParams.get('code');
    assert.ok(code);
    // The printed secret redeems the code.
    const res = await fetch(`${p.url}/${demo.pool_id}/oauth2/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${demo.client_id}:${demo.client_secret}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: demo.redirect_uri }),
    });
    assert.equal(res.status, 200);
    assert.ok((await res.json()).id_token);
  } finally {
    await browser.close();
    await p.stop();
  }
});
