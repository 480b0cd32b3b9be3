import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildOpenApi } from './openapi';
import { defineRoute } from './route';

const handler = async () => ({ status: 200 });
const info = { title: 'things service', version: '1' };

type Operation = { requestBody?: { content: Record<string, { schema: Record<string, unknown>; example?: unknown }> }; responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }>; links?: Record<string, unknown> }> };
const operation = (doc: ReturnType<typeof buildOpenApi>, path: string, method: string) => doc.paths[path]![method] as Operation;

describe('buildOpenApi', () => {
  const thing = z.object({ id: z.string(), state: z.enum(['open', 'closed']), closedAt: z.iso.datetime().nullable() });
  const doc = buildOpenApi(info, [
    defineRoute({
      method: 'post', path: '/v1/things', roles: ['manager'], summary: 'Register a thing',
      body: z.object({ name: z.string() }), example: { name: 'pump' },
      responses: {
        201: {
          description: 'The thing', schema: thing,
          links: { getThing: { operationId: 'getThingsById', parameters: { id: '$response.body#/id' } } },
        },
      },
      handler,
    }),
    defineRoute({
      method: 'post', path: '/v1/notes', roles: ['manager'], summary: 'A note',
      body: z.object({ text: z.string() }).meta({ examples: [{ text: 'hello' }] }),
      responses: { 204: { description: 'Stored' } },
      handler,
    }),
    defineRoute({ method: 'get', path: '/v1/things/:id', roles: ['manager'], summary: 'A thing', responses: { 200: { description: 'The thing', schema: thing } }, handler }),
    defineRoute({ method: 'get', path: '/v1/things/:id/report.pdf', roles: ['manager'], summary: 'PDF', responses: { 200: { description: 'The report', contentType: 'application/pdf' } }, handler }),
    defineRoute({ method: 'get', path: '/v1/things/:id/page', roles: 'public', summary: 'Page', responses: { 200: { description: 'A page', contentType: 'text/html' } }, handler }),
  ]);

  it('documents a response schema as the JSON the server sends (output), enums and nulls included', () => {
    const schema = operation(doc, '/v1/things/{id}', 'get').responses['200']!.content!['application/json']!.schema;
    expect(schema.properties).toMatchObject({ state: { enum: ['open', 'closed'] }, closedAt: { anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }] } });
    expect(schema.required).toEqual(['id', 'state', 'closedAt']);
  });

  it('emits the links a response declares, as OpenAPI Link objects', () => {
    expect(operation(doc, '/v1/things', 'post').responses['201']!.links).toEqual({ getThing: { operationId: 'getThingsById', parameters: { id: '$response.body#/id' } } });
    expect(operation(doc, '/v1/things/{id}', 'get').responses['200']!.links).toBeUndefined();
  });

  it("emits a route's request example beside its body schema, and a zod .meta example inside the schema", () => {
    expect(operation(doc, '/v1/things', 'post').requestBody!.content['application/json']!.example).toEqual({ name: 'pump' });
    const note = operation(doc, '/v1/notes', 'post').requestBody!.content['application/json']!;
    expect(note.example).toBeUndefined();
    expect(note.schema.examples).toEqual([{ text: 'hello' }]);
  });

  it('documents a raw document under its own media type, never as JSON', () => {
    expect(operation(doc, '/v1/things/{id}/report.pdf', 'get').responses['200']!.content).toEqual({ 'application/pdf': { schema: { type: 'string', contentMediaType: 'application/pdf' } } });
    expect(operation(doc, '/v1/things/{id}/page', 'get').responses['200']!.content).toEqual({ 'text/html': { schema: { type: 'string' } } });
  });

  it('leaves a bodiless success without content and gives a failure the error body', () => {
    const responses = operation(doc, '/v1/notes', 'post').responses;
    expect(responses['204']!.content).toBeUndefined();
    expect(Object.keys(responses['422']!.content!)).toEqual(['application/json']);
  });

  it('moves a recursive schema\'s definitions to components, so its references resolve inside the document', () => {
    type Node = { name: string; children: Node[] };
    const node: z.ZodType<Node> = z.object({ name: z.string(), children: z.array(z.lazy(() => node)) });
    const tree = buildOpenApi(info, [defineRoute({ method: 'get', path: '/v1/trees', roles: ['manager'], summary: 'A tree', responses: { 200: { description: 'The tree', schema: z.object({ root: node }) } }, handler })]);
    const schema = operation(tree, '/v1/trees', 'get').responses['200']!.content!['application/json']!.schema;
    const text = JSON.stringify(schema);
    expect(text).not.toContain('#/$defs/');
    expect(schema.$defs).toBeUndefined();
    const refs = [...JSON.stringify(tree).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const name of refs) expect((tree.components as { schemas?: Record<string, unknown> }).schemas?.[name], name).toBeDefined();
  });
});
