import { z } from 'zod';
import type { Role } from '../auth/roles';
import { NotFoundError } from '../errors';
import { identifier } from '../identifiers';
import type { ManagedRecords, VersionDoc, VersionSummary } from '../mongo/managed-records';
import { operationIdOf } from './openapi';
import { defineRoute, type RouteSpec } from './route';

/** What every change to managed data carries beside its content. */
export const managedChange = {
  reason: z.string().trim().min(3).max(2000),
  effectiveFrom: z.iso.datetime({ offset: true }).optional(),
  expectedVersion: z.number().int().nonnegative().optional(),
};
/**
 * A new version's request. Its body is judged by the records' own check (422 naming the field);
 * `input` only documents that shape for clients and the fuzzer, any JSON when absent.
 */
const amendmentOf = (input?: z.ZodType) => z.strictObject({ body: input ? z.unknown().meta(jsonSchemaOf(input)) : z.unknown(), ...managedChange });
function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _, ...json } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return json;
}
const atQuery = z.strictObject({ at: z.iso.datetime({ offset: true }).optional() });

const presentSummary = (s: VersionSummary) => ({ version: s.version, effectiveFrom: s.effectiveFrom, changedAt: s.changedAt, changedBy: s.changedBy, reason: s.reason });
/** A version as the APIs answer it: which record, which version, who, when, why, from when, and the body. */
export const presentManagedVersion = <T>(id: string, v: VersionSummary & { body: T }) => ({ id, ...presentSummary(v), body: v.body });

export interface ManagedRecordRoutes<T> {
  path: string;
  tag: string;
  what: string;
  records: ManagedRecords<T>;
  readers: readonly Role[];
  writers: readonly Role[];
  /** How a new version is stored; the records' own amend unless the kind does more (a calendar starts its rollout). */
  amend?: (id: string, change: { body: T; reason: string; effectiveFrom?: Date; expectedVersion?: number }, by: string) => Promise<VersionDoc<T>>;
  /** Fields derived from a body, added to reads. */
  extra?: (body: T) => Record<string, unknown>;
  /** The body's schema as answered, for the documented responses; any JSON when absent. */
  bodySchema?: z.ZodType;
  /** The body's schema as written, for the documented request (the records' check still judges it); any JSON when absent. */
  inputSchema?: z.ZodType;
  /** The schemas of the fields `extra` adds. */
  extraShape?: z.ZodRawShape;
}

/** Who changed a managed record, when and why, and from when the version counts. */
export const managedVersionSummary = z.object({
  version: z.number().int().positive(),
  effectiveFrom: z.iso.datetime(),
  changedAt: z.iso.datetime(),
  changedBy: z.string(),
  reason: z.string(),
});

/** A version as presentManagedVersion answers it, with the body's schema. */
export const managedVersionOf = (body: z.ZodType = z.unknown()) => managedVersionSummary.extend({ id: identifier, body });

/** List, read at an instant, history, and new versions of one kind of managed record. */
export function managedRecordRoutes<T>({ path, tag, what, records, readers, writers, amend = records.amend, extra = () => ({}), bodySchema, inputSchema, extraShape = {} }: ManagedRecordRoutes<T>): RouteSpec[] {
  const params = z.object({ id: identifier });
  const version = managedVersionOf(bodySchema).extend(extraShape);
  const operation = (method: string) => operationIdOf(method, `${path}/:id`);
  const readLinks = {
    [operation('get')]: { operationId: operation('get'), parameters: { id: '$response.body#/id' } },
    [`${operation('get')}Versions`]: { operationId: `${operation('get')}Versions`, parameters: { id: '$response.body#/id' } },
  };
  return [
    defineRoute({
      method: 'get', path, tags: [tag], roles: readers,
      summary: `Every ${what} with its newest version`,
      responses: { 200: { description: '{ items }: id, newest version, who changed it when and why', schema: z.object({ items: z.array(managedVersionSummary.extend({ id: identifier })) }) } },
      handler: async () => ({ status: 200, body: { items: (await records.list()).map((h) => ({ id: h._id, ...presentSummary(h.versions[h.versions.length - 1]!) })) } }),
    }),
    defineRoute({
      method: 'get', path: `${path}/:id`, tags: [tag], roles: readers, params, query: atQuery,
      summary: `The ${what} version in force now, or at the instant \`at\``,
      responses: { 200: { description: 'The version with its body', schema: version, links: readLinks }, 404: { description: `No such ${what}, or none in force then` } },
      handler: async ({ params: { id }, query }) => {
        const v = await records.inForce(id, query.at ? new Date(query.at) : new Date());
        if (!v) throw new NotFoundError(what, id, 'id');
        return { status: 200, body: { ...presentManagedVersion(id, v), ...extra(v.body) } };
      },
    }),
    defineRoute({
      method: 'get', path: `${path}/:id/versions`, tags: [tag], roles: readers, params,
      summary: `Every version of a ${what}: who, when, why, from when`,
      responses: { 200: { description: '{ items }, oldest first', schema: z.object({ items: z.array(managedVersionSummary) }) }, 404: { description: `No such ${what}` } },
      handler: async ({ params: { id } }) => ({ status: 200, body: { items: (await records.history(id)).map(presentSummary) } }),
    }),
    defineRoute({
      method: 'post', path: `${path}/:id/versions`, tags: [tag], roles: writers, params, body: amendmentOf(inputSchema),
      summary: `Store a new version of a ${what} (the first one creates it)`,
      responses: {
        201: { description: 'The version stored', schema: version, links: readLinks },
        409: { description: 'expectedVersion is not the newest version, or another change was stored at the same moment' },
        422: { description: 'The body, named to the field, or an effectiveFrom in the past' },
      },
      handler: async ({ params: { id }, body, principal }) => {
        const doc = await amend(id, { body: body.body as T, reason: body.reason, ...(body.effectiveFrom ? { effectiveFrom: new Date(body.effectiveFrom) } : {}), ...(body.expectedVersion !== undefined ? { expectedVersion: body.expectedVersion } : {}) }, principal!.sub);
        return { status: 201, body: { ...presentManagedVersion(id, doc), ...extra(doc.body) } };
      },
    }),
  ];
}
