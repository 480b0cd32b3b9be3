import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Role } from '../auth/roles';
import { signToken } from '../auth/tokens';
import { NotFoundError } from '../errors';
import { createHttpApp } from './app';
import { defineRoute } from './route';

const tokens = { secret: 'http-unit-test-secret-0123456789-abcdef', issuer: 'aftersales-unit' };
const secretText = 'password=hunter2 in a driver error';

const thingBody = z.object({
  name: z.string().trim().min(1),
  contact: z.object({ name: z.string().min(1), email: z.email() }),
});

const routes = [
  defineRoute({
    method: 'post',
    path: '/v1/things',
    summary: 'Register a thing',
    tags: ['things'],
    roles: ['agent'],
    body: thingBody,
    responses: { 201: { description: 'Registered', schema: z.object({ id: z.string() }) } },
    handler: async ({ body, principal, requestId }) => ({
      status: 201,
      body: { id: 'T-1', name: body.name, by: principal?.sub, requestId },
      headers: { location: '/v1/things/T-1' },
    }),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/things/:thingId',
    summary: 'Read a thing',
    roles: ['agent', 'auditor'],
    params: z.object({ thingId: z.string().regex(/^T-\d+$/) }),
    responses: { 200: { description: 'The thing' } },
    handler: async ({ params }) => {
      if (params.thingId === 'T-404') throw new NotFoundError('thing', params.thingId, 'thingId');
      return { status: 200, body: { id: params.thingId } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/boom',
    summary: 'Fails unexpectedly',
    roles: 'public',
    responses: { 200: { description: 'never' } },
    handler: async () => {
      throw new Error(secretText);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/db-down',
    summary: 'Finds the database unreachable',
    roles: 'public',
    responses: { 200: { description: 'never' } },
    handler: async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:27017'), { name: 'MongoNetworkError' });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/db-socket-ended',
    summary: 'Writes to a socket the database server just closed',
    roles: 'public',
    responses: { 200: { description: 'never' } },
    handler: async () => {
      // What the driver surfaced unwrapped when the server was SIGKILLed mid-request.
      throw Object.assign(new Error('This socket has been ended by the other party'), { code: 'EPIPE' });
    },
  }),
];

let kafkaDown = false;
let temporalHangs = false;
const logged: string[] = [];
const logger = pino(
  { level: 'error' },
  new Writable({
    write(chunk: Buffer, _encoding, done) {
      logged.push(chunk.toString());
      done();
    },
  }),
);

const app = createHttpApp({
  service: 'things',
  version: '1.2.3',
  description: 'test service',
  routes,
  logger,
  tokens,
  bodyLimit: '1kb',
  readiness: [
    { name: 'mongo', check: async () => 'mongo ok' },
    {
      name: 'kafka',
      check: async () => {
        if (kafkaDown) throw new Error('broker unreachable');
        return 'kafka ok';
      },
    },
    { name: 'temporal', check: () => (temporalHangs ? new Promise<string>(() => undefined) : Promise.resolve('temporal ok')) },
  ],
});

let server: Server;
let base: string;

beforeAll(async () => {
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
});

const tokenFor = (role: Role) => signToken({ sub: `user-${role}`, roles: [role] }, tokens);

async function call(method: string, path: string, options: { token?: string; body?: string | object; headers?: Record<string, string> } = {}) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    ...(options.body !== undefined ? { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON of many shapes, read loosely; the assertions check it
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : null) as Record<string, any> };
}

const goodThing = { name: 'pump', contact: { name: 'Ada', email: 'ada@example.com' } };

describe('createHttpApp: auth', () => {
  it('answers 401 naming the authorization field without a token', async () => {
    const response = await call('post', '/v1/things', { body: goodThing });
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String), field: 'authorization' } });
  });

  it('answers 401 for a token signed with another secret', async () => {
    const token = await signToken({ sub: 'x', roles: ['agent'] }, { ...tokens, secret: 'some-other-secret-0123456789-abcdef' });
    const response = await call('post', '/v1/things', { token, body: goodThing });
    expect(response.status).toBe(401);
    expect(response.body.error.field).toBe('authorization');
  });

  it('answers 403 for a role the route does not allow', async () => {
    const response = await call('post', '/v1/things', { token: await tokenFor('engineer'), body: goodThing });
    expect(response.status).toBe(403);
    expect(response.body.error).toMatchObject({ code: 'forbidden', field: 'authorization', message: expect.stringContaining('agent') });
  });

  it('runs the handler for an allowed role, with the principal and the route headers', async () => {
    const response = await call('post', '/v1/things', { token: await tokenFor('agent'), body: goodThing });
    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe('/v1/things/T-1');
    expect(response.body).toMatchObject({ id: 'T-1', name: 'pump', by: 'user-agent' });
  });
});

