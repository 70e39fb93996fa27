// Federated sign-in cost (not a test): N sign-ins through oidc-provider by plain HTTP,
// timing our two steps separately: the authorization request that sends the browser
// upstream, and the callback (state check, code exchange, JWKS-verified ID token, userinfo,
// user update, session, our code). Run by bench/federation/run.sh.
import { Portcullis } from '../../tests/e2e/lib/portcullis.mjs';
import { Jar } from '../../tests/e2e/lib/jar.mjs';
import { startUpstream, PEOPLE } from '../../tests/e2e/lib/upstream.mjs';

const N = Number(process.argv[2] || 100);
const CB = 'https://app.example/cb';
const p = new Portcullis();
const base = await p.reserve();
const pool = p.cli('pool', 'create', '--name', 'bench').id;
const up = await startUpstream({ redirectUris: [`${base}/${pool}/oauth2/idpresponse`] });
p.cli('idp', 'create', '--pool', pool, '--name', 'Corp', '--detail', 'client_id=portcullis',
  '--detail', 'client_secret=corp-secret', '--detail', 'authorize_scopes=openid email profile',
  '--detail', `oidc_issuer=${up.issuer}`, '--detail', 'attributes_request_method=GET',
  '--map', 'email=email', '--map', 'given_name=given_name', '--identifier', 'example.test');
const client = p.cli('client', 'create', '--pool', pool, '--name', 'web', '--callback-url', CB,
  '--identity-provider', 'Corp').client_id;
await p.start();
const issuer = `${base}/${pool}`;
const q = new URLSearchParams({ client_id: client, redirect_uri: CB, response_type: 'code', scope: 'openid email',
  state: 's', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256',
  identity_provider: 'Corp' });
const ms = (t) => Number(process.hrtime.bigint() - t) / 1e6;
const start = [], callback = [], upstream = [];
for (let i = 0; i < N; i++) {
  const jar = new Jar();
  let t = process.hrtime.bigint();
  const first = await jar.request(`${issuer}/oauth2/authorize?${q}`);
  start.push(ms(t));
  t = process.hrtime.bigint();
  const { url: form, res } = await jar.follow(first.headers.get('location'), () => false);
  const action = (await res.text()).match(/action="([^"]+)"/)[1];
  const back = await jar.follow(new URL(action, form).href, (u) => u.startsWith(`${issuer}/oauth2/idpresponse`),
    { method: 'POST', form: { username: 'dana', password: PEOPLE.dana.password } });
  upstream.push(ms(t));
  t = process.hrtime.bigint();
  const done = await jar.request(back.url);
  callback.push(ms(t));
  if (!new URL(done.headers.get('location')).searchParams.get('code')) throw new Error('no code');
}
const pct = (xs, f) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * f))].toFixed(2);
console.log(`# ${new Date().toISOString()} ${N} federated sign-ins, debug=${!process.env.PORTCULLIS_BIN.includes('release')}`);
for (const [name, xs] of [['authorize → upstream (ours)', start], ['upstream sign-in (oidc-provider)', upstream], ['callback → app code (ours)', callback]]) {
  console.log(`${name.padEnd(36)} p50 ${pct(xs, 0.5)} ms  p90 ${pct(xs, 0.9)} ms`);
}
await p.stop();
await up.close();
