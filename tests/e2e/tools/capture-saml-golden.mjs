// Records the golden SAML responses of crates/saml/tests/golden: Debian's SimpleSAMLphp (a
// signing key made here, kept only as its certificate in the IdP metadata) answers one
// AuthnRequest three ways — signed Response and Assertion; signed Response around an
// encrypted assertion; assertion signed then encrypted in an unsigned Response — to an SP
// key made here too. From these, the attack variants are derived as static files (the SP key
// lets the encrypted ones be opened, changed and sealed again). `cases.tsv` says what the
// Rust test expects of each file, judged at the time of the recording.
//
//   node tests/e2e/tools/capture-saml-golden.mjs
//
// Needs SimpleSAMLphp and openssl (scripts/install-deps.sh). Run again only to replace the
// recordings; the test itself never needs the IdP.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { startSamlIdp, SAML_PERSON } from '../lib/saml-idp.mjs';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '../../../crates/saml/tests/golden');
const SP_ENTITY = 'urn:amazon:cognito:sp:local_golden1';
const ACS = 'https://auth.golden.test/local_golden1/saml2/idpresponse';
const REQUEST_ID = '_golden-request-7d41c2';

const tmp = mkdtempSync(join(tmpdir(), 'golden-'));
const openssl = (...args) => execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'ignore'] });
function keyPair(cn) {
  const key = join(tmp, `${cn}.key`);
  const crt = join(tmp, `${cn}.crt`);
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${cn}`, '-days', '3650', '-keyout', key, '-out', crt);
  return { keyPem: readFileSync(key, 'utf8'), certPem: readFileSync(crt, 'utf8'), key, crt };
}
const idpKey = keyPair('golden-idp');
const spKey = keyPair('golden-sp');
const spCertB64 = spKey.certPem.replace(/-----[^-]+-----|\s/g, '');

/** A cookie-keeping client that follows redirects by hand. */
function browser() {
  const jar = new Map();
  return async function go(url, init = {}) {
    for (let hop = 0; hop < 10; hop++) {
      const headers = { ...(init.headers ?? {}), cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') };
      const res = await fetch(url, { ...init, headers, redirect: 'manual' });
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const i = pair.indexOf('=');
        jar.set(pair.slice(0, i), pair.slice(i + 1));
      }
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        url = new URL(location, url).href;
        init = {};
        continue;
      }
      return { url, html: await res.text() };
    }
    throw new Error('too many redirects');
  };
}

const decodeHtml = (s) => s.replace(/&quot;/g, '"').replace(/&#0?39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

async function capture(options, port) {
  const idp = await startSamlIdp({ entityId: SP_ENTITY, acsUrl: ACS, signingKey: idpKey, port, ...options });
  try {
    const sso = idp.metadataUrl.replace('metadata.php', 'SSOService.php');
    const request = `<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${REQUEST_ID}" Version="2.0" IssueInstant="${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}" Destination="${sso}" AssertionConsumerServiceURL="${ACS}" ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"><saml:Issuer>${SP_ENTITY}</saml:Issuer></samlp:AuthnRequest>`;
    const go = browser();
    const login = await go(`${sso}?${new URLSearchParams({ SAMLRequest: zlib.deflateRawSync(request).toString('base64') })}`);
    const authState = decodeHtml(login.html.match(/name="AuthState" value="([^"]+)"/)[1]);
    const done = await go(login.url.split('?')[0], {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: SAML_PERSON.username, password: SAML_PERSON.password, AuthState: authState }).toString(),
    });
    const posted = done.html.match(/name="SAMLResponse" value="([^"]+)"/);
    if (!posted) throw new Error(`no SAMLResponse in ${done.html.slice(0, 500)}`);
    const metadata = await (await fetch(idp.metadataUrl)).text();
    return { xml: Buffer.from(decodeHtml(posted[1]), 'base64').toString(), metadata, port: idp.port };
  } finally {
    await idp.stop();
  }
}

// --- XML Encryption with the SP key (what SimpleSAMLphp sends: rsa-oaep-mgf1p, aes128-cbc) ---
const cipherValues = (xml) => [...xml.matchAll(/<xenc:CipherValue>([^<]+)<\/xenc:CipherValue>/g)];
function openSealed(xml) {
  const [wrapped, data] = cipherValues(xml).map((m) => Buffer.from(m[1], 'base64'));
  const key = crypto.privateDecrypt({ key: spKey.keyPem, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, wrapped);
  const d = crypto.createDecipheriv('aes-128-cbc', key, data.subarray(0, 16));
  return Buffer.concat([d.update(data.subarray(16)), d.final()]).toString();
}
function reseal(xml, plain) {
  const key = crypto.randomBytes(16);
  const iv = crypto.randomBytes(16);
  const c = crypto.createCipheriv('aes-128-cbc', key, iv);
  const data = Buffer.concat([iv, c.update(plain), c.final()]).toString('base64');
  const wrapped = crypto.publicEncrypt({ key: spKey.certPem, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, key).toString('base64');
  const [k, v] = cipherValues(xml);
  return xml.slice(0, k.index) + `<xenc:CipherValue>${wrapped}</xenc:CipherValue>` + xml.slice(k.index + k[0].length, v.index)
    + `<xenc:CipherValue>${data}</xenc:CipherValue>` + xml.slice(v.index + v[0].length);
}
function flipCipher(xml) {
  const v = cipherValues(xml).pop();
  const at = v.index + '<xenc:CipherValue>'.length + 40;
  return xml.slice(0, at) + (xml[at] === 'A' ? 'B' : 'A') + xml.slice(at + 1);
}

// --- text mutations ---
const span = (xml, open, close) => {
  const a = xml.indexOf(open);
  const b = xml.indexOf(close, a) + close.length;
  if (a < 0 || b < close.length) throw new Error(`no ${open} in the recording`);
  return [a, b];
};
const without = (xml, open, close) => { const [a, b] = span(xml, open, close); return xml.slice(0, a) + xml.slice(b); };
const assertionOf = (xml) => { const [a, b] = span(xml, '<saml:Assertion', '</saml:Assertion>'); return xml.slice(a, b); };
const evilOf = (assertion) => assertion
  .replace(/<ds:Signature[\s\S]*?<\/ds:Signature>/, '')
  .replace(/ID="[^"]+"/, 'ID="_evil-assertion"')
  .replaceAll(SAML_PERSON.email, 'admin@saml.test');
const must = (s, from, to) => { if (!s.includes(from)) throw new Error(`no ${from}`); return s.replace(from, to); };

const signed = await capture({});
const encrypted = await capture({ encryptTo: spCertB64 }, signed.port);
const sealed = await capture({ encryptTo: spCertB64, signResponse: false }, signed.port);
const now = Math.floor(Date.parse(signed.xml.match(/IssueInstant="([^"]+)"/)[1]) / 1000) + 5;

const files = new Map();
const cases = [];
const add = (name, xml, expect, { request = REQUEST_ID, later = 0 } = {}) => {
  if (!files.has(name)) files.set(name, xml);
  cases.push([name, request, later, expect]);
};
const ok = `accept:${SAML_PERSON.email}`;
const notEvil = `not:admin@saml.test`;

// Signed Response and Assertion, in clear.
const s = signed.xml;
const sa = assertionOf(s);
add('ssp-signed.xml', s, ok);
add('ssp-signed.xml', s, 'refuse', { request: '_another-request' });
add('ssp-signed.xml', s, 'refuse', { later: 86400 });
add('signed-nameid-changed.xml', s.replaceAll(`>${SAML_PERSON.email}<`, '>admin@saml.test<'), 'refuse');
add('signed-attribute-changed.xml', must(s, `<saml:AttributeValue xsi:type="xs:string">${SAML_PERSON.givenName}</saml:AttributeValue>`, '<saml:AttributeValue xsi:type="xs:string">Mallory</saml:AttributeValue>'), 'refuse');
add('signed-signatures-stripped.xml', s.replace(/<ds:Signature[\s\S]*?<\/ds:Signature>/g, ''), 'refuse');
add('signed-response-signature-stripped.xml', without(s, '<ds:Signature', '</ds:Signature>'), ok);
add('xsw-evil-assertion-first.xml', must(s, '<saml:Assertion', `${evilOf(sa)}<saml:Assertion`), 'refuse');
add('xsw-evil-wraps-signed.xml', s.replace(sa, evilOf(sa).replace('</saml:Assertion>', `${sa}</saml:Assertion>`)), notEvil);
add('xsw-signed-assertion-twice.xml', s.replace(sa, sa + sa), 'refuse');
add('xsw-response-in-evil-response.xml', (() => {
  const root = s.match(/<samlp:Response [^>]*>/)[0];
  const evilRoot = root.replace(/ID="[^"]+"/, 'ID="_evil-response"');
  const evilBody = evilOf(sa);
  return `${evilRoot}<samlp:Extensions>${s.replace(/^<\?xml[^>]*>\s*/, '')}</samlp:Extensions>${evilBody}</samlp:Response>`;
})(), 'refuse');
add('doctype.xml', `<!DOCTYPE r [<!ENTITY e "x">]>${s.replace(/^<\?xml[^>]*>\s*/, '')}`, 'refuse');
add('destination-changed.xml', s.replace(/Destination="[^"]+"/, 'Destination="https://evil.test/acs"'), 'refuse');
add('comment-in-nameid.xml', s.replace(`>${SAML_PERSON.email}</saml:NameID>`, `>${SAML_PERSON.email}<!---->.evil.test</saml:NameID>`), 'refuse');

// Signed Response around an encrypted (unsigned-inside or signed-inside) assertion.
const e = encrypted.xml;
add('ssp-encrypted.xml', e, ok);
add('ssp-encrypted.xml', e, 'refuse', { later: 86400 });
add('encrypted-cipher-flipped.xml', flipCipher(e), 'refuse');
add('encrypted-resealed-nameid-changed.xml', reseal(e, openSealed(e).replaceAll(`>${SAML_PERSON.email}<`, '>admin@saml.test<')), 'refuse');
add('encrypted-plus-clear-evil.xml', must(e, '</samlp:Response>', `${evilOf(assertionOf(s))}</samlp:Response>`), 'refuse');

// Assertion signed, then encrypted, in an unsigned Response.
const t = sealed.xml;
const inner = openSealed(t);
add('ssp-sign-then-encrypt.xml', t, ok);
add('ssp-sign-then-encrypt.xml', t, 'refuse', { request: '_another-request' });
add('ste-cipher-flipped.xml', flipCipher(t), 'refuse');
add('ste-resealed-nameid-changed.xml', reseal(t, inner.replaceAll(`>${SAML_PERSON.email}<`, '>admin@saml.test<')), 'refuse');
add('ste-resealed-signature-stripped.xml', reseal(t, inner.replace(/<ds:Signature[\s\S]*?<\/ds:Signature>/, '')), 'refuse');
add('ste-resealed-evil-first.xml', reseal(t, `${evilOf(inner)}${inner}`), 'refuse');
add('ste-resealed-evil-wraps-signed.xml', reseal(t, evilOf(inner).replace('</saml:Assertion>', `${inner}</saml:Assertion>`)), 'refuse');
add('ste-response-answers-another-request.xml', t.replace(/InResponseTo="[^"]+"/, 'InResponseTo="_another-request"'), 'refuse');
add('ste-response-issuer-changed.xml', t.replace(/<saml:Issuer>[^<]+<\/saml:Issuer>/, '<saml:Issuer>https://evil.test/idp</saml:Issuer>'), 'refuse');
add('ste-response-destination-changed.xml', t.replace(/Destination="[^"]+"/, 'Destination="https://evil.test/acs"'), 'refuse');

rmSync(OUT, { recursive: true, force: true });
mkdirSync(join(OUT, 'responses'), { recursive: true });
writeFileSync(join(OUT, 'idp-metadata.xml'), signed.metadata);
writeFileSync(join(OUT, 'sp-key.der'), openssl('rsa', '-in', spKey.key, '-traditional', '-outform', 'DER'));
writeFileSync(join(OUT, 'sp-cert.der'), openssl('x509', '-in', spKey.crt, '-outform', 'DER'));
for (const [name, xml] of files) writeFileSync(join(OUT, 'responses', name), xml);
writeFileSync(join(OUT, 'cases.tsv'), [
  '# Recorded by tests/e2e/tools/capture-saml-golden.mjs from SimpleSAMLphp; see crates/saml/src/golden.rs.',
  `# sp\t${SP_ENTITY}\t${ACS}`,
  `# now\t${now}`,
  '# file\trequest id\tjudged seconds later\texpectation',
  ...cases.map((c) => c.join('\t')),
  '',
].join('\n'));
rmSync(tmp, { recursive: true, force: true });
console.log(`${files.size} files, ${cases.length} cases in ${OUT}`);
