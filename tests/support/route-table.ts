import { identifier, roles, type Role } from '@aftersales/platform';
import { api, type ServiceProcess } from './services';

/** One operation as a running service declares it in its OpenAPI document. */
export interface RouteEntry {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** OpenAPI form, e.g. /v1/work-orders/{id}/arrival */
  path: string;
  roles: readonly Role[] | 'public';
}

const operations = ['get', 'post', 'put', 'patch', 'delete'] as const;

interface Operation {
  'x-roles'?: unknown;
  security?: unknown;
}

/**
 * The route table of a running service, read from the OpenAPI document it serves: the platform
 * writes each route's roles there (`x-roles`), or `security: []` for a public one. Reading the
 * document rather than a list kept in a test means a route added later is in the table at once.
 * `undeclared` names every operation with neither (or with a role the platform does not know), so
 * a test can refuse them.
 */
export async function routeTable(service: ServiceProcess): Promise<{ routes: RouteEntry[]; undeclared: string[] }> {
  const document = await api(service, 'GET', '/openapi.json');
  if (document.status !== 200) throw new Error(`${service.name} /openapi.json answered ${document.status}`);
  const paths = document.body.paths as Record<string, Partial<Record<(typeof operations)[number], Operation>>>;
  const routes: RouteEntry[] = [];
  const undeclared: string[] = [];
  for (const [path, item] of Object.entries(paths)) {
    for (const method of operations) {
      const operation = item[method];
      if (!operation) continue;
      const name = `${method.toUpperCase()} ${path}`;
      const declared = operation['x-roles'];
      if (Array.isArray(declared) && declared.length > 0 && declared.every((r) => (roles as readonly unknown[]).includes(r))) {
        routes.push({ method: method.toUpperCase() as RouteEntry['method'], path, roles: declared as Role[] });
      } else if (Array.isArray(operation.security) && operation.security.length === 0 && declared === undefined) {
        routes.push({ method: method.toUpperCase() as RouteEntry['method'], path, roles: 'public' });
      } else {
        undeclared.push(`${name}: x-roles ${JSON.stringify(declared)}`);
      }
    }
  }
  return { routes, undeclared };
}

/**
 * A syntactically valid id for each path parameter, which names nothing: an allowed caller is
 * answered 404 (or 400 for a parameter that is not an id, such as an 8D discipline), never 401/403.
 */
export function withMadeUpIds(path: string): string {
  return path.replace(/\{([A-Za-z0-9_]+)\}/g, (_match, name: string) => {
    const id = `MATRIX-${name}-0001`;
    identifier.parse(id);
    return id;
  });
}

/** Runs `work` over `items` with at most `limit` at a time, in order of the items. */
export async function inBatches<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
