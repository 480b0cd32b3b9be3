import { describe, expect, it } from 'vitest';
import { AccessDenied, canSee, scopeOf } from './access';

const readers = ['agent', 'manager', 'dealer'] as const;

describe('scopeOf', () => {
  it('does not narrow an agent or a manager', () => {
    expect(scopeOf({ sub: 'a', roles: ['agent'] }, readers)).toEqual({ kind: 'all' });
  });
  it('narrows a dealer to its dealer id', () => {
    expect(scopeOf({ sub: 'd', roles: ['dealer'], dealerId: 'DLR-1' }, readers)).toEqual({ kind: 'dealer', dealerId: 'DLR-1' });
  });
  it('refuses a dealer token without the dealerId claim rather than showing everything', () => {
    expect(() => scopeOf({ sub: 'd', roles: ['dealer'] }, readers)).toThrow(AccessDenied);
  });
  it('a user with a dealer role and another allowed role is not narrowed', () => {
    expect(scopeOf({ sub: 'x', roles: ['dealer', 'manager'], dealerId: 'DLR-1' }, readers)).toEqual({ kind: 'all' });
  });
  it('a role the route does not allow does not widen the scope', () => {
    expect(scopeOf({ sub: 'x', roles: ['dealer', 'finance'], dealerId: 'DLR-1' }, readers)).toEqual({ kind: 'dealer', dealerId: 'DLR-1' });
  });
});

describe('canSee', () => {
  it('lets everyone with scope all see any customer', () => {
    expect(canSee({ kind: 'all' }, null)).toBe(true);
    expect(canSee({ kind: 'all' }, 'DLR-2')).toBe(true);
  });
  it('lets a dealer see only its own customers', () => {
    const scope = { kind: 'dealer', dealerId: 'DLR-1' } as const;
    expect(canSee(scope, 'DLR-1')).toBe(true);
    expect(canSee(scope, 'DLR-2')).toBe(false);
    expect(canSee(scope, null)).toBe(false);
    expect(canSee(scope, undefined)).toBe(false);
  });
});
