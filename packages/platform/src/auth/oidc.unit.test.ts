import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnauthorizedError } from '../errors';
import { signToken, verifyToken, type TokenSettings } from './tokens';

/**
 * People's tokens from an OpenID Connect issuer: a loopback issuer publishes its discovery document
 * and its keys (JWKS) over HTTP, as Keycloak or Entra ID do, and the platform verifies against them.
 */
describe('tokens from an OpenID Connect issuer', () => {
  let server: Server;
  let issuer = '';
  let settings: TokenSettings;
  const requests: string[] = [];
  const signingKeys = generateKeyPair('RS256', { extractable: true });
  const strangerKeys = generateKeyPair('RS256', { extractable: true });

  beforeAll(async () => {
    const jwk: JWK = { ...(await exportJWK((await signingKeys).publicKey)), kid: 'key-1', alg: 'RS256', use: 'sig' };
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      res.setHeader('content-type', 'application/json');
      if (req.url === '/realms/service/.well-known/openid-configuration') res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/protocol/openid-connect/certs` }));
      else if (req.url === '/realms/service/protocol/openid-connect/certs') res.end(JSON.stringify({ keys: [jwk] }));
      else res.writeHead(404).end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/realms/service`;
    settings = { secret: 'unit-test-secret-0123456789-0123456789', issuer: 'aftersales-unit', oidc: { issuer, audience: 'aftersales-api', rolesClaim: 'realm_access.roles' } };
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const personToken = async (claims: Record<string, unknown> = {}, options: { keys?: typeof signingKeys; kid?: string; iss?: string; aud?: string } = {}) =>
    new SignJWT({ realm_access: { roles: ['dispatcher', 'offline_access'] }, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? 'key-1' })
      .setSubject('zhang.min')
      .setIssuer(options.iss ?? issuer)
      .setAudience(options.aud ?? 'aftersales-api')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign((await (options.keys ?? signingKeys)).privateKey);

  const refused = async (token: string) => {
    const error = await verifyToken(token, settings).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(UnauthorizedError);
    return (error as Error).message;
  };

  it('accepts a token the issuer signed, with the roles from the configured claim, finding the keys through discovery', async () => {
    expect(await verifyToken(await personToken(), settings)).toEqual({ sub: 'zhang.min', roles: ['dispatcher'] });
    expect(requests).toContain('/realms/service/.well-known/openid-configuration');
    expect(requests).toContain('/realms/service/protocol/openid-connect/certs');
  });

  it('refuses a token signed by a key the issuer does not publish, for another audience or from another issuer', async () => {
    expect(await refused(await personToken({}, { keys: strangerKeys }))).toMatch(/signature verification failed/);
    expect(await refused(await personToken({}, { aud: 'some-other-app' }))).toMatch(/aud/);
    expect(await refused(await personToken({}, { iss: 'http://127.0.0.1:1/realms/evil' }))).toMatch(/iss/);
  });

  it('refuses a person with no platform role', async () => {
    expect(await refused(await personToken({ realm_access: { roles: ['offline_access'] } }))).toMatch(/no known role/);
  });

  it("still takes the platform's own HS256 tokens, and refuses an issuer's token when no issuer is configured", async () => {
    const own = await signToken({ sub: 'svc', roles: ['platform'] }, settings);
    expect(await verifyToken(own, settings)).toEqual({ sub: 'svc', roles: ['platform'] });
    const error = await verifyToken(await personToken(), { secret: settings.secret, issuer: settings.issuer }).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(UnauthorizedError);
  });
});