describe('createHttpApp: input and errors', () => {
  it('answers 400 naming a nested body field', async () => {
    const body = { ...goodThing, contact: { name: 'Ada', email: 'not-an-email' } };
    const response = await call('post', '/v1/things', { token: await tokenFor('agent'), body });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'invalid_input', field: 'contact.email', message: expect.stringMatching(/^contact\.email: /) });
  });

  it('answers 400 naming a path parameter', async () => {
    const response = await call('get', '/v1/things/nope', { token: await tokenFor('auditor') });
    expect(response.status).toBe(400);
    expect(response.body.error.field).toBe('thingId');
  });

  it('answers 400 naming a query key the route does not know, also on a route with no query at all', async () => {
    const token = await tokenFor('auditor');
    const injected = await call('get', '/v1/things/T-1?requestId[$eq]=x', { token });
    expect([injected.status, injected.body.error.field]).toEqual([400, 'requestId[$eq]']);
    expect((await call('get', '/v1/things/T-1', { token })).status).toBe(200);
  });

  it('answers 400 with field body for malformed JSON', async () => {
    const response = await call('post', '/v1/things', { token: await tokenFor('agent'), body: '{"name": ' });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'invalid_input', field: 'body' });
  });

  it('answers 400 with field body when the body is missing', async () => {
    const response = await call('post', '/v1/things', { token: await tokenFor('agent') });
    expect(response.status).toBe(400);
    expect(response.body.error.field).toBe('body');
  });

  it('answers 413 for a body over the limit', async () => {
    const body = { ...goodThing, name: 'x'.repeat(2048) };
    const response = await call('post', '/v1/things', { token: await tokenFor('agent'), body });
    expect(response.status).toBe(413);
    expect(response.body.error).toMatchObject({ code: 'too_large', field: 'body' });
  });

  it('maps a PlatformError thrown by a handler to its status, code and field', async () => {
    const response = await call('get', '/v1/things/T-404', { token: await tokenFor('agent') });
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ error: { code: 'not_found', message: 'thing T-404 not found', field: 'thingId' } });
  });

  it('answers 404 no_route for an unknown path', async () => {
    const response = await call('get', '/v1/unknown');
    expect(response.status).toBe(404);
    expect(response.body.error).toMatchObject({ code: 'no_route', message: 'no route GET /v1/unknown' });
  });

  it('answers 405 with an Allow header for a method a known path does not declare', async () => {
    const onThing = await call('delete', '/v1/things/T-1');
    expect(onThing.status).toBe(405);
    expect(onThing.headers.get('allow')).toBe('GET, HEAD');
    expect(onThing.body.error).toMatchObject({ code: 'method_not_allowed', field: 'method' });
    const onList = await call('put', '/v1/things', { body: goodThing });
    expect([onList.status, onList.headers.get('allow')]).toEqual([405, 'POST']);
    const onHealth = await call('post', '/healthz');
    expect([onHealth.status, onHealth.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
  });

  it('answers OPTIONS on a known path with its methods, and HEAD with the GET route', async () => {
    const options = await call('options', '/v1/things');
    expect([options.status, options.headers.get('allow')]).toEqual([204, 'POST']);
    expect((await call('head', '/healthz')).status).toBe(200);
  });

  it('answers 500 internal for a thrown Error without leaking its text, and logs it', async () => {
    const response = await call('get', '/v1/boom');
    expect(response.status).toBe(500);
    expect(response.body).toEqual({ error: { code: 'internal', message: 'internal error' } });
    expect(JSON.stringify(response.body)).not.toContain('hunter2');
    expect(logged.some((line) => line.includes(secretText) && line.includes('request failed'))).toBe(true);
  });

  it('answers 503 dependency_unavailable with retry-after when the database is unreachable', async () => {
    const response = await call('get', '/v1/db-down');
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(response.body).toEqual({ error: { code: 'dependency_unavailable', message: 'the database is unavailable' } });
  });

  it('answers 503 too when the database server closed the socket under a request', async () => {
    const response = await call('get', '/v1/db-socket-ended');
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({ error: { code: 'dependency_unavailable' } });
  });
});

