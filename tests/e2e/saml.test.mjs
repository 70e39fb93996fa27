// SAML federation in Chromium: a person types their work email, signs in at SimpleSAMLphp,
// which posts a signed response to our ACS, and the app (openid-client) receives our tokens
// with `identities` of type SAML. A replayed response is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { Portcullis } from './lib/portcullis.mjs';
import { launch } from './lib/browser.mjs';
import { callbackServer } from './lib/callback.mjs';
import { startSamlIdp, idpSignIn, capturePosts, SAML_PERSON } from './lib/saml-idp.mjs';

test('a work email routes to a SAML IdP and the app gets our tokens', { timeout: 90000 }, async () => {
  const cb = await callbackServer();
  const p = new Portcullis();
  const base = await p.reserve();
  const pool = p.cli('pool', 'create', '--name', 'saml').id;
  let idp = await startSamlIdp({ entityId: `urn:amazon:cognito:sp:${pool}`, acsUrl: `${base}/${pool}/saml2/idpresponse` });
  const browser = await launch();
  try {
    p.cli('idp', 'create', '--pool', pool, '--name', 'Corp', '--type', 'SAML',
      '--detail', `MetadataURL=${idp.metadataUrl}`, '--detail', 'IDPInit=true',
      '--map', 'email=email', '--map', 'given_name=givenName', '--identifier', 'saml.test');
    const spa = p.cli('client', 'create', '--pool', pool, '--name', 'spa', '--callback-url', `${cb.base}/callback`,
      '--identity-provider', 'COGNITO', '--identity-provider', 'Corp').client_id;
    await p.start();
    const issuer = `${base}/${pool}`;
    const sp = await (await fetch(`${issuer}/saml2/metadata`)).text();
    assert.match(sp, new RegExp(`entityID="urn:amazon:cognito:sp:${pool}"`));

    const config = await oidc.discovery(new URL(issuer), spa, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: `${cb.base}/callback`, scope: 'openid email profile', state: 'saml-1',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    }).href;
    const context = await browser.newContext();
    const page = await context.newPage();
    // Keep what the IdP posts to our ACS, to replay it afterwards.
    let posted = null;
    // Keep what the IdP posts to our ACS (intercepted, so the body is always there).
    await page.route('**/saml2/idpresponse', async (route) => {
      if (route.request().method() === 'POST') posted = route.request().postData();
      await route.continue();
    });
    await page.goto(url);
    await page.getByLabel('Username or email').fill(SAML_PERSON.email);
    await page.getByRole('button', { name: 'Sign in' }).click();
    assert.ok(page.url().startsWith(idp.metadataUrl.replace('/saml2/idp/metadata.php', '')), page.url());
    await page.locator('#username').fill(SAML_PERSON.username);
    await page.locator('#password').fill(SAML_PERSON.password);
    const since = cb.count();
    await page.locator('#password').press('Enter');
    const callback = await cb.next(since);
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: 'saml-1' });
    const claims = tokens.claims();
    assert.equal(claims['cognito:username'], `Corp_${SAML_PERSON.email}`);
    assert.equal(claims.email, SAML_PERSON.email);
    assert.equal(claims.given_name, SAML_PERSON.givenName);
    assert.equal(claims.identities[0].providerType, 'SAML');
    assert.equal(claims.identities[0].userId, SAML_PERSON.email);
    assert.equal(p.cli('user', 'get', '--pool', pool, '--username', `Corp_${SAML_PERSON.email}`).status, 'EXTERNAL_PROVIDER');

    // The same response again, from outside the browser: without the browser's federation
    // cookie it is bounced to be posted again same-site, and then refused.
    assert.ok(posted, 'the IdP posted a response');
    const post = (body) => fetch(`${issuer}/saml2/idpresponse`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body, redirect: 'manual' });
    const replay = await post(posted);
    assert.equal(replay.status, 200);
    assert.match(await replay.text(), /name="portcullis_bounced"/);
    const bounced = await post(`${posted}&portcullis_bounced=1`);
    assert.equal(bounced.status, 400);
    assert.match(await bounced.text(), /did not start in this browser/);

    // Login CSRF: an attacker starts a sign-in, keeps the IdP's answer, and makes a victim's
    // browser post it from another site. The victim is not signed in as the attacker.
    const attacker = await (await browser.newContext()).newPage();
    let kept = null;
    await attacker.route('**/saml2/idpresponse', async (route) => {
      kept = route.request().postData();
      await route.abort();
    });
    await attacker.goto(oidc.buildAuthorizationUrl(config, {
      redirect_uri: `${cb.base}/callback`, scope: 'openid email', state: 'csrf-1', identity_provider: 'Corp',
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256',
    }).href);
    await attacker.locator('#username').fill(SAML_PERSON.username);
    await attacker.locator('#password').fill(SAML_PERSON.password);
    await attacker.locator('#password').press('Enter').catch(() => {});
    for (let i = 0; i < 100 && !kept; i += 1) await new Promise((r) => setTimeout(r, 50));
    assert.ok(kept, 'the attacker kept the IdP answer');
    const victim = await (await browser.newContext()).newPage();
    const fields = [...new URLSearchParams(kept)].map(([k, v]) =>
      `<input type="hidden" name="${k}" value="${v.replace(/"/g, '&quot;')}">`).join('');
    const beforeCsrf = cb.count();
    await victim.setContent(`<form method="post" action="${issuer}/saml2/idpresponse">${fields}</form>`);
    await Promise.all([
      victim.waitForURL((u) => u.pathname.endsWith('/saml2/idpresponse') && !u.href.includes('callback')),
      victim.evaluate(() => document.forms[0].submit()),
    ]);
    await victim.waitForLoadState();
    await victim.waitForFunction(() => document.body && /did not start in this browser/.test(document.body.innerText));
    assert.equal(cb.count(), beforeCsrf, 'the app heard nothing');

    // IdP-initiated (IDPInit=true): the IdP's own link, the app's request in RelayState.
    const v2 = oidc.randomPKCECodeVerifier();
    const relay = new URLSearchParams({ client_id: spa, redirect_uri: `${cb.base}/callback`, response_type: 'code',
      scope: 'openid email', identity_provider: 'Corp', state: 'idp-1',
      code_challenge: await oidc.calculatePKCECodeChallenge(v2), code_challenge_method: 'S256' }).toString();
    const idpFirst = `${idp.metadataUrl.replace('metadata.php', 'SSOService.php')}?${new URLSearchParams({
      spentityid: `urn:amazon:cognito:sp:${pool}`, RelayState: relay })}`;
    posted = null;
    const since2 = cb.count();
    await page.goto(idpFirst);
    const unsolicited = await cb.next(since2);
    assert.equal(unsolicited.searchParams.get('state'), 'idp-1');
    const t2 = await oidc.authorizationCodeGrant(config, unsolicited, { pkceCodeVerifier: v2, expectedState: 'idp-1' });
    assert.equal(t2.claims().sub, claims.sub, 'the same user');
    // Replayed, the unsolicited response is refused: its assertion ID is remembered.
    const again = await fetch(`${issuer}/saml2/idpresponse`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: posted, redirect: 'manual' });
    const back = new URL(again.headers.get('location'));
    assert.equal(back.searchParams.get('error'), 'invalid_request');
    assert.equal(back.searchParams.get('code'), null);

    // The IdP rolls over to a new signing key (same metadata URL): the first response signed
    // with it makes us fetch the metadata again, and the sign-in goes through.
    await idp.stop();
    idp = await startSamlIdp({ entityId: `urn:amazon:cognito:sp:${pool}`, acsUrl: `${base}/${pool}/saml2/idpresponse`, port: idp.port });
    const v3 = oidc.randomPKCECodeVerifier();
    const rolled = oidc.buildAuthorizationUrl(config, {
      redirect_uri: `${cb.base}/callback`, scope: 'openid email', state: 'roll-1', identity_provider: 'Corp',
      code_challenge: await oidc.calculatePKCECodeChallenge(v3), code_challenge_method: 'S256',
    }).href;
    const page3 = await (await browser.newContext()).newPage();
    const since3 = cb.count();
    await page3.goto(rolled);
    await idpSignIn(page3);
    const t3 = await oidc.authorizationCodeGrant(config, await cb.next(since3), { pkceCodeVerifier: v3, expectedState: 'roll-1' });
    assert.equal(t3.claims().sub, claims.sub);
  } finally {
    await browser.close();
    await p.stop();
    await idp.stop();
    await cb.close();
  }
});

