import { z } from 'zod';
import type { ResponseSpec, RouteSpec } from './route';

const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }),
});

/** A character String.prototype.trim keeps: what a trimmed, non-empty string must contain. */
const notBlank = '[^\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]';

/**
 * A trimmed string with a minimum length refuses one of only spaces, which JSON Schema's minLength
 * alone would let through: such a string also gets a pattern needing one character trim keeps.
 */
function documentTrim(ctx: { zodSchema: z.core.$ZodType; jsonSchema: Record<string, unknown> }): void {
  const checks = (ctx.zodSchema._zod.def as { checks?: { _zod: { def: { check: string; tx?: (v: string) => string } } }[] }).checks ?? [];
  const trims = checks.some(({ _zod: { def } }) => def.check === 'overwrite' && def.tx?.(' x ') === 'x');
  if (trims && Number(ctx.jsonSchema.minLength ?? 0) >= 1 && ctx.jsonSchema.pattern === undefined) ctx.jsonSchema.pattern = notBlank;
}

function toJsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): unknown {
  // io:'input' documents what clients send (defaults optional); unrepresentable types become {}.
  return z.toJSONSchema(schema, { io, unrepresentable: 'any', override: documentTrim });
}

/**
 * A recursive schema (z.lazy) converts with its definitions under its own `$defs`, referred to as
 * `#/$defs/...`; inside an OpenAPI document such a reference resolves against the document's root
 * and names nothing. Moves them to components.schemas under a name unique in the document and
 * points the references there.
 */
function hoistDefinitions(schema: unknown, components: Record<string, unknown>): unknown {
  const { $defs, ...rest } = schema as { $defs?: Record<string, unknown> };
  if (!$defs) return schema;
  const renamed = new Map<string, string>();
  for (const name of Object.keys($defs)) renamed.set(`#/$defs/${name}`, `#/components/schemas/Schema${Object.keys(components).length + renamed.size + 1}`);
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, key === '$ref' && typeof inner === 'string' ? (renamed.get(inner) ?? inner) : rewrite(inner)]));
  };
  for (const [name, definition] of Object.entries($defs)) components[renamed.get(`#/$defs/${name}`)!.slice('#/components/schemas/'.length)] = rewrite(definition);
  return rewrite(rest);
}

function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** get /v1/service-requests/:id/screening -> getServiceRequestsByIdScreening: stable, unique per method and path. */
export function operationIdOf(method: string, path: string): string {
  const words = path
    .split('/')
    .filter((segment) => segment && !/^v\d+$/.test(segment))
    .flatMap((segment) => (segment.startsWith(':') ? ['by', segment.slice(1)] : segment.split(/[-_.]/)));
  return method + words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

const errorContent = { 'application/json': { schema: toJsonSchema(errorBody) } };
const retryAfter = { 'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'string' } } };

/**
 * The failures the platform itself answers for a route, so every status a client can see is
 * documented (no catch-all): input refused, token missing or not allowed, body too large or not
 * JSON, a dependency down, and for writes a conflict (409) or a reference that does not hold (422).
 * A route adds its own others (a 404 from a query's reference) in its responses.
 */
function platformFailures(route: RouteSpec): Record<string, unknown> {
  const failures: Record<string, unknown> = {};
  const hasInput = route.body || route.query || route.params || /:/.test(route.path);
  if (hasInput) failures[400] = { description: 'Input refused: the error names the field', content: errorContent };
  if (route.roles !== 'public') {
    failures[401] = { description: 'No valid bearer token', content: errorContent };
    failures[403] = { description: `The token's roles may not call this (allowed: ${(route.roles as readonly string[]).join(', ')})`, content: errorContent };
  }
  if (route.method !== 'get') failures[409] = { description: 'Conflicts with the current state (already exists, changed meanwhile, not allowed in this state)', content: errorContent };
  if (route.body) {
    failures[422] = { description: 'Well-formed, but refers to something that does not exist or does not allow it: the error names the field', content: errorContent };
    failures[413] = { description: 'Body larger than the limit', content: errorContent };
    failures[415] = { description: 'Body not sent as application/json', content: errorContent };
  }
  const pathNames = [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]);
  if (pathNames.length > 0) failures[404] = { description: `No such ${pathNames.join(' / ')}, or not one the caller may see`, content: errorContent };
  failures[503] = { description: 'A dependency (database, broker, workflow engine) is down: nothing was accepted', headers: retryAfter, content: errorContent };
  return failures;
}

/**
 * A response's content: its JSON schema; a raw document's media type (a PDF as binary, text as a
 * string; an event stream's frames are not JSON either); the error body for a failure without one.
 */
function responseContent(status: number, response: ResponseSpec, components: Record<string, unknown>): { content?: Record<string, unknown> } {
  if (response.contentType) {
    const binary = !/^text\//.test(response.contentType) && !/json|xml/.test(response.contentType);
    const schema = response.schema ? hoistDefinitions(toJsonSchema(response.schema, 'output'), components) : binary ? { type: 'string', contentMediaType: response.contentType } : { type: 'string' };
    return { content: { [response.contentType]: { schema } } };
  }
  if (response.schema) return { content: { 'application/json': { schema: hoistDefinitions(toJsonSchema(response.schema, 'output'), components) } } };
  return status >= 400 ? { content: errorContent } : {};
}

function pathParameters(route: RouteSpec): unknown[] {
  const shape = route.params instanceof z.ZodObject ? (route.params.shape as Record<string, z.ZodType>) : {};
  return [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((match) => {
    const name = match[1]!;
    const schema = shape[name] ? toJsonSchema(shape[name]) : { type: 'string' };
    const { $schema: _, ...rest } = schema as Record<string, unknown>;
    return { name, in: 'path', required: true, schema: rest };
  });
}

/** The OpenAPI 3.1 document of a service, built from the same route specs that validate requests. */
export function buildOpenApi(info: { title: string; version: string; description?: string }, routes: RouteSpec[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  const operationIds = new Set<string>();
  const schemas: Record<string, unknown> = {};
  for (const route of routes) {
    const parameters: unknown[] = pathParameters(route);
    if (route.query) {
      const schema = toJsonSchema(route.query) as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        parameters.push({ name, in: 'query', required: schema.required?.includes(name) ?? false, schema: property });
      }
    }
    for (const header of route.headerParams ?? []) {
      const { $schema: _, ...schema } = (header.schema ? toJsonSchema(header.schema) : { type: 'string' }) as Record<string, unknown>;
      parameters.push({ name: header.name, in: 'header', required: header.required ?? false, description: header.description, schema });
    }
    const responses: Record<string, unknown> = platformFailures(route);
    for (const [status, response] of Object.entries(route.responses)) {
      responses[status] = {
        description: response.description,
        ...responseContent(Number(status), response, schemas),
        ...(response.links ? { links: response.links } : {}),
      };
    }
    const operationId = route.operationId ?? operationIdOf(route.method, route.path);
    if (operationIds.has(operationId)) throw new Error(`two routes share the operationId ${operationId}`);
    operationIds.add(operationId);
    const key = openApiPath(route.path);
    paths[key] ??= {};
    paths[key][route.method] = {
      operationId,
      summary: route.summary,
      ...(route.tags ? { tags: route.tags } : {}),
      ...(route.roles === 'public' ? { security: [] } : { 'x-roles': route.roles }),
      parameters,
      ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: hoistDefinitions(toJsonSchema(route.body), schemas), ...(route.example !== undefined ? { example: route.example } : {}) } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info,
    components: { ...(Object.keys(schemas).length ? { schemas } : {}), securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    security: [{ bearer: [] }],
    paths,
  };
}
