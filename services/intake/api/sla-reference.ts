import { z } from 'zod';
import { defineRoute, managedChange, managedRecordRoutes, managedVersionOf, NotFoundError, presentManagedVersion, UnprocessableError, type RouteSpec } from '@aftersales/platform';
import { escalationActions, holidaysKnownThrough, importHolidayYear, parseHolidayFile, priorityTiers, type ServiceCalendar } from '@aftersales/sla';
import { policySchema } from '../domain/managed-terms';
import type { SlaReference } from '../store/sla-reference';
import { entityId } from './common';

const holidayImport = z.strictObject({ file: z.string().min(1).max(200_000), ...managedChange });
const knownThrough = (c: ServiceCalendar) => (c.kind === 'business' ? holidaysKnownThrough(c) : null);

const hours = z.array(z.object({ start: z.string(), end: z.string() }));
/** A stored calendar as checkCalendar accepts it. */
const calendarBody = z.discriminatedUnion('kind', [
  z.looseObject({ kind: z.literal('24x7'), timeZone: z.string().optional() }),
  z.looseObject({ kind: z.literal('business'), timeZone: z.string(), week: z.record(z.string(), hours), holidays: z.array(z.string()), exceptions: z.array(z.looseObject({ date: z.string(), hours, reason: z.string().optional() })).optional() }),
]);
/** A stored SLA policy as checkPolicy accepts it. */
const policyBody = z.looseObject({
  id: z.string().optional(),
  name: z.string(),
  warnAtRatio: z.number(),
  provisionalTier: z.enum(priorityTiers),
  tiers: z.record(z.string(), z.looseObject({ firstResponseMs: z.number(), onSite: z.looseObject({ kind: z.enum(['duration', 'next-business-day']) }), resolutionMs: z.number() })),
  escalation: z.record(z.string(), z.array(z.looseObject({ action: z.enum(escalationActions), afterBreachMs: z.number() }))),
});
const calendarExtra = { holidaysKnownThrough: z.string().nullable() };

const readers = ['agent', 'dispatcher', 'engineer', 'manager', 'quality', 'spares', 'finance', 'auditor', 'platform'] as const;
/** Service managers own calendars and promises; the platform team loads them. */
const writers = ['manager', 'platform'] as const;

/** Calendars and SLA policies as managed, versioned data. */
export function slaReferenceRoutes(reference: SlaReference): RouteSpec[] {
  const { calendars, policies } = reference;
  return [
    ...managedRecordRoutes({ path: '/v1/calendars', tag: 'calendars', what: 'calendar', records: calendars, readers, writers, amend: reference.amendCalendar, extra: (c) => ({ holidaysKnownThrough: knownThrough(c) }), bodySchema: calendarBody, inputSchema: calendarBody, extraShape: calendarExtra }),
    ...managedRecordRoutes({ path: '/v1/sla-policies', tag: 'sla-policies', what: 'SLA policy', records: policies, readers, writers, bodySchema: policyBody, inputSchema: policySchema }),
    defineRoute({
      method: 'post', path: '/v1/calendars/:id/holiday-imports', tags: ['calendars'], roles: writers, params: z.object({ id: entityId }), body: holidayImport,
      summary: "Import a year's public holidays and make-up working days from a holiday file; stores a new calendar version",
      responses: {
        201: {
          description: 'The calendar version stored, with how far its holidays are now known',
          schema: managedVersionOf(calendarBody).extend({ ...calendarExtra, imported: z.object({ year: z.number().int(), closedDays: z.number().int(), datedDays: z.number().int() }) }),
          links: { getCalendar: { operationId: 'getCalendarsById', parameters: { id: '$response.body#/id' } } },
        },
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
        return { status: 201, body: { ...presentManagedVersion(params.id, doc), holidaysKnownThrough: knownThrough(doc.body), imported: { year: parsed.year.year, closedDays: parsed.year.closed.length, datedDays: parsed.year.days.length } } };
      },
    }),
  ];
}
