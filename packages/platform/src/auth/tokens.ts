import { jwtVerify, SignJWT } from 'jose';
import { UnauthorizedError } from '../errors';
import { roles, type Principal, type Role } from './roles';

export interface TokenSettings {
  secret: string;
  issuer: string;
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
  let payload;
  try {
    ({ payload } = await jwtVerify(token, key(settings.secret), { issuer: settings.issuer, audience, algorithms: ['HS256'] }));
  } catch (error) {
    throw new UnauthorizedError(`bearer token rejected: ${(error as Error).message}`);
  }
  const claimed = Array.isArray(payload.roles) ? payload.roles : [];
  const known = claimed.filter((r): r is Role => (roles as readonly unknown[]).includes(r));
  if (!payload.sub || known.length === 0) throw new UnauthorizedError('bearer token has no subject or no known role');
  return {
    sub: payload.sub,
    roles: known,
    ...(typeof payload.dealerId === 'string' ? { dealerId: payload.dealerId } : {}),
  };
}
