import type { z } from 'zod';
import type { Logger } from 'pino';
import type { Principal, Role } from '../auth/roles';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteContext<B, Q, P> {
  body: B;
  query: Q;
  params: P;
  headers: Record<string, string | undefined>;
  principal: Principal | null;
  requestId: string;
  correlationId: string;
  log: Logger;
}

/**
 * A server-sent event stream (text/event-stream): `start` pushes events with `send` until the
 * client goes away, when `closed` resolves and the route must stop its work.
 */
export interface EventStream {
  start(send: (event: string, data: unknown) => void, closed: Promise<void>): void;
}

export interface RouteResult {
  status: number;
  /** Answer with a server-sent event stream instead of a body. */
  events?: EventStream;
  body?: unknown;
  headers?: Record<string, string>;
  /** For documents that are not JSON (a PDF report, an HTML page). */
  raw?: { contentType: string; content: Buffer | string };
}

/**
 * An OpenAPI Link: the operation a client naturally calls next with values from this response,
 * e.g. `{ operationId: 'getServiceRequestsById', parameters: { id: '$response.body#/id' } }`.
 * Schemathesis's stateful phase follows them.
 */
export interface ResponseLink {
  operationId: string;
  /** Parameter name -> runtime expression ($response.body#/..., $request.path.id, ...). */
  parameters?: Record<string, string>;
  /** A request body built from runtime expressions, where the next operation needs one. */
  requestBody?: unknown;
  description?: string;
}

export interface ResponseSpec {
  description: string;
  /** The JSON body; a 2xx answer with a JSON body must have one, so clients and the fuzzer can check it. */
  schema?: z.ZodType;
  /**
   * For a document that is not JSON (application/pdf, text/html, text/csv, text/event-stream):
   * its media type, documented instead of a schema.
   */
  contentType?: string;
  /** Keyed by a name for the link, e.g. getServiceRequest. */
  links?: Record<string, ResponseLink>;
}

/**
 * One HTTP operation: what it accepts, who may call it, what it answers. The same definition
 * validates requests and produces the OpenAPI document, so the two cannot drift apart.
 */
export interface RouteSpec<B = unknown, Q = unknown, P = unknown> {
  method: HttpMethod;
  /** Express-style path, e.g. /v1/service-requests/:id */
  path: string;
  summary: string;
  /** Defaults to the method and path (getServiceRequestsById); set one where that reads badly. */
  operationId?: string;
  tags?: string[];
  /** Roles allowed; 'public' needs no token. */
  roles: readonly Role[] | 'public';
  body?: z.ZodType<B>;
  /**
   * A request body that works, as JSON (before the schema's transforms), documented as the media
   * type's example: Schemathesis's examples phase sends it. A zod `.meta({ examples: [...] })` on
   * the body schema is carried too, inside the JSON Schema.
   */
  example?: unknown;
  query?: z.ZodType<Q>;
  params?: z.ZodType<P>;
  /** Request headers the operation reads, documented as parameters. */
  headerParams?: { name: string; description: string; required?: boolean; schema?: z.ZodType }[];
  responses: Record<number, ResponseSpec>;
  handler: (ctx: RouteContext<B, Q, P>) => Promise<RouteResult>;
}

/** Keeps the generic types of each route while collecting them in one list. */
export function defineRoute<B = undefined, Q = Record<string, never>, P = Record<string, never>>(
  spec: RouteSpec<B, Q, P>,
): RouteSpec<unknown, unknown, unknown> {
  return spec as unknown as RouteSpec<unknown, unknown, unknown>;
}
