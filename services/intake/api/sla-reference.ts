import { z } from 'zod';
import { defineRoute, NotFoundError, UnprocessableError, type RouteSpec } from '@aftersales/platform';
import { holidaysKnownThrough, importHolidayYear, parseHolidayFile, type ServiceCalendar } from '@aftersales/sla';
import type { ManagedRecords, VersionDoc, VersionSummary } from '../store/managed-records';
import type { SlaReference } from '../store/sla-reference';
import { entityId } from './common';

const readers = ['agent', 'dispatcher', 'engineer', 'manager', 'quality', 'spares', 'finance', 'auditor', 'platform'] as const;
/** Service managers own calendars and promises; the platform team loads them. */
const writers = ['manager', 'platform'] as const;

const change = {
  reason: z.string().trim().min(3).max(2000),
  effectiveFrom: z.iso.datetime({ offset: true }).optional(),
  expectedVersion: z.number().int().nonnegative().optional(),
};
const amendment = z.strictObject({ body: z.unknown(), ...change });
const holidayImport = z.strictObject({ file: z.string().min(1).max(200_000), ...change });
const atQuery = z.strictObject({ at: z.iso.datetime({ offset: true }).optional() });

const presentSummary = (s: VersionSummary) => ({ version: s.version, effectiveFrom: s.effectiveFrom, changedAt: s.changedAt, changedBy: s.changedBy, reason: s.reason });
const presentVersion = <T>(id: string, v: VersionSummary & { body: T }) => ({ id, ...presentSummary(v), body: v.body });
const knownThrough = (c: ServiceCalendar) => (c.kind === 'business' ? holidaysKnownThrough(c) : null);

interface KindRoutes<T> {
  path: string;
  tag: string;
  what: string;
  records: ManagedRecords<T>;
  amend: (id: string, change: { body: T; reason: string; effectiveFrom?: Date; expectedVersion?: number }, by: string) => Promise<VersionDoc<T>>;
  extra?: (body: T) => Record<string, unknown>;
}

function routesFor<T>({ path, tag, what, records, amend, extra = () => ({}) }: KindRoutes<T>): RouteSpec[] {
  return [
    defineRoute({
      method: 'get', path, tags: [tag], roles: readers,
      summary: `Every ${what} with its newest version`,
      responses: { 200: { description: '{ items }: id, newest version, who changed it when and why' } },
      handler: async () => ({ status: 200, body: { items: (await records.list()).map((h) => ({ id: h._id, ...presentSummary(h.versions[h.versions.length - 1]!) })) } }),
    }),
    defineRoute({
      method: 'get', path: `${path}/:id`, tags: [tag], roles: readers, params: z.object({ id: entityId }), query: atQuery,
      summary: `The ${what} version in force now, or at the instant \`at\``,
      responses: { 200: { description: 'The version with its body' }, 404: { description: `No such ${what}, or none in force then` } },
      handler: async ({ params, query }) => {
        const v = await records.inForce(params.id, query.at ? new Date(query.at) : new Date());
        if (!v) throw new NotFoundError(what, params.id, 'id');
        return { status: 200, body: { ...presentVersion(params.id, v), ...extra(v.body) } };
      },
    }),
    defineRoute({
      method: 'get', path: `${path}/:id/versions`, tags: [tag], roles: readers, params: z.object({ id: entityId }),
      summary: `Every version of a ${what}: who, when, why, from when`,
      responses: { 200: { description: '{ items }, oldest first' }, 404: { description: `No such ${what}` } },
      handler: async ({ params }) => ({ status: 200, body: { items: (await records.history(params.id)).map(presentSummary) } }),
    }),
    defineRoute({
      method: 'post', path: `${path}/:id/versions`, tags: [tag], roles: writers, params: z.object({ id: entityId }), body: amendment,
      summary: `Store a new version of a ${what} (the first one creates it)`,
      responses: {
        201: { description: 'The version stored' },
        409: { description: 'expectedVersion is not the newest version, or another change was stored at the same moment' },
        422: { description: 'The body, named to the field, or an effectiveFrom in the past' },
      },
      handler: async ({ params, body, principal }) => {
        const doc = await amend(params.id, { body: body.body as T, reason: body.reason, ...(body.effectiveFrom ? { effectiveFrom: new Date(body.effectiveFrom) } : {}), ...(body.expectedVersion !== undefined ? { expectedVersion: body.expectedVersion } : {}) }, principal!.sub);
        return { status: 201, body: { ...presentVersion(params.id, doc), ...extra(doc.body) } };
      },
    }),
  ];
}

/** Calendars and SLA policies as managed, versioned data. */
export function slaReferenceRoutes(reference: SlaReference): RouteSpec[] {
  const { calendars, policies } = reference;
  return [
    ...routesFor({ path: '/v1/calendars', tag: 'calendars', what: 'calendar', records: calendars, amend: reference.amendCalendar, extra: (c) => ({ holidaysKnownThrough: knownThrough(c) }) }),
    ...routesFor({ path: '/v1/sla-policies', tag: 'sla-policies', what: 'SLA policy', records: policies, amend: policies.amend }),
    defineRoute({
      method: 'post', path: '/v1/calendars/:id/holiday-imports', tags: ['calendars'], roles: writers, params: z.object({ id: entityId }), body: holidayImport,
      summary: "Import a year's public holidays and make-up working days from a holiday file; stores a new calendar version",
      responses: {
        201: { description: 'The calendar version stored, with how far its holidays are now known' },
        404: { description: 'No such calendar' },
        409: { description: 'expectedVersion is not the newest version' },
        422: { description: 'A line of the file (named), or an always-open calendar' },
      },
      handler: async ({ params, body, principal }) => {
        const parsed = parseHolidayFile(body.file);
        if (!parsed.year) {
          const first = parsed.problems[0]!;
          throw new UnprocessableError('file', `file line ${first.line}: ${first.message}${parsed.problems.length > 1 ? ` (and ${parsed.problems.length - 1} more)` : ''}`);
        }
        const head = await calendars.head(params.id, true);
        if (!head) throw new NotFoundError('calendar', params.id, 'id');
        const current = await calendars.version(params.id, head.version);
        if (current?.body.kind !== 'business') throw new UnprocessableError('id', `calendar ${params.id} is always open; it has no holidays to import`);
        const next = importHolidayYear(current.body, parsed.year);
        const doc = await reference.amendCalendar(
          params.id,
          { body: next, reason: body.reason, expectedVersion: body.expectedVersion ?? head.version, ...(body.effectiveFrom ? { effectiveFrom: new Date(body.effectiveFrom) } : {}) },
          principal!.sub,
        );
        return { status: 201, body: { ...presentVersion(params.id, doc), holidaysKnownThrough: knownThrough(doc.body), imported: { year: parsed.year.year, closedDays: parsed.year.closed.length, datedDays: parsed.year.days.length } } };
      },
    }),
  ];
}
