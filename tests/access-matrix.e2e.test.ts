import { SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { roles, signToken, type Role } from '@aftersales/platform';
import { registrationBody } from './support/demo';
import { registerRequest, requestStep } from './support/requests';
import { inBatches, routeTable, withMadeUpIds, type RouteEntry } from './support/route-table';
import { api, testJwtSecret, type ServiceName } from './support/services';
import { useTestBed } from './support/testbed';
import { eventually } from './support/wait';

const serviceNames: ServiceName[] = ['intake', 'dispatch', 'spares', 'quality', 'notifications', 'insight'];
const claims = { issuer: 'aftersales-test', audience: 'aftersales-api' };
const day = 86_400_000;
const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();
const concurrency = 8;

/** A token signed like a real one; a dealer's carries its dealer id, as every real dealer token must. */
function tokenAs(role: Role, sub = `matrix-${role}`, dealerId = 'DLR-MATRIX'): Promise<string> {
  return signToken({ sub, roles: [role], ...(role === 'dealer' ? { dealerId } : {}) }, { secret: testJwtSecret, issuer: claims.issuer });
}

const key = (secret: string) => new TextEncoder().encode(secret);
/** Claims as valid as a real token's, so each bad token below differs from a good one in one way only. */
const signed = (payload: Record<string, unknown>) =>
  new SignJWT(payload).setProtectedHeader({ alg: 'HS256' }).setSubject('matrix-forger').setIssuer(claims.issuer).setAudience(claims.audience).setIssuedAt();

/**
 * Every token that must be refused as unauthenticated (401, naming `authorization`), not merely
 * as lacking a role. A token whose only role the platform does not know is among them: the
 * platform keeps only roles it knows, and a token left with none names nobody the API can
 * authorise, so it fails authentication (401) before any route's roles are looked at.
 */
async function badTokens(role: Role): Promise<Record<string, string | null>> {
  const now = Math.floor(Date.now() / 1000);
  return {
    'no token': null,
    expired: await signed({ roles: [role] }).setIssuedAt(now - 7200).setExpirationTime(now - 3600).sign(key(testJwtSecret)),
    'signed with another secret': await signed({ roles: [role] }).setExpirationTime('1h').sign(key('another-secret-that-is-not-the-services-0123456789')),
    'alg none': new UnsecuredJWT({ roles: [role] }).setSubject('matrix-forger').setIssuer(claims.issuer).setAudience(claims.audience).setExpirationTime('1h').encode(),
    'another issuer': await signed({ roles: [role] }).setIssuer('someone-else').setExpirationTime('1h').sign(key(testJwtSecret)),
    'unknown role only': await signed({ roles: ['superuser'] }).setExpirationTime('1h').sign(key(testJwtSecret)),
    garbage: 'not.a.jwt',
  };
}

const isErrorBody = (body: unknown, field: string) => {
  const error = (body as { error?: Record<string, unknown> } | null)?.error;
  return !!error && Object.keys(error).sort().join() === 'code,field,message' && typeof error.code === 'string' && typeof error.message === 'string' && error.field === field;
};

/**
 * Who may call what, generated from the route table each service publishes in its OpenAPI
 * document (support/route-table.ts), so a route added later is checked without touching this file:
 * every role against every route (a role the route does not name: exactly 403; a role it names:
 * past authorization, whatever the empty body or made-up ids earn it), every kind of bad token
 * 401, a dealer reaching another dealer's data 404, an engineer touching another's work order 403.
 */
describe('access matrix', () => {
  const seeded = { SEED_DEMO_DATA: 'true' };
  const bed = useTestBed('access-matrix', { intake: seeded, dispatch: seeded, spares: seeded, quality: seeded, notifications: seeded, insight: {} });
  const tables = new Map<ServiceName, RouteEntry[]>();

  async function tableOf(name: ServiceName): Promise<RouteEntry[]> {
    if (!tables.has(name)) {
      const { routes, undeclared } = await routeTable(bed.service(name));
      expect(undeclared, `${name}: routes that declare no roles and are not public`).toEqual([]);
      tables.set(name, routes);
    }
    return tables.get(name)!;
  }

  const send = (name: ServiceName, route: RouteEntry, token: string | null, path = withMadeUpIds(route.path), body?: unknown) =>
    api(bed.service(name), route.method, path, { ...(token ? { token } : {}), ...(body !== undefined ? { body } : route.method === 'GET' || route.method === 'DELETE' ? {} : { body: {} }) });

  for (const name of serviceNames) {
    it(`${name}: every route against every role (${roles.length} roles)`, async () => {
      const routes = await tableOf(name);
      expect(routes.length, `${name} declares routes`).toBeGreaterThan(0);
      const tokens = new Map(await Promise.all(roles.map(async (role) => [role, await tokenAs(role)] as const)));
      const cases = routes.flatMap((route) => roles.map((role) => ({ route, role })));
      console.log(`${name}: ${routes.length} routes × ${roles.length} roles = ${cases.length} requests`);
      const wrong = (
        await inBatches(cases, concurrency, async ({ route, role }) => {
          const allowed = route.roles === 'public' || route.roles.includes(role);
          const { status, body } = await send(name, route, tokens.get(role)!);
          const ok = allowed ? status !== 401 && status !== 403 && status < 500 : status === 403 && isErrorBody(body, 'authorization');
          return ok ? null : `${route.method} ${route.path} as ${role} (${allowed ? 'allowed' : 'not allowed'}): ${status} ${JSON.stringify(body).slice(0, 200)}`;
        })
      ).filter((line): line is string => line !== null);
      expect(wrong).toEqual([]);
    });
  }

  it('refuses expired, forged, alg:none, unknown-role and garbage tokens with 401 on a handful of routes of each service', async () => {
    const wrong: string[] = [];
    let sent = 0;
    for (const name of serviceNames) {
      const guarded = (await tableOf(name)).filter((r): r is RouteEntry & { roles: readonly Role[] } => r.roles !== 'public');
      // Two reads and two writes: enough to show the check sits in front of every route alike.
      const sample = [...guarded.filter((r) => r.method === 'GET').slice(0, 2), ...guarded.filter((r) => r.method !== 'GET').slice(0, 2)];
      for (const route of sample) {
        for (const [kind, token] of Object.entries(await badTokens(route.roles[0]!))) {
          const { status, body } = await send(name, route, token);
          sent++;
          if (status !== 401 || !isErrorBody(body, 'authorization')) wrong.push(`${name} ${route.method} ${route.path} with ${kind}: ${status} ${JSON.stringify(body)}`);
        }
      }
    }
    console.log(`bad tokens: ${sent} requests`);
    expect(wrong).toEqual([]);
  });

  it('an engineer touching a work order assigned to another engineer is refused 403 on every step, and nothing moves', async () => {
    // The demo's P1 (CUST-0001 / SN-0001) is auto-assigned to ENG-SH-01.
    const { id: requestId } = await registerRequest(bed);
    const screened = await requestStep(bed, requestId, 'screening', { outcome: 'valid', faultCategory: 'optical', severity: 'critical' });
    expect(screened.status, JSON.stringify(screened.body)).toBe(200);
    const dispatch = bed.service('dispatch');
    const workOrder = await eventually(`the work order of ${requestId} assigned`, async () => {
      const list = await api(dispatch, 'GET', `/v1/work-orders?requestId=${requestId}`, { token: bed.token('dispatcher') });
      return (list.body.items as { id: string; status: string; engineerId: string }[] | undefined)?.find((w) => w.status === 'assigned');
    });
    expect(workOrder.engineerId).toBe('ENG-SH-01');
    // Bodies a step needs to get past validation to the ownership check; a new step that needs one
    // fails below with 400 until it is added here.
    const bodies: Record<string, unknown> = {
      decline: { reason: 'not my job' },
      overrun: { until: iso(day) },
      report: { startedAt: iso(-3_600_000), finishedAt: iso(-60_000), effortMinutes: 59, cause: 'worn nozzle', fix: 'replaced it', workDone: 'swap', partsUsed: [], firstTimeFix: true },
    };
    const steps = (await tableOf('dispatch')).filter((r) => r.method !== 'GET' && r.path.startsWith('/v1/work-orders/{id}/') && r.roles !== 'public' && r.roles.includes('engineer'));
    expect(steps.length).toBeGreaterThan(0);
    const stranger = await tokenAs('engineer', 'ENG-SZ-02');
    for (const route of steps) {
      const step = route.path.split('/').pop()!;
      const { status, body } = await send('dispatch', route, stranger, route.path.replace('{id}', workOrder.id), bodies[step] ?? {});
      expect([route.path, status, body.error?.field]).toEqual([route.path, 403, 'engineerId']);
    }
    const after = await api(dispatch, 'GET', `/v1/work-orders/${workOrder.id}`, { token: bed.token('dispatcher') });
    expect(after.body).toMatchObject({ status: 'assigned', engineerId: 'ENG-SH-01' });
    // The engineer it is assigned to passes the same check.
    expect((await api(dispatch, 'POST', `/v1/work-orders/${workOrder.id}/acceptance`, { token: await tokenAs('engineer', 'ENG-SH-01'), body: {} })).body).toMatchObject({ status: 'accepted' });
  });

  it('a dealer reaching another dealer\u2019s anything is answered 404; every dealer route is classified', async () => {
    const intake = bed.service('intake');
    const [manager, agent, dealerA, dealerB] = await Promise.all([tokenAs('manager'), tokenAs('agent'), tokenAs('dealer', 'matrix-dealer-a', 'DLR-MX-A'), tokenAs('dealer', 'matrix-dealer-b', 'DLR-MX-B')]);
    const created = async (service: ServiceName, path: string, token: string, body: unknown) => {
      const response = await api(bed.service(service), 'POST', path, { token, body });
      expect(response.status, `${path}: ${JSON.stringify(response.body)}`).toBe(201);
      return response.body;
    };
    // Dealer A's end user, its machine, contract, request and quote, built through the APIs.
    for (const id of ['DLR-MX-A', 'DLR-MX-B']) await created('intake', '/v1/dealers', manager, { id, name: `Dealer ${id}`, region: 'East' });
    const site = { name: 'Plant', address: '1 Road', city: 'Wuxi', locationClass: 'elsewhere', timeZone: 'Asia/Shanghai' };
    await created('intake', '/v1/customers', dealerA, { id: 'CUST-MX-A', name: 'End user of A', class: 'indirect', dealerId: 'DLR-MX-A', sites: [{ ...site, id: 'SITE-MX-A' }] });
    const machine = { customerId: 'CUST-MX-A', siteId: 'SITE-MX-A', model: 'PB-1303', productLine: 'press-brake' };
    await created('intake', '/v1/machines', dealerA, { serialNumber: 'SN-MX-A', ...machine, warranty: { type: 'standard', start: iso(-day), end: iso(300 * day) } });
    await created('intake', '/v1/service-contracts', manager, {
      id: 'SC-MX-A', customerId: 'CUST-MX-A', name: 'Premium 24x7', type: 'premium', coveredSerials: ['SN-MX-A'], start: iso(-day), end: iso(300 * day),
      responseMode: 'on-site', slaPolicyId: 'contract-premium', calendarId: '24x7', covers: { parts: true, labour: true, travel: true },
    });
    const registration = registrationBody({ customerId: 'CUST-MX-A', serialNumber: 'SN-MX-A', channel: 'dealer', symptom: 'Ram does not return' });
    const request = await created('intake', '/v1/service-requests', dealerA, registration);
    bed.started.push(request.id as string);
    // The case reaches spares on intake's event, carrying the dealer; then a quote can be issued.
    const quote = await eventually('a quote on dealer A\u2019s case', async () => {
      const q = await api(bed.service('spares'), 'POST', '/v1/quotes', { token: agent, body: { requestId: request.id, parts: [], labourHours: 1, trips: 0 } });
      return q.status === 201 ? q.body : undefined;
    });
    const ownedIds = ['CUST-MX-A', 'SITE-MX-A', 'SN-MX-A', 'SC-MX-A', request.id as string, quote.id as string];

    type Check = { service: ServiceName; path: string; body?: unknown };
    const report = { reportId: 'RPT-MX-1', at: iso(-3_600_000), summary: 'Replaced a valve', parts: [{ partNumber: 'P-VALVE-3', quantity: 1 }] };
    /** Routes on one of dealer A's things, with the id filled in: dealer B is told 404, dealer A is served. */
    const owned: Record<string, Check> = {
      'intake GET /v1/customers/{id}': { service: 'intake', path: '/v1/customers/CUST-MX-A' },
      'intake GET /v1/customers/{id}/requests': { service: 'intake', path: '/v1/customers/CUST-MX-A/requests' },
      'intake POST /v1/customers/{id}/sites': { service: 'intake', path: '/v1/customers/CUST-MX-A/sites', body: { ...site, id: 'SITE-MX-2' } },
      'intake GET /v1/dealers/{id}': { service: 'intake', path: '/v1/dealers/DLR-MX-A' },
      'intake GET /v1/machines/{serial}': { service: 'intake', path: '/v1/machines/SN-MX-A' },
      'intake GET /v1/machines/{serial}/service-history': { service: 'intake', path: '/v1/machines/SN-MX-A/service-history' },
      'intake POST /v1/machines/{serial}/part-replacements': { service: 'intake', path: '/v1/machines/SN-MX-A/part-replacements', body: report },
      'intake GET /v1/service-contracts/{id}': { service: 'intake', path: '/v1/service-contracts/SC-MX-A' },
      'intake GET /v1/contracts/{id}': { service: 'intake', path: '/v1/contracts/SC-MX-A' },
      'intake GET /v1/service-requests/{id}': { service: 'intake', path: `/v1/service-requests/${request.id as string}` },
      'intake GET /v1/entitlements': { service: 'intake', path: '/v1/entitlements?serial=SN-MX-A' },
      'spares POST /v1/quotes/{id}/answer': { service: 'spares', path: `/v1/quotes/${quote.id as string}/answer`, body: { accepted: true } },
    };
    /** Lists: dealer B's answer names none of dealer A's things. */
    const lists = ['intake GET /v1/customers', 'intake GET /v1/dealers', 'intake GET /v1/machines', 'intake GET /v1/service-contracts', 'intake GET /v1/contracts', 'intake GET /v1/service-requests'];
    /** Writes naming dealer A's customer: dealer B is refused 403 naming the field. */
    const creates: Record<string, Check & { field: string }> = {
      'intake POST /v1/customers': { service: 'intake', path: '/v1/customers', body: { name: 'Not mine', class: 'indirect', dealerId: 'DLR-MX-A' }, field: 'dealerId' },
      'intake POST /v1/machines': { service: 'intake', path: '/v1/machines', body: { serialNumber: 'SN-MX-B', ...machine }, field: 'customerId' },
      'intake POST /v1/service-requests': { service: 'intake', path: '/v1/service-requests', body: registration, field: 'customerId' },
    };
    /** The catalogue every dealer reads alike: parts, BOMs, known fixes, knowledge articles. */
    const shared = ['intake GET /v1/known-fixes', 'intake GET /v1/known-fixes/{id}', 'spares GET /v1/parts', 'spares GET /v1/parts/{partNumber}', 'spares GET /v1/bom', 'quality GET /v1/articles', 'quality GET /v1/articles/{id}', 'quality GET /v1/articles/{id}/versions'];

    const dealerRoutes = (await Promise.all(serviceNames.map(async (name) => (await tableOf(name)).filter((r) => r.roles !== 'public' && r.roles.includes('dealer')).map((r) => `${name} ${r.method} ${r.path}`)))).flat();
    const classified = new Set([...Object.keys(owned), ...lists, ...Object.keys(creates), ...shared]);
    expect(dealerRoutes.filter((r) => !classified.has(r)), 'dealer routes to classify here (owned, list, create or shared)').toEqual([]);
    expect([...classified].filter((r) => !dealerRoutes.includes(r)), 'classified routes dealers no longer reach').toEqual([]);

    const wrong: string[] = [];
    const call = (check: Check, token: string, method: string) => api(bed.service(check.service), method, check.path, { token, ...(check.body !== undefined ? { body: check.body } : {}) });
    for (const [name, check] of Object.entries(owned)) {
      const method = name.split(' ')[1]!;
      // B first: A's answer to a quote or a report would otherwise already be stored.
      const b = await call(check, dealerB, method);
      if (b.status !== 404 || b.body.error?.code !== 'not_found') wrong.push(`${name} as dealer B: ${b.status} ${JSON.stringify(b.body)}`);
      const a = await call(check, dealerA, method);
      if (a.status >= 300) wrong.push(`${name} as dealer A: ${a.status} ${JSON.stringify(a.body)}`);
    }
    for (const name of lists) {
      const b = await api(intake, 'GET', `${name.split(' ')[2]!}?limit=500`, { token: dealerB });
      const leaked = ownedIds.filter((id) => JSON.stringify(b.body).includes(id));
      if (b.status !== 200 || leaked.length) wrong.push(`${name} as dealer B: ${b.status}, names ${leaked.join(', ')}`);
    }
    for (const [name, check] of Object.entries(creates)) {
      const b = await call(check, dealerB, 'POST');
      if (b.status !== 403 || b.body.error?.field !== check.field) wrong.push(`${name} as dealer B: ${b.status} ${JSON.stringify(b.body)}`);
    }
    // A dealer token without its dealer id is refused, never widened to every dealer's data.
    const unscoped = await signToken({ sub: 'matrix-dealer-x', roles: ['dealer'] }, { secret: testJwtSecret, issuer: claims.issuer });
    for (const check of [owned['intake GET /v1/customers/{id}']!, { service: 'spares' as const, path: `/v1/quotes/${quote.id as string}/answer`, body: { accepted: false } }]) {
      const response = await call(check, unscoped, check.body === undefined ? 'GET' : 'POST');
      if (response.status !== 403 || !isErrorBody(response.body, 'authorization')) wrong.push(`${check.path} with a dealer token without dealerId: ${response.status} ${JSON.stringify(response.body)}`);
    }
    expect(wrong).toEqual([]);
  });
});
