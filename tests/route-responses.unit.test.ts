import { describe, expect, it } from 'vitest';
import { buildOpenApi } from '@aftersales/platform';
import { fuzzedServices } from './contract/fuzz';
import { routeTableOf } from './support/route-factories';

type Operation = { operationId: string; responses: Record<string, { content?: Record<string, { schema?: unknown }> }> };
const rawDocuments = /^(application\/pdf|application\/vnd\.openxmlformats-officedocument\.spreadsheetml\.sheet|text\/html|text\/csv|text\/event-stream)/;

/**
 * The operations whose 2xx answers a client (and the fuzzer) cannot check: a success with a body
 * must give its JSON schema, or, for a raw document, its media type. 204 has no body by definition.
 */
function undocumentedSuccesses(document: ReturnType<typeof buildOpenApi>): string[] {
  const offenders: string[] = [];
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item) as Operation[]) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (!/^2\d\d$/.test(status) || status === '204') continue;
        const content = response.content ?? {};
        const json = content['application/json']?.schema;
        const raw = Object.keys(content).some((type) => rawDocuments.test(type));
        if (!json && !raw) offenders.push(`${operation.operationId} ${status}`);
      }
    }
  }
  return offenders;
}

// ROUTE_SERVICES=intake,notifications checks only those.
const services = process.env.ROUTE_SERVICES ? process.env.ROUTE_SERVICES.split(',') : [...fuzzedServices, 'insight'];

describe("every service's 2xx answers are documented", () => {
  it('finds an answer without a schema (the check can fail)', () => {
    const document = buildOpenApi({ title: 't', version: '1' }, [
      { method: 'get', path: '/v1/things', summary: 's', roles: 'public', responses: { 200: { description: 'things' }, 204: { description: 'none' } }, handler: async () => ({ status: 200 }) },
    ]);
    expect(undocumentedSuccesses(document)).toEqual(['getThings 200']);
  });

  it.each(services)('%s: every 2xx gives its JSON schema, or its media type for a raw document', async (service) => {
    const { routes, missing } = await routeTableOf(service);
    expect(missing, 'route factories service.ts spreads that no api/ module exports').toEqual([]);
    expect(routes.length).toBeGreaterThan(3);
    expect(undocumentedSuccesses(buildOpenApi({ title: service, version: '1' }, routes))).toEqual([]);
  });
});
