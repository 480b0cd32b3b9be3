import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { UnauthorizedError } from '../errors';
import { roles, type Principal, type Role } from './roles';

export interface TokenSettings {
  /** The platform's own HS256 tokens (development, service-to-service): secret and issuer. */
  secret: string;
  issuer: string;
  /** People's tokens from an OpenID Connect issuer, verified with the keys it publishes. */
  oidc?: OidcSettings;
}

export interface OidcSettings {
  issuer: string;
  audience: string;
  /** Claim (dotted path) holding the platform's role names. */
  rolesClaim: string;
  /** Unset: the jwks_uri of the issuer's discovery document. */
  jwksUrl?: string;
}

/** Key sets by JWKS URL: jose caches keys and refetches on an unknown key id (key rotation). */
const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
const discovered = new Map<string, Promise<string>>();

async function jwksUrlOf(oidc: OidcSettings): Promise<string> {
  if (oidc.jwksUrl) return oidc.jwksUrl;
  let url = discovered.get(oidc.issuer);
  if (!url) {
    url = (async () => {
      const response = await fetch(`${oidc.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
      const document = (await response.json()) as { jwks_uri?: unknown };
      if (!response.ok || typeof document.jwks_uri !== 'string') throw new Error(`the issuer's discovery document has no jwks_uri (HTTP ${response.status})`);
      return document.jwks_uri;
    })();
    url.catch(() => discovered.delete(oidc.issuer)); // try again on the next token
    discovered.set(oidc.issuer, url);
  }
  return url;
}

async function verifyOidc(token: string, oidc: OidcSettings): Promise<JWTPayload> {
  const url = await jwksUrlOf(oidc);
  let keys = keySets.get(url);
  if (!keys) keySets.set(url, (keys = createRemoteJWKSet(new URL(url))));
  const { payload } = await jwtVerify(token, keys, { issuer: oidc.issuer, audience: oidc.audience, algorithms: ['RS256', 'PS256', 'ES256', 'EdDSA'] });
  return payload;
}

function claimAt(payload: JWTPayload, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), payload);
}

const audience = 'aftersales-api';

function key(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

export async function signToken(principal: Principal, settings: TokenSettings, ttl = '12h'): Promise<string> {
  return new SignJWT({ roles: principal.roles, ...(principal.dealerId ? { dealerId: principal.dealerId } : {}) })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(principal.sub)
    .setIssuer(settings.issuer)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(ttl)
    .sign(key(settings.secret));
}

export async function verifyToken(token: string, settings: TokenSettings): Promise<Principal> {
  let payload: JWTPayload;
  let rolesClaim = 'roles';
  try {
    // The header says which kind it is; each kind is then verified only with its own keys and algorithms.
    const { alg } = decodeProtectedHeader(token);
    if (alg !== 'HS256' && settings.oidc) {
      payload = await verifyOidc(token, settings.oidc);
      rolesClaim = settings.oidc.rolesClaim;
    } else {
      ({ payload } = await jwtVerify(token, key(settings.secret), { issuer: settings.issuer, audience, algorithms: ['HS256'] }));
    }
  } catch (error) {
    throw new UnauthorizedError(`bearer token rejected: ${(error as Error).message}`);
  }
  const roleClaim = claimAt(payload, rolesClaim);
  const claimed = Array.isArray(roleClaim) ? roleClaim : [];
  const known = claimed.filter((r): r is Role => (roles as readonly unknown[]).includes(r));
  if (!payload.sub || known.length === 0) throw new UnauthorizedError('bearer token has no subject or no known role');
  return {
    sub: payload.sub,
    roles: known,
    ...(typeof payload.dealerId === 'string' ? { dealerId: payload.dealerId } : {}),
  };
}
