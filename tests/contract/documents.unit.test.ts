import { describe, expect, it } from 'vitest';
import { buildOpenApi } from '@aftersales/platform';
import { routeTableOf } from '../support/route-factories';
import { fuzzedServices } from './fuzz';

type Schema = Record<string, unknown>;
type Operation = { operationId: string; requestBody?: { content: Record<string, { schema: Schema }> }; responses: Record<string, { content?: Record<string, { schema?: Schema }> }> };

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
