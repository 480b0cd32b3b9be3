import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { RouteSpec } from '@aftersales/platform';

const servicesDir = path.resolve(import.meta.dirname, '../../services');

/**
 * Stands in for every dependency a route factory is given (models, stores, platform, clocks): a
 * factory only closes over them in its handlers, which a unit test over route tables never calls.
 * Anything read from it is itself, anything called returns itself; it is not a promise, and
 * iterates as empty.
 */
export function standIn(): unknown {
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
 * A service's route table as its setup builds it, without a server: the `...xRoutes(...)`
 * factories its service.ts spreads into `routes`, found among the exports of its api/ modules and
 * called with stand-ins. Routes written inline in service.ts are not in it; `missing` names
 * factories no api/ module exports.
 */
export async function routeTableOf(service: string): Promise<{ routes: RouteSpec[]; missing: string[] }> {
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
