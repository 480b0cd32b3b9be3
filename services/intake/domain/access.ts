/**
 * Who may see which customers' data. Dealers see only the end users they serve (the customer's
 * `dealerId`); everyone else with a role on the route sees all. Enforced on the server, in one
 * place, so no route can forget it.
 */
export interface Caller {
  sub: string;
  roles: readonly string[];
  dealerId?: string;
}

export type AccessScope = { kind: 'all' } | { kind: 'dealer'; dealerId: string };

export class AccessDenied extends Error {
  readonly retriable = false;
  constructor(message: string) {
    super(message);
    this.name = 'AccessDenied';
  }
}

/**
 * A caller holding a non-dealer role the route allows is not narrowed; a caller whose only allowed
 * role is dealer is narrowed to its dealer id, and refused without one (a token without the claim
 * must not fall back to seeing everything).
 */
export function scopeOf(caller: Caller, allowedRoles: readonly string[] | 'public'): AccessScope {
  const granted = allowedRoles === 'public' ? caller.roles : caller.roles.filter((r) => allowedRoles.includes(r));
  if (granted.some((r) => r !== 'dealer')) return { kind: 'all' };
  if (!caller.dealerId) throw new AccessDenied('a dealer token needs a dealerId claim');
  return { kind: 'dealer', dealerId: caller.dealerId };
}

/** Whether the scope may see a customer served by `dealerId` (null: served directly). */
export function canSee(scope: AccessScope, customerDealerId: string | null | undefined): boolean {
  return scope.kind === 'all' || customerDealerId === scope.dealerId;
}
