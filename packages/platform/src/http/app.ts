import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { verifyToken, type TokenSettings } from '../auth/tokens';
import type { Principal } from '../auth/roles';
import { DependencyUnavailableError, ForbiddenError, PlatformError, UnauthorizedError, ValidationError } from '../errors';
import { isOutage } from '../kafka/failure-policy';
import { withLogContext } from '../logger';
import type { Metrics } from '../metrics';
import { otelContext, startServerSpan } from '../tracing';
import { buildOpenApi } from './openapi';
import type { EventStream, RouteSpec } from './route';

export interface ReadinessCheck {
  name: string;
  check: () => Promise<string>;
}

export interface HealthWarning {
  code: string;
  message: string;
  /** What the warning is about, e.g. 'calendars/business-hours'. */
  subject: string;
}

export interface HttpAppOptions {
  service: string;
  version: string;
  description?: string;
  routes: RouteSpec[];
  logger: Logger;
  tokens: TokenSettings;
  bodyLimit: string;
  readiness: ReadinessCheck[];
  /**
   * Conditions people must act on that do not make the service unready (a calendar whose holidays
   * run out soon): listed by /healthz, which stays 200 so no orchestrator restarts for them.
   */
  healthWarnings?: () => Promise<HealthWarning[]>;
  /** Served at /metrics; HTTP latency recorded by route template. */
  metrics?: Metrics;
  /**
   * Back-pressure: the dependency (e.g. 'the database') whose outage refuses writes now, or null.
   * A write (POST/PUT/PATCH/DELETE) is then answered 503 with Retry-After before its handler runs,
   * so nothing is half-done and no caller waits out a driver timeout.
   */
  refuseWritesFor?: () => string | null;
  /** Told when a request met an outage (e.g. the driver could not reach the database), so the next write is refused at once. */
  onOutage?: (dependency: string, error: unknown) => void;
  /** True once the process is shutting down: a request that arrives then is answered 503 (in-flight ones finish). */
  draining?: () => boolean;
}

/** Seconds a refused caller is told to wait (Retry-After): about a probe round plus a reconnect. */
export const retryAfterSeconds = 5;
const writeMethods = new Set(['post', 'put', 'patch', 'delete']);

/** The field the first schema issue names, e.g. "contact.email" or "parts.P-1", and what is wrong with it. */
export function firstIssue(error: z.ZodError): { path: string; message: string } {
  const issue = error.issues[0]!;
  // An unknown key is named itself, so the caller sees which field to drop.
  const path = [...issue.path.map(String), ...(issue.code === 'unrecognized_keys' ? issue.keys.slice(0, 1) : [])].join('.');
  // A bad key of a record: say what is wrong with the key, not only that it is bad.
  const message = issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message;
  return { path, message };
}

/** Turns the first schema issue into an error that names the field. */
function validate<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return value as T;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const { path, message } = firstIssue(result.error);
  const field = path || where;
  throw new ValidationError(field, `${field}: ${message}`);
}

async function authenticate(req: Request, route: RouteSpec, tokens: TokenSettings): Promise<Principal | null> {
  if (route.roles === 'public') return null;
  const header = req.header('authorization');
  if (!header?.startsWith('Bearer ')) throw new UnauthorizedError('missing bearer token in the Authorization header');
  const principal = await verifyToken(header.slice('Bearer '.length).trim(), tokens);
  if (!principal.roles.some((role) => (route.roles as readonly string[]).includes(role))) {
    // Named like a 401: it is the token (its roles) that does not suffice, whatever the request says.
    throw new ForbiddenError(`this operation needs one of the roles: ${route.roles.join(', ')}`, 'authorization');
  }
  return principal;
}

/** A probe that hangs is a failed probe: readiness must answer quickly for the orchestrator. */
const readinessTimeoutMs = 3_000;

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function errorBody(error: PlatformError) {
  return { error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) } };
}

