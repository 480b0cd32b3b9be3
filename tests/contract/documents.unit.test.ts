import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildOpenApi } from '@aftersales/platform';
import { routeTableOf } from '../support/route-factories';
import { fuzzedServices } from './fuzz';

type Schema = Record<string, unknown>;
type Link = { operationId: string; parameters?: Record<string, string>; requestBody?: unknown };
type Operation = { operationId: string; parameters: { name: string; in: string }[]; requestBody?: { content: Record<string, { schema: Schema }> }; responses: Record<string, { content?: Record<string, { schema?: Schema }>; links?: Record<string, Link> }> };

/** Where a schema says nothing at all (`{}`: any JSON), by path; an empty `not` or an open map's values are meant. */
function anyJsonIn(schema: unknown, at: string, found: string[]): string[] {
  if (schema === null || typeof schema !== 'object') return found;
  if (Array.isArray(schema)) {
    schema.forEach((s) => anyJsonIn(s, at, found));
    return found;
  }
  const said = Object.keys(schema).filter((k) => !['description', 'title'].includes(k));
  if (said.length === 0 && !/\/(not|additionalProperties)$/.test(at)) found.push(at);
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'properties') for (const [name, inner] of Object.entries(value as Schema)) anyJsonIn(inner, `${at}.${name}`, found);
    else anyJsonIn(value, `${at}/${key}`, found);
  }
  return found;
}

function operationsOf(document: ReturnType<typeof buildOpenApi>): Operation[] {
  return Object.values(document.paths).flatMap((item) => Object.values(item) as Operation[]);
}

async function documentOf(service: string) {
  const { routes } = await routeTableOf(service);
  return buildOpenApi({ title: service, version: '1' }, routes);
}

describe('what the documents leave open', () => {
  it('finds a field documented as any JSON (the check can fail)', () => {
    expect(anyJsonIn({ type: 'object', properties: { body: {}, reason: { type: 'string' }, map: { type: 'object', additionalProperties: {} } } }, 'req', [])).toEqual(['req.body']);
  });

  it.each(fuzzedServices)('%s: no request body or 2xx answer has a field documented as any JSON (managed rules, calendars and policies give their shapes)', async (service) => {
    const open: string[] = [];
    for (const operation of operationsOf(await documentOf(service))) {
      anyJsonIn(operation.requestBody?.content['application/json']?.schema, `${operation.operationId} request`, open);
      for (const [status, response] of Object.entries(operation.responses)) if (/^2/.test(status)) anyJsonIn(response.content?.['application/json']?.schema, `${operation.operationId} ${status}`, open);
    }
    expect(open).toEqual([]);
  });

  it("quality: an 8D discipline's content is one of the nine disciplines' shapes, not an open object", async () => {
    const submit = operationsOf(await documentOf('quality')).find((o) => o.operationId === 'postEightDsByIdDisciplinesByDisciplineSubmission')!;
    const content = (submit.requestBody!.content['application/json']!.schema.properties as Record<string, { anyOf?: { title: string; properties?: object }[] }>).content!;
    expect(content.anyOf?.map((s) => s.title)).toEqual(['D0', 'D1', 'D2', 'D3', 'D4', 'D5', 'D6', 'D7', 'D8']);
    expect(content.anyOf?.every((s) => s.properties)).toBe(true);
  });
});

/** Whether a JSON Pointer can name something in a value the schema allows (properties, array items, any branch). */
function pointerFits(schema: Schema | undefined, segments: string[], components: Record<string, Schema>): boolean {
  if (!schema) return false;
  if (typeof schema.$ref === 'string') return pointerFits(components[schema.$ref.split('/').pop()!], segments, components);
  if (segments.length === 0) return true;
  const branches = [...((schema.anyOf as Schema[]) ?? []), ...((schema.oneOf as Schema[]) ?? []), ...((schema.allOf as Schema[]) ?? [])];
  if (branches.some((b) => pointerFits(b, segments, components))) return true;
  const [head, ...rest] = segments;
  if (/^\d+$/.test(head!) && schema.items) return pointerFits(schema.items as Schema, rest, components);
  const property = (schema.properties as Record<string, Schema> | undefined)?.[head!.replaceAll('~1', '/').replaceAll('~0', '~')];
  return property ? pointerFits(property, rest, components) : false;
}