test('signed requests and encrypted assertions, with the pool\'s SP key', { timeout: 90000 }, async () => {
  const cb = await callbackServer();
  const p = new Portcullis();
  const base = await p.reserve();
  const pool = p.cli('pool', 'create', '--name', 'saml-enc').id;
  // An entity ID of the pool's own choosing instead of Cognito's form.
  const entityId = `https://sp.portcullis.test/${pool}`;
  p.cli('pool', 'set-saml-entity-id', '--pool', pool, '--entity-id', entityId);
  await p.start();
  const issuer = `${base}/${pool}`;
  // The IdP administrator takes our certificate from our metadata.
  const sp = await (await fetch(`${issuer}/saml2/metadata`)).text();
  const cert = sp.match(/<ds:X509Certificate>([^<]+)<\/ds:X509Certificate>/)[1];
  assert.match(sp, /use="encryption"/);
  assert.match(sp, new RegExp(`entityID="${entityId}"`));
  const idp = await startSamlIdp({ entityId, acsUrl: `${issuer}/saml2/idpresponse`,
    sloUrl: `${issuer}/saml2/logout`, encryptTo: cert, requireSigned: true });
  const browser = await launch();
  try {
    p.cli('idp', 'create', '--pool', pool, '--name', 'Enc', '--type', 'SAML', '--detail', `MetadataURL=${idp.metadataUrl}`,
      '--detail', 'EncryptedResponses=true', '--detail', 'RequestSigningAlgorithm=rsa-sha256',
      '--detail', 'IDPSignout=true', '--map', 'email=email');
    const spa = p.cli('client', 'create', '--pool', pool, '--name', 'spa', '--callback-url', `${cb.base}/callback`,
      '--logout-url', `${cb.base}/bye`, '--identity-provider', 'Enc').client_id;
    const config = await oidc.discovery(new URL(issuer), spa, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: `${cb.base}/callback`, scope: 'openid email', state: 'enc-1', identity_provider: 'Enc',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    }).href;
    const page = await (await browser.newContext()).newPage();
    const capture = await capturePosts(page);
    const since = cb.count();
    await page.goto(url);
    await idpSignIn(page);
    const callback = await cb.next(since);
    const response = capture.response();
    assert.match(response, /EncryptedAssertion/, 'the IdP really encrypted');
    assert.doesNotMatch(response, new RegExp(SAML_PERSON.email), 'nothing readable on the wire');
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: 'enc-1' });
    assert.equal(tokens.claims().email, SAML_PERSON.email);
    assert.equal(tokens.claims()['cognito:username'], `Enc_${SAML_PERSON.email}`);
    // This provider does not have IDPInit: a sign-in it starts is refused.
    const relay = new URLSearchParams({ client_id: spa, redirect_uri: `${cb.base}/callback`, response_type: 'code',
      scope: 'openid email', identity_provider: 'Enc', state: 'idp-2',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }).toString();
    const idpFirst = `${idp.metadataUrl.replace('metadata.php', 'SSOService.php')}?${new URLSearchParams({
      spentityid: entityId, RelayState: relay })}`;
    // The IdP's page posts on by script, which may cut the first navigation short.
    const [ours] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/saml2/idpresponse')),
      page.goto(idpFirst).catch(() => null),
    ]);
    assert.equal(ours.status(), 400);
    await page.waitForURL((u) => u.pathname.endsWith('/saml2/idpresponse'));
    assert.match(await page.getByRole('alert').innerText(), /may not start sign-ins/);
    // Signed in at both ends, the app gets a code at once.
    const since5 = cb.count();
    await page.goto(url.replace('state=enc-1', 'state=enc-3'));
    assert.equal((await cb.next(since5)).searchParams.get('state'), 'enc-3');
    // The IdP signs the person out everywhere: its LogoutRequest ends our session too.
    const sspBase = idp.metadataUrl.replace('/saml2/idp/metadata.php', '');
    const since6 = cb.count();
    await page.goto(`${sspBase}/saml2/idp/SingleLogoutService.php?ReturnTo=${encodeURIComponent(`${cb.base}/idp-out`)}`);
    assert.equal((await cb.next(since6)).pathname, '/idp-out');
    assert.doesNotMatch(p.stderr, /IdP logout request refused/);
    await page.goto(url.replace('state=enc-1', 'state=enc-4'));
    assert.ok(await page.locator('#password').isVisible(), 'no session left with us either');
    const since7 = cb.count();
    await idpSignIn(page);
    await cb.next(since7);
    await page.waitForURL((u) => u.pathname === '/callback');
    // Single logout (IDPSignout): our sign-out sends a signed LogoutRequest to the IdP, which
    // answers at /saml2/logout; then on to the app's logout URL, signed out at both ends.
    const since2 = cb.count();
    await page.goto(`${issuer}/logout?client_id=${spa}&logout_uri=${encodeURIComponent(`${cb.base}/bye`)}`);
    assert.equal((await cb.next(since2)).pathname, '/bye');
    assert.doesNotMatch(p.stderr, /SAML logout response refused/, 'the LogoutResponse passed its checks');
    const again = await page.goto(url.replace('state=enc-1', 'state=enc-2'));
    assert.ok(await page.locator('#password').isVisible(), `the IdP asks again: ${again.url()}`);
  } finally {
    await browser.close();
    await p.stop();
    await idp.stop();
    await cb.close();
  }
});

