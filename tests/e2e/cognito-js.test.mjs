// amazon-cognito-identity-js (the SDK behind Amplify's sign-in) against our Cognito API:
// USER_SRP_AUTH end to end, then its refresh, with the endpoint pointed at portcullis.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthenticationDetails, CognitoUser, CognitoUserPool } from 'amazon-cognito-identity-js';
import { Portcullis } from './lib/portcullis.mjs';

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
    const pool = p.cli('pool', 'create', '--name', 'js').id;
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
