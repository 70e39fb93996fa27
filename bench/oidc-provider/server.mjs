// Baseline for the client_credentials benchmark: node-oidc-provider issuing RS256 JWT access
// tokens to one confidential client (client_secret_basic), like our token endpoint does.
// Env: PORT (default 4400). Loopback only.
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

const port = Number(process.env.PORT || 4400);
const issuer = `http://127.0.0.1:${port}`;
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'bench-1', alg: 'RS256', use: 'sig' };

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'm2m', client_secret: 'm2m-secret', grant_types: ['client_credentials'],
    response_types: [], redirect_uris: [], scope: 'api:read',
  }],
  jwks: { keys: [jwk] },
  scopes: ['api:read'],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => 'urn:api',
      useGrantedResource: () => false,
      getResourceServerInfo: () => ({
        scope: 'api:read', audience: 'urn:api', accessTokenFormat: 'jwt', accessTokenTTL: 3600,
        jwt: { sign: { alg: 'RS256' } },
      }),
    },
  },
});
provider.listen(port, '127.0.0.1', () => console.log(`oidc-provider listening on ${issuer}`));
