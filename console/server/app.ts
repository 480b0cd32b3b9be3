/**
 * The web console's own process: one origin for the single-page app and the services' APIs.
 *   GET  /healthz           the process answers (the image's HEALTHCHECK); asks no service
 *   GET  /auth/config       what login the console offers (dev roles, an OIDC issuer)
 *   POST /auth/dev-login    { role, dealerId?, person? } -> { token }: a platform token, development only
 *                           (person: the directory id the token speaks for, so its inbox opens)
 *   GET  /auth/session      the caller's bearer verified as the services verify it -> { sub, roles, dealerId }
 *   ANY  /api/<service>/... forwarded to that service with the caller's bearer, answered as it answered
 *                           (an event stream is passed through as it comes)
 *   GET  /*                 the built app (index.html for any other path)
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import { roles, signToken, verifyToken, type TokenSettings } from '@aftersales/platform';

export interface ConsoleOptions {
  /** Service name -> base URL (intake, dispatch, spares, quality, notifications, insight). */
  services: Record<string, string>;
  tokens: TokenSettings;
  /** Issue role tokens on request: development and tests only. */
  devLogin: boolean;
  /** The built app (index.html and assets); absent: the API routes still work. */
  staticDir: string | null;
}

const devLoginBody = z
  .strictObject({
    role: z.enum(roles),
    dealerId: z.string().regex(/^[A-Za-z0-9]([A-Za-z0-9_.-]{0,126}[A-Za-z0-9])?$/).optional(),
    person: z.string().regex(/^[A-Za-z0-9]([A-Za-z0-9_.-]{0,126}[A-Za-z0-9])?$/, 'a directory id such as P-SH-SUP').optional(),
  })
  .refine((b) => b.role !== 'dealer' || b.dealerId, { path: ['dealerId'], message: 'a dealer login names its dealer' });

/** Request headers passed on to a service; everything else (cookies, host) stays here. */
const forwardedRequestHeaders = ['authorization', 'content-type', 'idempotency-key', 'accept', 'accept-language', 'x-request-id'];
/** Response headers passed back to the browser. */
const forwardedResponseHeaders = ['content-type', 'location', 'idempotent-replayed', 'allow', 'retry-after', 'x-request-id'];

function fail(res: Response, status: number, code: string, message: string, field?: string): void {
  res.status(status).json({ error: { code, message, ...(field ? { field } : {}) } });
}

function bearerOf(req: Request): string | null {
  const header = req.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7).trim() || null : null;
}

export function createConsoleApp(options: ConsoleOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/auth/config', (_req, res) => {
    res.json({ devLogin: options.devLogin, roles: options.devLogin ? roles : [], oidc: options.tokens.oidc ? { issuer: options.tokens.oidc.issuer, audience: options.tokens.oidc.audience } : null, services: Object.keys(options.services) });
  });

  app.post('/auth/dev-login', express.json({ limit: '10kb' }), async (req, res) => {
    if (!options.devLogin) return fail(res, 404, 'not_found', 'development login is off (CONSOLE_DEV_LOGIN=false)');
    const parsed = devLoginBody.safeParse(req.body ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.path.join('.') || 'body';
      return fail(res, 400, 'invalid_input', `${field}: ${issue.message}`, field);
    }
    const { role, dealerId, person } = parsed.data;
    const token = await signToken({ sub: person ?? `console-${role}${dealerId ? `-${dealerId}` : ''}`, roles: [role], ...(dealerId ? { dealerId } : {}) }, options.tokens, '8h');
    res.json({ token });
  });

  app.get('/auth/session', async (req, res) => {
    const token = bearerOf(req);
    if (!token) return fail(res, 401, 'unauthorized', 'no bearer token', 'authorization');
    try {
      const principal = await verifyToken(token, options.tokens);
      res.json({ sub: principal.sub, roles: principal.roles, dealerId: principal.dealerId ?? null });
    } catch (error) {
      fail(res, 401, 'unauthorized', (error as Error).message, 'authorization');
    }
  });

  app.all('/api/{*rest}', express.raw({ type: () => true, limit: '1mb' }), async (req, res) => {
    const match = /^\/api\/([a-z]+)(\/.*)$/.exec(req.originalUrl);
    const base = match ? options.services[match[1]!] : undefined;
    if (!match || !base) return fail(res, 404, 'not_found', `no service at ${req.originalUrl.split('?')[0]}; one of ${Object.keys(options.services).join(', ')}`, 'service');
    const headers: Record<string, string> = {};
    for (const name of forwardedRequestHeaders) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const hasBody = !['GET', 'HEAD'].includes(req.method) && Buffer.isBuffer(req.body) && req.body.length > 0;
    let upstream: globalThis.Response;
    try {
      upstream = await fetch(new URL(match[2]!, base), { method: req.method, headers, ...(hasBody ? { body: req.body as Buffer } : {}), redirect: 'manual' });
    } catch (error) {
      return fail(res, 502, 'service_unreachable', `${match[1]} did not answer: ${(error as Error).message}`, 'service');
    }
    res.status(upstream.status);
    for (const name of forwardedResponseHeaders) {
      const value = upstream.headers.get(name);
      if (value !== null) res.setHeader(name, value);
    }
    if (upstream.body && (upstream.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
      // A live stream: passed on as it comes, and closed upstream when the browser goes.
      res.setHeader('cache-control', 'no-cache, no-transform');
      res.flushHeaders();
      const body = Readable.fromWeb(upstream.body as WebReadableStream<Uint8Array>);
      req.on('close', () => body.destroy());
      body.on('error', () => res.end());
      body.pipe(res);
      return;
    }
    res.send(Buffer.from(await upstream.arrayBuffer()));
  });

  if (options.staticDir && fs.existsSync(path.join(options.staticDir, 'index.html'))) {
    const staticDir = options.staticDir;
    app.use(express.static(staticDir, { index: false, maxAge: '1h' }));
    app.get('/{*rest}', (_req, res) => res.sendFile(path.join(staticDir, 'index.html')));
  }
  return app;
}