/** Every link's problems: a target that is not in the document, a parameter it does not take, an expression naming nothing in the source. */
function brokenLinks(document: ReturnType<typeof buildOpenApi>): string[] {
  const byId = new Map(operationsOf(document).map((o) => [o.operationId, o]));
  const components = ((document.components as { schemas?: Record<string, Schema> }).schemas ?? {});
  const broken: string[] = [];
  for (const source of byId.values()) {
    for (const [status, response] of Object.entries(source.responses)) {
      for (const [name, link] of Object.entries(response.links ?? {})) {
        const at = `${source.operationId} ${status} ${name}`;
        const target = byId.get(link.operationId);
        if (!target) {
          broken.push(`${at}: no operation ${link.operationId}`);
          continue;
        }
        const expressions: string[] = [];
        for (const [parameter, expression] of Object.entries(link.parameters ?? {})) {
          if (!target.parameters.some((p) => p.name === parameter)) broken.push(`${at}: ${link.operationId} takes no parameter ${parameter}`);
          expressions.push(expression);
        }
        JSON.stringify(link.requestBody ?? null, (_key, value: unknown) => (typeof value === 'string' && expressions.push(value), value));
        if (link.requestBody !== undefined && !target.requestBody) broken.push(`${at}: ${link.operationId} takes no body`);
        for (const expression of expressions) {
          const body = /^\$response\.body#(.*)$/.exec(expression);
          const path = /^\$request\.path\.(\w+)$/.exec(expression);
          if (body && !pointerFits(response.content?.['application/json']?.schema, body[1]!.split('/').slice(1), components)) broken.push(`${at}: ${expression} names nothing in the answer`);
          if (path && !source.parameters.some((p) => p.in === 'path' && p.name === path[1])) broken.push(`${at}: ${source.operationId} has no path parameter ${path[1]}`);
        }
      }
    }
  }
  return broken;
}

describe("the documents' links, which Schemathesis's stateful phase follows", () => {
  it('finds a link to nothing, a parameter the target does not take and a pointer naming nothing (the check can fail)', () => {
    const route = (path: string, links: Record<string, Link>) => ({ method: 'get' as const, path, summary: 's', roles: 'public' as const, responses: { 200: { description: 'd', schema: z.object({ id: z.string() }), links } }, handler: async () => ({ status: 200 }) });
    const document = buildOpenApi({ title: 't', version: '1' }, [
      route('/v1/things/:id', { a: { operationId: 'getNothing' }, b: { operationId: 'getThingsById', parameters: { other: '$response.body#/id' } }, c: { operationId: 'getThingsById', parameters: { id: '$response.body#/items/0/id' } } }),
    ]);
    expect(brokenLinks(document)).toEqual([
      'getThingsById 200 a: no operation getNothing',
      'getThingsById 200 b: getThingsById takes no parameter other',
      'getThingsById 200 c: $response.body#/items/0/id names nothing in the answer',
    ]);
  });

  it.each(fuzzedServices)('%s: every link reaches an operation, with parameters it takes, from values its source answers', async (service) => {
    const document = await documentOf(service);
    expect(brokenLinks(document)).toEqual([]);
  });

  it.each([
    ['intake', ['postServiceRequestsByIdScreening', 'postServiceRequestsByIdResolution', 'postServiceRequestsByIdAcceptance', 'postServiceRequestsByIdSurvey', 'postServiceRequestsByIdReopening']],
    ['dispatch', ['postWorkOrdersByIdAssignment', 'postWorkOrdersByIdAcceptance', 'postWorkOrdersByIdTravelStart', 'postWorkOrdersByIdArrival', 'postWorkOrdersByIdWorkStart', 'postWorkOrdersByIdWorkFinish', 'postWorkOrdersByIdReport']],
    ['spares', ['postReservations', 'postReservationsByIdRelease', 'postRequisitions', 'postRequisitionsByIdDecision']],
    ['quality', ['postEightDs', 'postEightDsByIdDisciplinesByDisciplineSubmission', 'postEightDsByIdDisciplinesByDisciplineApproval']],
  ])('%s: the deep steps are reachable by links from an operation that reads the demo data', async (service, deep) => {
    const operations = operationsOf(await documentOf(service));
    const edges = new Map(operations.map((o) => [o.operationId, Object.values(o.responses).flatMap((r) => Object.values(r.links ?? {}).map((l) => l.operationId))]));
    // From every read without a path parameter (a list a client starts from), what links reach.
    const reached = new Set<string>();
    const queue = operations.filter((o) => o.operationId.startsWith('get') && !o.parameters.some((p) => p.in === 'path')).map((o) => o.operationId);
    while (queue.length) {
      const next = queue.shift()!;
      if (reached.has(next)) continue;
      reached.add(next);
      queue.push(...(edges.get(next) ?? []));
    }
    expect(deep.filter((op) => !reached.has(op))).toEqual([]);
  });
});
