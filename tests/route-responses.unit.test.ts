import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildOpenApi, type RouteSpec } from '@aftersales/platform';
import { fuzzedServices } from './contract/fuzz';

const servicesDir = path.resolve(import.meta.dirname, '../services');

/**
 * Stands in for every dependency a route factory is given (models, stores, platform, clocks): a
 * factory only closes over them in its handlers, which this test never calls. Anything read from
 * it is itself, anything called returns itself; it is not a promise, and iterates as empty.
 */
function standIn(): unknown {
  const handler: ProxyHandler<() => void> = {
    get: (_target, key) => {
      if (key === 'then') return undefined;
      if (key === Symbol.iterator) return function* () {};
      if (key === Symbol.toPrimitive) return () => 'stand-in';
      return proxy;
    },
    apply: () => proxy,
    construct: () => proxy as object,
  };
  const proxy: unknown = new Proxy(() => {}, handler);
  return proxy;
}

/**
 * A service's route table as its setup builds it: the `...xRoutes(...)` factories its service.ts
 * spreads into `routes`, found among the exports of its api/ modules. Routes written inline in
 * service.ts are not in it (spares' /v1/sweeps).
 */
async function routeTableOf(service: string): Promise<{ routes: RouteSpec[]; missing: string[] }> {
  const setup = readFileSync(path.join(servicesDir, service, 'service.ts'), 'utf8');
  const routesBlock = /routes: \[([\s\S]*?)\n\s*\],?\n/.exec(setup)?.[1] ?? /routes: \[(.*)\]/.exec(setup)?.[1] ?? '';
  const factories = [...routesBlock.matchAll(/\.\.\.(\w+Routes)\(/g)].map((m) => m[1]!);
  const exported = new Map<string, (...args: unknown[]) => RouteSpec[]>();
  const apiDir = path.join(servicesDir, service, 'api');
  for (const file of readdirSync(apiDir).filter((f) => f.endsWith('.ts') && !f.includes('.test.'))) {
    const module = (await import(path.join(apiDir, file))) as Record<string, unknown>;
    for (const [name, value] of Object.entries(module)) if (typeof value === 'function') exported.set(name, value as (...args: unknown[]) => RouteSpec[]);
  }
  const routes: RouteSpec[] = [];
  const missing: string[] = [];
  for (const name of factories) {
    const factory = exported.get(name);
    if (!factory) missing.push(name);
    else routes.push(...factory(standIn(), standIn(), standIn(), standIn()));
  }
  return { routes, missing };
}

type Operation = { operationId: string; responses: Record<string, { content?: Record<string, { schema?: unknown }> }> };
const rawDocuments = /^(application\/pdf|text\/html|text\/csv|text\/event-stream)/;

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
const services = process.env.ROUTE_SERVICES ? process.env.ROUTE_SERVICES.split(',') : fuzzedServices;

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
