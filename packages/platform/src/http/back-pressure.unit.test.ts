import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { signToken } from '../auth/tokens';
import { createHttpApp } from './app';
import { defineRoute } from './route';

const tokens = { secret: 'back-pressure-unit-secret-0123456789-abc', issuer: 'aftersales-unit' };
let handled = 0;
let databaseDown: string | null = null;
let draining = false;
const outages: string[] = [];

const routes = ['post', 'put', 'patch', 'delete', 'get'].map((method) =>
  defineRoute({
    method: method as 'post',
    path: '/v1/things',
    summary: `${method} a thing`,
    roles: ['agent'],
    ...(method === 'get' ? {} : { body: z.object({ name: z.string() }) }),
    responses: { 200: { description: 'Done', schema: z.object({ ok: z.boolean() }) } },
    handler: async () => {
      handled++;
      return { status: 200, body: { ok: true } };
    },
  }),
);
routes.push(
  defineRoute({
    method: 'post',
    path: '/v1/workflow-down',
    summary: 'Meets Temporal unreachable',
    roles: ['agent'],
    responses: { 200: { description: 'never' } },
    handler: async () => {
      throw Object.assign(new Error('14 UNAVAILABLE: No connection established'), { name: 'ServiceError', code: 14 });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/db-down',
    summary: 'Meets the database unreachable',
    roles: ['agent'],
    responses: { 200: { description: 'never' } },
    handler: async () => {
      throw Object.assign(new Error('Server selection timed out after 5000 ms'), { name: 'MongoServerSelectionError' });
    },
  }),
);

const app = createHttpApp({
  service: 'things',
  version: '1.0.0',
  routes,
  logger: pino({ level: 'silent' }),
  tokens,
  bodyLimit: '1kb',
  readiness: [],
  refuseWritesFor: () => databaseDown,
  onOutage: (dependency) => outages.push(dependency),
  draining: () => draining,
});

let server: Server;
let base: string;
let token: string;
beforeAll(async () => {
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  token = await signToken({ sub: 'user-agent', roles: ['agent'] }, tokens);
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function call(method: string, path: string, body?: unknown, auth = true) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { ...(auth ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as { error?: { code: string; message: string } } };
}

describe('createHttpApp: back-pressure', () => {
  it('refuses every write method with 503, Retry-After and the dependency named, before the handler runs, while a dependency is down', async () => {
    databaseDown = 'the database';
    try {
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
        const before = handled;
        // A body that would not even validate: the refusal comes first, so a caller learns to wait, not to fix.
        const refused = await call(method, '/v1/things', {});
        expect(refused.status, method).toBe(503);
        expect(refused.headers.get('retry-after')).toBe('5');
        expect(refused.body.error).toMatchObject({ code: 'dependency_unavailable', message: 'the database is unavailable' });
        expect(handled).toBe(before);
      }
      // Reads are not refused up front; authentication still comes first.
      expect((await call('GET', '/v1/things')).status).toBe(200);
      expect((await call('POST', '/v1/things', {}, false)).status).toBe(401);
    } finally {
      databaseDown = null;
    }
    expect((await call('POST', '/v1/things', { name: 'pump' })).status).toBe(200);
  });

  it('answers an outage met inside a handler with 503 and reports which dependency it was', async () => {
    outages.length = 0;
    const temporal = await call('POST', '/v1/workflow-down');
    expect(temporal.status).toBe(503);
    expect(temporal.headers.get('retry-after')).toBe('5');
    expect(temporal.body.error?.message).toBe('the workflow engine is unavailable');
    const database = await call('GET', '/v1/db-down');
    expect(database.status).toBe(503);
    expect(outages).toEqual(['the workflow engine', 'the database']);
  });

  it('answers a request that arrives while draining with 503 shutting_down and Connection: close, but /healthz still answers', async () => {
    draining = true;
    try {
      const refused = await call('GET', '/v1/things');
      expect(refused.status).toBe(503);
      expect(refused.body.error?.code).toBe('shutting_down');
      expect(refused.headers.get('retry-after')).toBe('5');
      expect(refused.headers.get('connection')).toBe('close');
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    } finally {
      draining = false;
    }
  });
});
