import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { UnauthorizedError } from '../errors';
import type { Role } from './roles';
import { signToken, verifyToken } from './tokens';

const settings = { secret: 'unit-test-secret-0123456789-0123456789', issuer: 'aftersales-unit' };

async function rejection(promise: Promise<unknown>): Promise<UnauthorizedError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the token to be rejected');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UnauthorizedError);
  expect(error).toMatchObject({ status: 401, code: 'unauthorized', field: 'authorization', retriable: false });
  return error as UnauthorizedError;
}

describe('bearer tokens', () => {
  it('round-trips subject, roles and dealer id', async () => {
    const token = await signToken({ sub: 'alice', roles: ['agent', 'dealer'], dealerId: 'D-1' }, settings);
    expect(await verifyToken(token, settings)).toEqual({ sub: 'alice', roles: ['agent', 'dealer'], dealerId: 'D-1' });
  });

  it('omits the dealer id when there is none', async () => {
    const token = await signToken({ sub: 'bob', roles: ['dispatcher'] }, settings);
    expect(await verifyToken(token, settings)).toEqual({ sub: 'bob', roles: ['dispatcher'] });
  });

  it('rejects a token signed with another secret', async () => {
    const token = await signToken({ sub: 'alice', roles: ['agent'] }, { ...settings, secret: 'another-secret-0123456789-0123456789' });
    const error = await rejection(verifyToken(token, settings));
    expect(error.message).toMatch(/^bearer token rejected: /);
  });

  it('rejects a token from another issuer', async () => {
    const token = await signToken({ sub: 'alice', roles: ['agent'] }, { ...settings, issuer: 'someone-else' });
    await rejection(verifyToken(token, settings));
  });

  it('rejects an expired token', async () => {
    const token = await signToken({ sub: 'alice', roles: ['agent'] }, settings, '-1m');
    const error = await rejection(verifyToken(token, settings));
    expect(error.message).toMatch(/"exp"/);
  });

  it('rejects a token whose only role is unknown', async () => {
    const token = await signToken({ sub: 'mallory', roles: ['superuser' as Role] }, settings);
    const error = await rejection(verifyToken(token, settings));
    expect(error.message).toBe('bearer token has no subject or no known role');
  });

  it('keeps known roles and drops unknown ones', async () => {
    const token = await signToken({ sub: 'carol', roles: ['superuser' as Role, 'auditor'] }, settings);
    expect((await verifyToken(token, settings)).roles).toEqual(['auditor']);
  });

  it('rejects a token without a subject', async () => {
    const token = await new SignJWT({ roles: ['agent'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(settings.issuer)
      .setAudience('aftersales-api')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(settings.secret));
    await rejection(verifyToken(token, settings));
  });

  it('rejects garbage', async () => {
    await rejection(verifyToken('not.a.jwt', settings));
  });
});
