import { describe, expect, it } from 'vitest';
import { auditRoutes, type AuditChain, type RouteSpec } from '@aftersales/platform';
import { fuzzedServices } from './contract/fuzz';
import { routeTableOf, standIn } from './support/route-factories';

/** The write routes (anything but GET) a route table opens to the auditor role. */
function auditorWrites(service: string, routes: RouteSpec[]): string[] {
  return routes.filter((r) => r.method !== 'get' && r.roles !== 'public' && r.roles.includes('auditor')).map((r) => `${service} ${r.method.toUpperCase()} ${r.path}`);
}

describe('the auditor role is read-only', () => {
  it('finds a write route that allows the auditor (the check can fail)', () => {
    const route: RouteSpec = { method: 'post', path: '/v1/things', summary: 's', roles: ['manager', 'auditor'], responses: {}, handler: async () => ({ status: 201 }) };
    expect(auditorWrites('test', [route, { ...route, method: 'get' }])).toEqual(['test POST /v1/things']);
  });

  it('the platform\u2019s own audit routes are reads', () => {
    expect(auditorWrites('platform', auditRoutes(standIn() as AuditChain))).toEqual([]);
  });

  it('no service has a write route that allows the auditor', async () => {
    const found: string[] = [];
    for (const service of [...fuzzedServices, 'insight']) {
      const { routes, missing } = await routeTableOf(service);
      expect(missing, `${service}: route factories service.ts spreads that no api/ module exports`).toEqual([]);
      expect(routes.length).toBeGreaterThan(3);
      found.push(...auditorWrites(service, routes));
    }
    expect(found).toEqual([]);
  });
});