export function createHttpApp(options: HttpAppOptions): express.Express {
  const { logger } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');

  app.use((req, res, next) => {
    const requestId = req.header('x-request-id') || randomUUID();
    const correlationId = req.header('x-correlation-id') || requestId;
    res.setHeader('x-request-id', requestId);
    res.locals.requestId = requestId;
    res.locals.correlationId = correlationId;
    const started = process.hrtime.bigint();
    const probe = req.path === '/healthz' || req.path === '/readyz' || req.path === '/metrics';
    // a server span per request (probes aside), child of the caller's traceparent if it sent one
    const server = probe ? null : startServerSpan(req.method, req.headers);
    res.on('finish', () => {
      if (probe) return;
      // the route's template, never the raw path: ids in paths would make a series per request
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      server?.span.updateName(`${req.method} ${route}`);
      server?.span.setAttributes({ 'http.route': route, 'http.response.status_code': res.statusCode });
      server?.span.end();
      options.metrics?.httpDuration.observe({ method: req.method, route, status: String(res.statusCode) }, Number(process.hrtime.bigint() - started) / 1e9);
      withLogContext({ requestId, correlationId }, () =>
        logger.info(
          { method: req.method, path: req.path, status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 },
          'http request',
        ),
      );
    });
    // Checked on arrival only: a request that came in before the shutdown began is served to the end.
    if (options.draining?.() && req.path !== '/healthz') {
      res.setHeader('connection', 'close');
      res.setHeader('retry-after', String(retryAfterSeconds));
      res.status(503).json(errorBody(new PlatformError(`${options.service} is shutting down; send the request again`, { status: 503, code: 'shutting_down', retriable: true })));
      return;
    }
    const run = () => withLogContext({ requestId, correlationId }, next);
    if (server) otelContext.with(server.context, run);
    else run();
  });
  app.use(express.json({ limit: options.bodyLimit }));

  app.get('/healthz', async (_req, res) => {
    let warnings: HealthWarning[] = [];
    try {
      warnings = options.healthWarnings ? await withTimeout(options.healthWarnings(), readinessTimeoutMs, 'health warnings did not answer in time') : [];
    } catch (error) {
      warnings = [{ code: 'health-warnings-unavailable', message: (error as Error).message, subject: options.service }];
    }
    res.json({ status: 'ok', service: options.service, version: options.version, ...(warnings.length > 0 ? { warnings } : {}) });
  });
  app.get('/readyz', async (_req, res) => {
    const results = await Promise.all(
      options.readiness.map(async ({ name, check }) => {
        try {
          return { name, ok: true, detail: await withTimeout(check(), readinessTimeoutMs, `${name} did not answer within ${readinessTimeoutMs} ms`) };
        } catch (error) {
          return { name, ok: false, detail: (error as Error).message };
        }
      }),
    );
    const ready = results.every((r) => r.ok);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not-ready', checks: results });
  });
  const openapi = buildOpenApi(
    { title: `${options.service} service`, version: options.version, ...(options.description ? { description: options.description } : {}) },
    options.routes,
  );
  app.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  serveApiDocs(app, `${options.service} service API`);
  const { metrics } = options;
  if (metrics) {
    app.get('/metrics', async (_req, res) => {
      res.setHeader('content-type', metrics.registry.contentType);
      res.send(await metrics.registry.metrics());
    });
  }

  for (const route of options.routes) {
    // A query key a route does not know is refused, never ignored: `?requestId[$eq]=x` must not
    // quietly become "no filter" and return everything.
    const querySchema = route.query instanceof z.ZodObject ? route.query.strict() : (route.query ?? z.strictObject({}));
    app[route.method](route.path, async (req: Request, res: Response) => {
      const principal = await authenticate(req, route, options.tokens);
      // Before the body is even read: nothing is accepted that cannot be kept.
      const down = writeMethods.has(route.method) ? (options.refuseWritesFor?.() ?? null) : null;
      if (down) throw new DependencyUnavailableError(down);
      // A body sent as anything but JSON was never parsed: say so, rather than "body: required".
      if (route.body && req.headers['content-type'] !== undefined && !req.is('application/json')) {
        throw new PlatformError(`content-type: send the body as application/json, not ${req.headers['content-type']}`, { status: 415, code: 'unsupported_media_type', field: 'content-type' });
      }
      const params = validate(route.params, req.params, 'params');
      const query = validate(querySchema, req.query ?? {}, 'query');
      const body = validate(route.body, req.body, 'body');
      const result = await route.handler({
        body,
        query,
        params,
        headers: req.headers as Record<string, string | undefined>,
        principal,
        requestId: res.locals.requestId as string,
        correlationId: res.locals.correlationId as string,
        log: logger,
      });
      for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value);
      if (result.events) {
        streamEvents(req, res, result.events);
      } else if (result.raw) {
        res.status(result.status).type(result.raw.contentType).send(result.raw.content);
      } else if (result.body === undefined) {
        res.status(result.status).end();
      } else {
        res.status(result.status).json(result.body);
      }
    });
  }

  // A known path asked in a method it does not declare is 405 with the methods it has, not 404:
  // each path collects what it allows once no route of that method answered.
  const declared = new Map<string, Set<string>>(['/healthz', '/readyz', '/openapi.json', '/docs', ...(options.metrics ? ['/metrics'] : [])].map((path) => [path, new Set(['GET'])]));
  for (const route of options.routes) {
    const methods = declared.get(route.path) ?? new Set<string>();
    declared.set(route.path, methods.add(route.method.toUpperCase()));
  }
  // A literal path (/v1/articles/from-case) is its own resource: a parameter path that also
  // matches it (/v1/articles/:id) adds nothing to what it allows.
  const literals = new Set([...declared.keys()].filter((path) => !path.includes(':')));
  for (const [path, methods] of declared) {
    app.all(path, (req, res, next) => {
      if (path.includes(':') && literals.has(req.path)) return next();
      res.locals.allowed = [...((res.locals.allowed as string[] | undefined) ?? []), ...methods];
      next();
    });
  }
  app.use((req, res, next) => {
    const allowed = res.locals.allowed as string[] | undefined;
    if (!allowed) return next(new PlatformError(`no route ${req.method} ${req.path}`, { status: 404, code: 'no_route' }));
    // Express answers HEAD with the GET route.
    const allow = [...new Set(allowed.includes('GET') ? [...allowed, 'HEAD'] : allowed)].join(', ');
    res.setHeader('allow', allow);
    if (req.method === 'OPTIONS') return void res.status(204).end();
    next(new PlatformError(`method: ${req.method} is not allowed on ${req.path}; it allows ${allow}`, { status: 405, code: 'method_not_allowed', field: 'method' }));
  });
  // Every failure leaves as the same body; unknown errors are logged with their stack and answered 500.
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const known = toPlatformError(error);
    const outage = error instanceof PlatformError ? null : outageOf(error);
    if (outage) options.onOutage?.(outage, error);
    if (known.status >= 500) logger.error({ err: error }, 'request failed');
    if (known.retriable) res.setHeader('retry-after', String(retryAfterSeconds));
    res.status(known.status).json(errorBody(known));
  });
  return app;
}