test('an assertion signed, then encrypted, in an unsigned Response (the ADFS and Entra shape)', { timeout: 90000 }, async () => {
  const cb = await callbackServer();
  const p = new Portcullis();
  const base = await p.reserve();
  const pool = p.cli('pool', 'create', '--name', 'saml-ste').id;
  await p.start();
  const issuer = `${base}/${pool}`;
  const sp = await (await fetch(`${issuer}/saml2/metadata`)).text();
  const cert = sp.match(/<ds:X509Certificate>([^<]+)<\/ds:X509Certificate>/)[1];
  const entityId = `urn:amazon:cognito:sp:${pool}`;
  // This IdP also does single logout by HTTP-POST only, both ways.
  const idp = await startSamlIdp({ entityId, acsUrl: `${issuer}/saml2/idpresponse`, encryptTo: cert, signResponse: false,
    sloUrl: `${issuer}/saml2/logout`, sloBinding: 'HTTP-POST', idpSloBinding: 'HTTP-POST' });
  const browser = await launch();
  try {
    p.cli('idp', 'create', '--pool', pool, '--name', 'Adfs', '--type', 'SAML', '--detail', `MetadataURL=${idp.metadataUrl}`,
      '--detail', 'EncryptedResponses=true', '--detail', 'IDPSignout=true', '--map', 'email=email', '--identifier', 'saml.test');
    const spa = p.cli('client', 'create', '--pool', pool, '--name', 'spa', '--callback-url', `${cb.base}/callback`,
      '--logout-url', `${cb.base}/bye`, '--identity-provider', 'Adfs').client_id;
    const config = await oidc.discovery(new URL(issuer), spa, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: `${cb.base}/callback`, scope: 'openid email', state: 'ste-1', login_hint: SAML_PERSON.email,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    }).href;
    const page = await (await browser.newContext()).newPage();
    const capture = await capturePosts(page);
    const since = cb.count();
    await page.goto(url);
    await idpSignIn(page);
    const callback = await cb.next(since);
    const response = capture.response();
    const outside = response.replace(/<saml:EncryptedAssertion[\s\S]*<\/saml:EncryptedAssertion>/, '');
    assert.match(response, /EncryptedAssertion/);
    assert.doesNotMatch(outside, /Signature/, 'the Response itself is unsigned: only the sealed assertion carries a signature');
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: 'ste-1' });
    assert.equal(tokens.claims()['cognito:username'], `Adfs_${SAML_PERSON.email}`);
    assert.equal(tokens.claims().identities[0].providerType, 'SAML');
    // The IdP's own logout arrives as a signed LogoutRequest by POST and ends our session.
    await page.waitForURL((u) => u.pathname === '/callback');
    const sspBase = idp.metadataUrl.replace('/saml2/idp/metadata.php', '');
    let sloPosts = 0;
    let idpLogoutBody = null;
    const ourPosts = [];
    page.on('request', (r) => {
      if (r.url().includes('/SingleLogoutService.php') && r.method() === 'POST') {
        ourPosts.push([...new URLSearchParams(r.postData()).keys()].join(','));
      }
      if (!r.url().endsWith('/saml2/logout') || r.method() !== 'POST') return;
      sloPosts += 1;
      if (new URLSearchParams(r.postData()).has('SAMLRequest')) idpLogoutBody ??= r.postData();
    });
    const sinceOut = cb.count();
    await page.goto(`${sspBase}/saml2/idp/SingleLogoutService.php?ReturnTo=${encodeURIComponent(`${cb.base}/idp-out`)}`);
    assert.equal((await cb.next(sinceOut)).pathname, '/idp-out');
    await page.waitForURL((u) => u.pathname === '/idp-out');
    assert.equal(sloPosts, 1, 'the LogoutRequest came by HTTP-POST');
    assert.doesNotMatch(p.stderr, /IdP logout request refused/);
    await page.goto(url.replace('state=ste-1', 'state=ste-1b'));
    assert.ok(await page.locator('#username').isVisible(), 'signed out of the pool too: the IdP asks again');
    const sinceIn = cb.count();
    await idpSignIn(page);
    await cb.next(sinceIn);
    await page.waitForURL((u) => u.pathname === '/callback');
    // The IdP's LogoutRequest replayed (a copy from the network): refused, the new session stays.
    const replay = await fetch(`${issuer}/saml2/logout`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: idpLogoutBody, redirect: 'manual' });
    assert.equal(replay.status, 400);
    assert.match(p.stderr, /LogoutRequest was used before/);
    const sinceStill = cb.count();
    await page.goto(url.replace('state=ste-1', 'state=ste-1c'));
    assert.equal((await cb.next(sinceStill)).searchParams.get('state'), 'ste-1c', 'still signed in');
    await page.waitForURL((u) => u.pathname === '/callback');
    // Our logout: a LogoutRequest by redirect; the IdP's LogoutResponse comes back by POST.
    const sinceBye = cb.count();
    await page.goto(`${issuer}/logout?client_id=${spa}&logout_uri=${encodeURIComponent(`${cb.base}/bye`)}`);
    assert.equal((await cb.next(sinceBye)).pathname, '/bye');
    assert.equal(sloPosts, 2, 'the LogoutResponse came by HTTP-POST');
    assert.deepEqual(ourPosts, ['SAMLResponse,RelayState', 'SAMLRequest,RelayState'],
      'our LogoutResponse and our LogoutRequest went to the IdP by HTTP-POST');
    assert.doesNotMatch(p.stderr, /SAML logout response refused/);
    // A second sign-in (a fresh browser) whose ciphertext is changed by one character on
    // the way: refused (the app hears an error with its state, never a code).
    const page2 = await (await browser.newContext()).newPage();
    await page2.route('**/saml2/idpresponse', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      const body = new URLSearchParams(route.request().postData());
      const raw = Buffer.from(body.get('SAMLResponse'), 'base64').toString();
      const cipher = [...raw.matchAll(/<xenc:CipherValue>([^<]+)<\/xenc:CipherValue>/g)].pop();
      const at = cipher.index + '<xenc:CipherValue>'.length + 40;
      body.set('SAMLResponse', Buffer.from(raw.slice(0, at) + (raw[at] === 'A' ? 'B' : 'A') + raw.slice(at + 1)).toString('base64'));
      await route.continue({ postData: body.toString() });
    });
    const since2 = cb.count();
    await page2.goto(url.replace('state=ste-1', 'state=ste-2'));
    await idpSignIn(page2);
    const refused = await cb.next(since2);
    assert.equal(refused.searchParams.get('state'), 'ste-2');
    assert.ok(refused.searchParams.get('error'), 'an error for the app');
    assert.equal(refused.searchParams.get('code'), null);
    assert.match(p.stderr, /encrypted assertion could not be read/, 'the log says why');
  } finally {
    await browser.close();
    await p.stop();
    await idp.stop();
    await cb.close();
  }
});
