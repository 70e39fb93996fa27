// amazon-cognito-identity-js (the SDK behind Amplify's sign-in) against our Cognito API:
// USER_SRP_AUTH end to end, then its refresh, with the endpoint pointed at portcullis.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthenticationDetails, CognitoUser, CognitoUserPool } from 'amazon-cognito-identity-js';
import { Portcullis } from './lib/portcullis.mjs';
import { launch } from './lib/browser.mjs';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

function signIn(user, password) {
  return new Promise((resolve, reject) => {
    user.authenticateUser(new AuthenticationDetails({ Username: user.getUsername(), Password: password }), {
      onSuccess: resolve,
      onFailure: reject,
      newPasswordRequired: () => reject(new Error('unexpected new password challenge')),
    });
  });
}

test('amazon-cognito-identity-js signs in with SRP and refreshes', { timeout: 60000 }, async () => {
  const p = new Portcullis();
  try {
    // A real-looking region: the SDK derives it from the pool id (`us-east-1_…`).
    const pool = p.cli('pool', 'create', '--name', 'js', '--region', 'us-east-1').id;
    assert.ok(pool.startsWith('us-east-1_'), pool);
    const client = p.cli('client', 'create', '--pool', pool, '--name', 'js',
      '--auth-flows', 'ALLOW_USER_SRP_AUTH,ALLOW_REFRESH_TOKEN_AUTH').client_id;
    p.cli('user', 'create', '--pool', pool, '--username', 'erin', '--email', 'erin@e2e.test', '--password', 'Erin-Passw0rd!');
    await p.start();
    const userPool = new CognitoUserPool({ UserPoolId: pool, ClientId: client, endpoint: `${p.url}/` });
    const user = new CognitoUser({ Username: 'erin', Pool: userPool });
    const session = await signIn(user, 'Erin-Passw0rd!');
    assert.ok(session.isValid());
    const id = session.getIdToken().decodePayload();
    assert.equal(id['cognito:username'], 'erin');
    assert.equal(id.iss, `${p.url}/${pool}`);
    assert.equal(id.email, 'erin@e2e.test');

    const refreshed = await new Promise((resolve, reject) => user.refreshSession(session.getRefreshToken(),
      (err, s) => (err ? reject(err) : resolve(s))));
    assert.equal(refreshed.getIdToken().decodePayload().sub, id.sub);

    const other = new CognitoUser({ Username: 'erin', Pool: userPool });
    await assert.rejects(signIn(other, 'not-her-password'), (e) => e.code === 'NotAuthorizedException');
  } finally {
    await p.stop();
  }
});

// The SDK's browser bundle, as an app on its own origin serves it.
function appOrigin() {
  const require = createRequire(import.meta.url);
  const bundle = readFileSync(require.resolve('amazon-cognito-identity-js/dist/amazon-cognito-identity.min.js'));
  const server = createServer((req, res) => {
    if (req.url === '/sdk.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(bundle);
    } else {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>app</title><script src="/sdk.js"></script>');
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    base: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((r) => server.close(r)),
  })));
}

test('a browser app on another origin signs in with amazon-cognito-identity-js', { timeout: 60000 }, async () => {
  const p = new Portcullis();
  const app = await appOrigin();
  const browser = await launch();
  try {
    const pool = p.cli('pool', 'create', '--name', 'browser').id;
    const client = p.cli('client', 'create', '--pool', pool, '--name', 'web',
      '--auth-flows', 'ALLOW_USER_SRP_AUTH,ALLOW_REFRESH_TOKEN_AUTH').client_id;
    p.cli('user', 'create', '--pool', pool, '--username', 'fay', '--email', 'fay@e2e.test', '--password', 'Fay-Passw0rd!');
    await p.start();
    const page = await browser.newPage();
    await page.goto(`${app.base}/`);
    assert.notEqual(new URL(page.url()).origin, new URL(p.url).origin);
    const result = await page.evaluate(({ pool, client, endpoint }) => new Promise((resolve) => {
      const { CognitoUserPool, CognitoUser, AuthenticationDetails } = window.AmazonCognitoIdentity;
      const userPool = new CognitoUserPool({ UserPoolId: pool, ClientId: client, endpoint });
      const user = new CognitoUser({ Username: 'fay', Pool: userPool });
      user.authenticateUser(new AuthenticationDetails({ Username: 'fay', Password: 'Fay-Passw0rd!' }), {
        onSuccess: (s) => resolve({ ok: true, id: s.getIdToken().decodePayload() }),
        onFailure: (e) => resolve({ ok: false, error: String(e && (e.code || e.message)) }),
      });
    }), { pool, client, endpoint: `${p.url}/` });
    assert.ok(result.ok, `sign-in from ${app.base} failed: ${result.error}`);
    assert.equal(result.id['cognito:username'], 'fay');
    assert.equal(result.id.email, 'fay@e2e.test');
  } finally {
    await browser.close();
    await app.close();
    await p.stop();
  }
});