describe('createHttpApp: probes, request ids and OpenAPI', () => {
  it('answers /healthz with the service and version', async () => {
    const response = await call('get', '/healthz');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok', service: 'things', version: '1.2.3' });
  });

  it('answers /readyz 200 when every check passes and 503 naming the one that throws', async () => {
    kafkaDown = false;
    const ready = await call('get', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({
      status: 'ready',
      checks: [
        { name: 'mongo', ok: true, detail: 'mongo ok' },
        { name: 'kafka', ok: true, detail: 'kafka ok' },
        { name: 'temporal', ok: true, detail: 'temporal ok' },
      ],
    });
    kafkaDown = true;
    try {
      const notReady = await call('get', '/readyz');
      expect(notReady.status).toBe(503);
      expect(notReady.body.status).toBe('not-ready');
      expect(notReady.body.checks).toContainEqual({ name: 'kafka', ok: false, detail: 'broker unreachable' });
    } finally {
      kafkaDown = false;
    }
  });

  it('answers /readyz 503 when a check does not answer in time', async () => {
    temporalHangs = true;
    try {
      const notReady = await call('get', '/readyz');
      expect(notReady.status).toBe(503);
      expect(notReady.body.checks).toContainEqual({ name: 'temporal', ok: false, detail: expect.stringMatching(/^temporal did not answer within \d+ ms$/) });
    } finally {
      temporalHangs = false;
    }
  });

  it('answers 415 naming content-type when a body is not sent as JSON', async () => {
    const response = await call('post', '/v1/things', { token: await tokenFor('agent'), body: JSON.stringify(goodThing), headers: { 'content-type': 'text/plain' } });
    expect(response.status).toBe(415);
    expect(response.body.error).toMatchObject({ code: 'unsupported_media_type', field: 'content-type' });
    const json = await call('post', '/v1/things', { token: await tokenFor('agent'), body: goodThing, headers: { 'content-type': 'application/json; charset=utf-8' } });
    expect(json.status).toBe(201);
  });

  it('serves the API document in Swagger UI at /docs, by relative paths, without a token', async () => {
    const page = await fetch(`${base}/docs`);
    const html = await page.text();
    expect([page.status, page.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
    expect(html).toContain('src="docs/assets/swagger-ui-bundle.js"');
    const start = await (await fetch(`${base}/docs/start.js`)).text();
    expect(start).toContain("new URL('openapi.json', location.href)");
    const bundle = await fetch(`${base}/docs/assets/swagger-ui-bundle.js`);
    expect([bundle.status, (await bundle.arrayBuffer()).byteLength > 100_000]).toEqual([200, true]);
    expect((await fetch(`${base}/docs/assets/nothing.js`)).status).toBe(404);
  });

  it('echoes x-request-id, or generates one', async () => {
    const echoed = await call('get', '/healthz', { headers: { 'x-request-id': 'req-42' } });
    expect(echoed.headers.get('x-request-id')).toBe('req-42');
    const generated = await call('get', '/v1/unknown');
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const handled = await call('post', '/v1/things', { token: await tokenFor('agent'), body: goodThing, headers: { 'x-request-id': 'req-43' } });
    expect(handled.body.requestId).toBe('req-43');
  });

  it('serves an OpenAPI 3.1 document built from the routes', async () => {
    const { status, body: doc } = await call('get', '/openapi.json');
    expect(status).toBe(200);
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toEqual({ title: 'things service', version: '1.2.3', description: 'test service' });
    expect(Object.keys(doc.paths).sort()).toEqual(['/v1/boom', '/v1/db-down', '/v1/db-socket-ended', '/v1/things', '/v1/things/{thingId}']);

    const register = doc.paths['/v1/things'].post;
    expect(register['x-roles']).toEqual(['agent']);
    expect(register.tags).toEqual(['things']);
    const schema = register.requestBody.content['application/json'].schema;
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'contact']));
    expect(schema.properties.contact.properties.email).toMatchObject({ type: 'string', format: 'email' });
    // Trimmed and non-empty: one character trim keeps is needed, so "\u00a0" is not schema-valid; untrimmed stays plain.
    expect(new RegExp(schema.properties.name.pattern).test('\u00a0 ')).toBe(false);
    expect(new RegExp(schema.properties.name.pattern).test(' Ada ')).toBe(true);
    expect(schema.properties.contact.properties.name.pattern).toBeUndefined();
    expect(register.responses['201'].content['application/json'].schema.properties.id).toEqual({ type: 'string' });
    expect(register.operationId).toBe('postThings');
    expect(register.responses.default).toBeUndefined();
    expect(Object.keys(register.responses).sort()).toEqual(['201', '400', '401', '403', '409', '413', '415', '422', '503']);
    expect(register.responses['503'].headers['Retry-After']).toBeDefined();

    const read = doc.paths['/v1/things/{thingId}'].get;
    expect(read['x-roles']).toEqual(['agent', 'auditor']);
    expect(read.operationId).toBe('getThingsByThingId');
    expect(read.responses['404'].content['application/json']).toBeDefined();
    expect(read.parameters).toContainEqual({ name: 'thingId', in: 'path', required: true, schema: { type: 'string', pattern: '^T-\\d+$' } });
    expect(doc.paths['/v1/boom'].get.security).toEqual([]);
    expect(Object.keys(doc.paths['/v1/boom'].get.responses)).not.toContain('401');
  });
});
