import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleApp } from './app';

const tokens = { secret: 'console-unit-test-secret-0123456789abcdef', issuer: 'console-unit' };

function listen(server: http.Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

describe('the console process', () => {
  const seen: { method: string; url: string; authorization: string | undefined; key: string | undefined; body: string }[] = [];
  // A stand-in service that echoes what reached it.
  const upstream = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization, key: req.headers['idempotency-key'] as string | undefined, body });
      res.writeHead(req.url === '/v1/refused' ? 403 : 201, { 'content-type': 'application/json', location: '/v1/things/1', 'set-cookie': 'x=1' });
      res.end(JSON.stringify({ ok: true }));
    });
  });
  let servers: http.Server[] = [];
  let base = '';
  let offBase = '';

  beforeAll(async () => {
    const upstreamUrl = await listen(upstream);
    const on = http.createServer(createConsoleApp({ services: { intake: upstreamUrl }, tokens, devLogin: true, staticDir: null }));
    const off = http.createServer(createConsoleApp({ services: { intake: upstreamUrl }, tokens, devLogin: false, staticDir: null }));
    servers = [upstream, on, off];
    base = await listen(on);
    offBase = await listen(off);
  });
  afterAll(() => servers.forEach((s) => s.close()));

  it('issues a role token in development and reads it back as the services would', async () => {
    const login = await fetch(`${base}/auth/dev-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role: 'dealer', dealerId: 'DLR-0001' }) });
    expect(login.status).toBe(200);
    const { token } = (await login.json()) as { token: string };
    const session = await fetch(`${base}/auth/session`, { headers: { authorization: `Bearer ${token}` } });
    expect(await session.json()).toEqual({ sub: 'console-dealer-DLR-0001', roles: ['dealer'], dealerId: 'DLR-0001' });
  });

  it('names the field at fault and refuses what is not a token', async () => {
    const post = (body: unknown) => fetch(`${base}/auth/dev-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(((await (await post({ role: 'dealer' })).json()) as { error: { field: string } }).error.field).toBe('dealerId');
    expect(((await (await post({ role: 'king' })).json()) as { error: { field: string } }).error.field).toBe('role');
    expect((await fetch(`${base}/auth/session`, { headers: { authorization: 'Bearer not.a.token' } })).status).toBe(401);
    expect((await fetch(`${offBase}/auth/dev-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"role":"agent"}' })).status).toBe(404);
  });

  it('forwards method, path, query, bearer, key and body to the named service and answers as it answered', async () => {
    const response = await fetch(`${base}/api/intake/v1/things?x=1`, { method: 'POST', headers: { authorization: 'Bearer abc', 'idempotency-key': 'k-1', 'content-type': 'application/json', cookie: 'secret=1' }, body: '{"a":1}' });
    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe('/v1/things/1');
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(seen.at(-1)).toEqual({ method: 'POST', url: '/v1/things?x=1', authorization: 'Bearer abc', key: 'k-1', body: '{"a":1}' });
    expect((await fetch(`${base}/api/intake/v1/refused`)).status).toBe(403);
  });

  it('answers /healthz itself, before any static fallback, whatever the services do', async () => {
    const response = await fetch(`${offBase}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
    // the proxy's namespace stays the services': /api/intake/healthz is intake's, not the console's
    await fetch(`${base}/api/intake/healthz`);
    expect(seen.at(-1)?.url).toBe('/healthz');
  });

  it('answers 404 naming the service for a service it does not know', async () => {
    const response = await fetch(`${base}/api/billing/v1/x`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { field: string } }).error.field).toBe('service');
  });
});
