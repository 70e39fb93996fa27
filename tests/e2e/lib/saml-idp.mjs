// A SAML 2.0 IdP for the tests: Debian's SimpleSAMLphp under `php -S` on a loopback port,
// configured in a throwaway directory for one service provider (ours), with a fresh
// self-signed signing key and one person. Responses and assertions are signed (RSA-SHA256),
// and assertions optionally encrypted to the SP's certificate.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './portcullis.mjs';

export const SAML_PERSON = { username: 'frank', password: 'Frank-Passw0rd!', email: 'frank@saml.test', givenName: 'Frank' };

const php = (v) => `'${String(v).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * Starts the IdP for the SP `{ entityId, acsUrl }`; with `encryptTo` (the SP's certificate,
 * base64 DER) assertions are encrypted to it, and with `requireSigned` too, AuthnRequests
 * must be signed by it. `signResponse: false` signs only the assertion (then encrypts it, with
 * `encryptTo`: the ADFS and Entra shape). `signingKey` ({ keyPem, certPem }) replaces the
 * fresh key. `sloBinding: 'HTTP-POST'` makes the IdP post its logout messages to `sloUrl`;
 * `idpSloBinding: 'HTTP-POST'` makes its metadata offer single logout by POST only.
 * `port` restarts an IdP where an earlier one ran (same entity ID and
 * metadata URL, new signing key). Resolves once the IdP serves its metadata.
 */
export async function startSamlIdp({ entityId, acsUrl, sloUrl, encryptTo, requireSigned = false, signResponse = true, signingKey, sloBinding = 'HTTP-Redirect', idpSloBinding, port: reuse }) {
  const port = reuse ?? await freePort();
  const base = `http://127.0.0.1:${port}`;
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-ssp-'));
  for (const d of ['config', 'metadata', 'cert', 'log', 'data', 'tmp', 'sessions']) mkdirSync(join(dir, d));
  if (signingKey) {
    writeFileSync(join(dir, 'cert', 'idp.key'), signingKey.keyPem);
    writeFileSync(join(dir, 'cert', 'idp.crt'), signingKey.certPem);
  } else {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=portcullis-e2e-idp',
      '-days', '2', '-keyout', join(dir, 'cert', 'idp.key'), '-out', join(dir, 'cert', 'idp.crt')], { stdio: 'ignore' });
  }
  writeFileSync(join(dir, 'config', 'config.php'), `<?php
$config = [
  'baseurlpath' => ${php(`${base}/`)},
  'certdir' => ${php(`${dir}/cert/`)}, 'metadatadir' => ${php(`${dir}/metadata/`)},
  'loggingdir' => ${php(`${dir}/log/`)}, 'datadir' => ${php(`${dir}/data/`)}, 'tempdir' => ${php(`${dir}/tmp`)},
  'session.phpsession.savepath' => ${php(`${dir}/sessions`)}, 'store.type' => 'phpsession',
  'secretsalt' => ${php(Math.random().toString(36).slice(2) + Date.now())},
  'auth.adminpassword' => ${php(Math.random().toString(36))}, 'admin.protectmetadata' => false,
  'technicalcontact_name' => 'Portcullis tests', 'technicalcontact_email' => 'tests@example.test',
  'timezone' => 'UTC', 'language.default' => 'en',
  'logging.handler' => 'file', 'logging.logfile' => 'ssp.log', 'logging.level' => SimpleSAML\\Logger::INFO,
  'enable.saml20-idp' => true,
  'module.enable' => ['exampleauth' => true, 'core' => true, 'saml' => true],
  'session.cookie.secure' => false, 'session.cookie.samesite' => null,
  // ReturnTo URLs (IdP-initiated logout) may point at any loopback port.
  'trusted.url.regex' => true, 'trusted.url.domains' => ['127\\.0\\.0\\.1(:[0-9]+)?'],
  'metadata.sources' => [['type' => 'flatfile']],
  'showerrors' => true, 'errorreporting' => false,
];
`);
  writeFileSync(join(dir, 'config', 'authsources.php'), `<?php
$config = [
  'people' => ['exampleauth:UserPass',
    ${php(`${SAML_PERSON.username}:${SAML_PERSON.password}`)} => [
      'uid' => [${php(SAML_PERSON.username)}], 'email' => [${php(SAML_PERSON.email)}], 'givenName' => [${php(SAML_PERSON.givenName)}],
    ],
  ],
];
`);
  writeFileSync(join(dir, 'metadata', 'saml20-idp-hosted.php'), `<?php
$metadata['__DYNAMIC:1__'] = [
  'host' => '__DEFAULT__', 'privatekey' => 'idp.key', 'certificate' => 'idp.crt', 'auth' => 'people',
  'saml20.sign.response' => ${signResponse ? 'true' : 'false'}, 'saml20.sign.assertion' => true,
  'signature.algorithm' => 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  ${idpSloBinding ? `'SingleLogoutServiceBinding' => 'urn:oasis:names:tc:SAML:2.0:bindings:${idpSloBinding}',` : ''}
  'attributes.NameFormat' => 'urn:oasis:names:tc:SAML:2.0:attrname-format:basic',
];
`);
  writeFileSync(join(dir, 'metadata', 'saml20-sp-remote.php'), `<?php
$metadata[${php(entityId)}] = [
  'AssertionConsumerService' => ${php(acsUrl)},
  ${sloUrl ? `'SingleLogoutService' => [['Binding' => 'urn:oasis:names:tc:SAML:2.0:bindings:${sloBinding}', 'Location' => ${php(sloUrl)}]], 'sign.logout' => true,` : ''}
  'NameIDFormat' => 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  'simplesaml.nameidattribute' => 'email',
  ${requireSigned ? '' : "'validate.authnrequest' => false,"}
  ${encryptTo ? `'assertion.encryption' => true, 'certData' => ${php(encryptTo)},` : ''}
  ${requireSigned ? `'validate.authnrequest' => true, 'certData' => ${php(encryptTo)},` : ''}
];
`);
  const proc = spawn('php', ['-S', `127.0.0.1:${port}`, '-t', '/usr/share/simplesamlphp/www'], {
    env: { ...process.env, SIMPLESAMLPHP_CONFIG_DIR: join(dir, 'config') }, stdio: 'ignore',
  });
  const metadataUrl = `${base}/saml2/idp/metadata.php`;
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(metadataUrl)).ok) break; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    metadataUrl,
    entityId: metadataUrl,
    logs: join(dir, 'log', 'ssp.log'),
    async stop() {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill();
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Signs SAML_PERSON in on the IdP's login page that `page` shows. */
export async function idpSignIn(page) {
  await page.locator('#username').fill(SAML_PERSON.username);
  await page.locator('#password').fill(SAML_PERSON.password);
  await page.locator('#password').press('Enter');
}

/**
 * Intercepts what the IdP posts to our ACS (so the body is always there); `posted()` gives
 * the last form body, `response()` its SAMLResponse as XML.
 */
export async function capturePosts(page) {
  let last = '';
  await page.route('**/saml2/idpresponse', async (route) => {
    if (route.request().method() === 'POST') last = route.request().postData();
    await route.continue();
  });
  return {
    posted: () => last,
    response: () => Buffer.from(new URLSearchParams(last).get('SAMLResponse'), 'base64').toString(),
  };
}
