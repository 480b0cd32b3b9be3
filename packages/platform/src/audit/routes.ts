import { z } from 'zod';
import type { Role } from '../auth/roles';
import { defineRoute, type RouteContext, type RouteSpec } from '../http/route';
import { runAsActor } from './actor';
import type { AuditDraft } from './chain';
import type { AuditChain } from './store';

const readers = ['auditor', 'platform'] as const satisfies readonly Role[];

export const auditEntrySchema = z.object({
  _id: z.string().regex(/^\d{12}$/).describe('The seq, zero-padded: `_id` order is chain order'),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  subject: z.string(),
  kind: z.enum(['state', 'event', 'query']).describe('state: before/after are the fields; event: after is the event data (no before known); query: after is the request'),
  before: z.unknown(),
  after: z.unknown(),
  ref: z.string().nullable(),
  prevHash: z.string().regex(/^[0-9a-f]{64}$/),
  hash: z.string().regex(/^[0-9a-f]{64}$/).describe('sha256 of the RFC 8785 canonical JSON of the entry without `hash`'),
});

export const auditVerificationSchema = z.object({
  ok: z.boolean(),
  checked: z.number().int().nonnegative(),
  head: z.object({ seq: z.number().int().nonnegative(), hash: z.string() }).optional(),
  seq: z.number().int().positive().optional().describe('The first bad seq'),
  break: z.enum(['edited', 'deleted', 'swapped', 'relinked']).optional(),
  message: z.string().optional(),
});

/** The routes every service gets: its audit chain, page by page, and its verification. */
export function auditRoutes(chain: AuditChain): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/audit/entries',
      summary: "This service's audit chain: every state change (who, what, before and after) and every auditor's query, in order",
      tags: ['audit'],
      roles: readers,
      query: z.object({
        after: z.coerce.number().int().nonnegative().default(0).describe('The seq of the last entry already read (0: from the start)'),
        limit: z.coerce.number().int().min(1).max(500).default(100),
      }),
      responses: { 200: { description: '{ items, next }: entries after `after` by seq; `next` is the `after` of the next page, null at the tip', schema: z.object({ items: z.array(auditEntrySchema), next: z.number().int().nullable() }) } },
      handler: async ({ query }) => ({ status: 200, body: await chain.page(query.after, query.limit) }),
    }),
    defineRoute({
      method: 'get',
      path: '/v1/audit/verification',
      summary: 'Recomputes every hash of the chain: ok, or the first bad seq and how it is broken (edited, deleted, swapped, relinked)',
      tags: ['audit'],
      roles: readers,
      responses: { 200: { description: 'The verdict', schema: auditVerificationSchema } },
      handler: async () => ({ status: 200, body: await chain.verify() }),
    }),
  ];
}

/** A path template with the request's parameters in it: /v1/work-orders/:id -> /v1/work-orders/WO-1. */
function pathOf(route: RouteSpec, params: unknown): string {
  const values = (params ?? {}) as Record<string, unknown>;
  return route.path.replace(/:(\w+)/g, (whole, name: string) => (values[name] === undefined ? whole : encodeURIComponent(String(values[name]))));
}

function queryStringOf(query: unknown): string {
  const pairs = Object.entries((query ?? {}) as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return new URLSearchParams(pairs.map(([k, v]): [string, string] => [k, v instanceof Date ? v.toISOString() : String(v)])).toString();
}

/** The chain entry of an auditor's request: the method, the path and the query string, as the route read them. */
export function queryDraft(route: RouteSpec, ctx: Pick<RouteContext<unknown, unknown, unknown>, 'params' | 'query' | 'principal' | 'requestId'>, at: Date): AuditDraft {
  const path = pathOf(route, ctx.params);
  return {
    at: at.toISOString(),
    actor: ctx.principal?.sub ?? 'anonymous',
    action: 'query',
    subject: path,
    kind: 'query',
    before: null,
    after: { method: route.method.toUpperCase(), path, query: queryStringOf(ctx.query), requestId: ctx.requestId },
    ref: null,
  };
}

/**
 * Every route, its handler run as its caller (so the events it stores name who made the change)
 * and, for a caller holding the auditor role, its request appended to the chain first: an
 * auditor's query is itself evidence. Logged before the handler runs, so a query that fails is
 * in the chain too; one the platform refuses earlier (no token, a role that does not suffice, a
 * malformed parameter) reaches no handler and is not.
 */
export function withAuditTrail(routes: RouteSpec[], chain: AuditChain | null, now: () => Date): RouteSpec[] {
  return routes.map((route) => ({
    ...route,
    handler: async (ctx) => {
      if (chain && ctx.principal?.roles.includes('auditor')) await chain.append([queryDraft(route, ctx, now())]);
      return runAsActor(ctx.principal?.sub, () => route.handler(ctx));
    },
  }));
}
