import type { Principal } from '../auth/roles';
import type { RouteResult, RouteSpec } from '../http/route';
import { testLogger } from './names';

/**
 * Calls a route's handler as the HTTP layer does, its query, params and body parsed by the route's
 * own schemas: for int tests that hold what a route reads from the store, without a server.
 */
export function callRoute(route: RouteSpec, input: { query?: Record<string, string>; params?: Record<string, string>; body?: unknown; principal?: Principal | null } = {}): Promise<RouteResult> {
  return route.handler({
    query: route.query ? route.query.parse(input.query ?? {}) : {},
    params: route.params ? route.params.parse(input.params ?? {}) : (input.params ?? {}),
    body: route.body ? route.body.parse(input.body) : undefined,
    headers: {},
    principal: input.principal ?? null,
    requestId: 'r',
    correlationId: 'r',
    log: testLogger(),
  });
}