type ErrorLike = { type?: string; status?: number; message?: string; name?: string; code?: unknown };

/** The dependency an unknown error says is unreachable, or null when it is no outage. */
function outageOf(error: unknown): string | null {
  const e = (error ?? {}) as ErrorLike;
  // The database is down or unreachable: nothing was accepted, and the caller may try again. The
  // driver mostly wraps this in its own errors, but a write on a socket the server just closed
  // surfaces as a plain Node socket error.
  if (
    /^Mongo(Network|ServerSelection|NotConnected|Topology|PoolCleared)/.test(e.name ?? '') ||
    /buffering timed out|socket has been ended/.test(e.message ?? '') ||
    (typeof e.code === 'string' && ['EPIPE', 'ECONNRESET', 'ECONNREFUSED'].includes(e.code))
  ) {
    return 'the database';
  }
  // Any other outage the consumers' failure policy knows (Temporal's gRPC UNAVAILABLE or
  // DEADLINE_EXCEEDED, a retriable broker error) is a 503 the caller may retry, not a 500.
  if (!isOutage(error)) return null;
  if ((e.name ?? '').startsWith('KafkaJS')) return 'the broker';
  if (e.name === 'ServiceError' || e.name === 'TransportError') return 'the workflow engine';
  return 'the database';
}

function toPlatformError(error: unknown): PlatformError {
  if (error instanceof PlatformError) return error;
  const e = error as ErrorLike;
  const outage = outageOf(error);
  if (outage) return new DependencyUnavailableError(outage, error);
  if (e.type === 'entity.parse.failed') return new ValidationError('body', `body: not valid JSON (${e.message})`);
  if (e.type === 'entity.too.large') {
    return new PlatformError('body: request body is larger than the limit', { status: 413, code: 'too_large', field: 'body' });
  }
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    return new PlatformError(e.message ?? 'bad request', { status: e.status, code: 'bad_request' });
  }
  return new PlatformError('internal error', { status: 500, code: 'internal', cause: error });
}

/** Heartbeat comments keep idle proxies from closing a quiet stream. */
const streamHeartbeatMs = 15_000;

function streamEvents(req: Request, res: Response, stream: EventStream): void {
  res.status(200);
  res.setHeader('content-type', 'text/event-stream; charset=utf-8');
  res.setHeader('cache-control', 'no-cache, no-transform');
  res.setHeader('x-accel-buffering', 'no');
  res.flushHeaders();
  res.write(': open\n\n');
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), streamHeartbeatMs);
  const closed = new Promise<void>((resolve) => {
    req.on('close', () => {
      clearInterval(heartbeat);
      resolve();
    });
  });
  stream.start((event, data) => {
    if (!res.writableEnded) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }, closed);
}

/**
 * GET /docs: the OpenAPI document read in Swagger UI (swagger-ui-dist, served from this process, so
 * it works without the internet). Every path is relative, so it also works behind the console's
 * /api/<service>/ prefix.
 */
function serveApiDocs(app: express.Express, title: string): void {
  const assets = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title><link rel="stylesheet" href="docs/assets/swagger-ui.css"></head><body><div id="docs"></div><script src="docs/assets/swagger-ui-bundle.js"></script><script src="docs/start.js"></script></body></html>`;
  const start = "SwaggerUIBundle({ url: new URL('openapi.json', location.href).href, dom_id: '#docs', deepLinking: true });";
  app.get('/docs', (_req, res) => void res.type('html').send(page));
  app.get('/docs/start.js', (_req, res) => void res.type('js').send(start));
  app.use('/docs/assets', express.static(assets, { index: false, maxAge: '1h' }));
}
