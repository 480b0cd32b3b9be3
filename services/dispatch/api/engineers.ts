import { z } from 'zod';
import { defineRoute, identifier, NotFoundError, UnprocessableError, type RouteSpec } from '@aftersales/platform';
import { compareIds } from '../domain/assignment';
import { planningHorizonEnd, subtract, workingWindows } from '../domain/schedule';
import type { DispatchCollections, EngineerDoc } from '../store/models';
import type { Planner } from '../store/planner';
import { touchRoster } from '../store/planning-inputs';
import { engineerView, itemsOf, replanned, scheduleView } from './responses';

const toEngineer = (id: string) => ({
  getEngineer: { operationId: 'getEngineersById', parameters: { id } },
  getSchedule: { operationId: 'getEngineersByIdSchedule', parameters: { id } },
});

const params = z.object({ id: identifier });
const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const readers = ['dispatcher', 'manager', 'engineer', 'depot', 'auditor', 'platform'] as const;
const editors = ['dispatcher', 'manager'] as const;

const engineerBody = z.object({
  name: z.string().trim().min(1).max(200),
  skills: z.array(z.object({ productLine: identifier, skill: z.string().trim().min(1).max(64), level: z.number().int().min(1).max(5) })).min(1).max(50),
  territories: z.array(z.string().trim().min(1).max(64)).max(50),
  homeBase: z.object({ city: z.string().trim().min(1).max(100), lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) }),
  // One of intake's managed calendars (checked in the handler: the set changes as calendars are published).
  calendarId: identifier.default('business-hours'),
  vanStock: z.array(identifier).max(500).default([]),
  active: z.boolean().default(true),
});

function present({ _id, ...rest }: EngineerDoc) {
  return { id: _id, ...rest };
}

export function engineerRoutes(planner: Planner, c: DispatchCollections): RouteSpec[] {
  async function mustFind(id: string): Promise<EngineerDoc> {
    const e = await c.engineers.findOne({ _id: id });
    if (!e) throw new NotFoundError('engineer', id, 'id');
    return e;
  }

  return [
    defineRoute({
      method: 'get',
      path: '/v1/engineers',
      summary: 'Engineers with skills, territories, home base, calendar, absences and van stock',
      tags: ['engineers'],
      roles: readers,
      query: z.object({ productLine: identifier.optional(), limit: z.coerce.number().int().min(1).max(1000).default(200) }),
      responses: { 200: { description: 'Engineers', schema: itemsOf(engineerView) } },
      handler: async ({ query }) => {
        // The pool as the planner holds it: one `_id` read of its token while no engineer changed,
        // where a filter on skills would read every engineer on FerretDB at each desk load.
        const pool = await planner.roster();
        const rows = pool.filter((e) => !query.productLine || e.skills.some((s) => s.productLine === query.productLine));
        return { status: 200, body: { items: rows.sort((a, b) => compareIds(a._id, b._id)).slice(0, query.limit).map(present) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/engineers/:id',
      summary: 'One engineer',
      tags: ['engineers'],
      roles: readers,
      params,
      responses: { 200: { description: 'The engineer', schema: engineerView, links: toEngineer('$response.body#/id') }, 404: { description: 'Unknown engineer' } },
      handler: async ({ params: p }) => ({ status: 200, body: present(await mustFind(p.id)) }),
    }),
    defineRoute({
      method: 'put',
      path: '/v1/engineers/:id',
      summary: 'Create or replace an engineer (absences are kept; report them with POST …/absences)',
      tags: ['engineers'],
      roles: editors,
      params,
      body: engineerBody,
      responses: { 200: { description: 'The engineer as stored', schema: engineerView, links: toEngineer('$response.body#/id') }, 422: { description: 'calendarId names no calendar dispatch knows' } },
      handler: async ({ params: p, body }) => {
        const known = planner.calendarIds();
        if (!known.includes(body.calendarId)) throw new UnprocessableError('calendarId', `calendarId: one of ${known.join(', ')}`);
        // Absences are kept across a replace; they change only through POST …/absences.
        const existing = await c.engineers.findOne({ _id: p.id }, { projection: { absences: 1 } });
        await c.engineers.replaceOne({ _id: p.id }, { ...body, absences: existing?.absences ?? [] }, { upsert: true });
        await touchRoster(c);
        return { status: 200, body: present(await mustFind(p.id)) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/engineers/:id/absences',
      summary: "Report a planned or sudden absence: the engineer's bookings inside it are re-planned, and the answer says what moved",
      tags: ['engineers'],
      roles: editors,
      params,
      body: z.object({ start: instant, end: instant, reason: z.string().trim().min(1).max(500) }),
      responses: { 200: { description: 'What moved and what stayed', schema: replanned, links: toEngineer('$request.path.id') }, 422: { description: 'end is not after start (field end)' } },
      handler: async ({ params: p, body, principal }) => {
        if (body.end <= body.start) throw new UnprocessableError('end', 'end must be after start');
        const result = await planner.reportAbsence(p.id, body, principal?.sub ?? 'unknown');
        return { status: 200, body: result };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/engineers/:id/schedule',
      summary: "An engineer's schedule: bookings, absences, working and free time (default: now to the end of the next two working days)",
      tags: ['engineers'],
      roles: readers,
      params,
      query: z.object({ from: instant.optional(), to: instant.optional() }),
      responses: { 200: { description: 'The schedule', schema: scheduleView }, 422: { description: 'to is not after from, or the span is over 31 days (field to)' } },
      handler: async ({ params: p, query }) => {
        const engineer = await mustFind(p.id);
        const calendar = planner.calendarOf(engineer, query.from ?? new Date());
        const from = query.from ?? new Date();
        const to = query.to ?? planningHorizonEnd(calendar, from, 2);
        if (to <= from) throw new UnprocessableError('to', 'to must be after from');
        if (to.getTime() - from.getTime() > 31 * 86_400_000) throw new UnprocessableError('to', 'a schedule spans at most 31 days');
        const bookings = (await planner.bookings.busyOf([p.id], { start: from, end: to })).get(p.id) ?? [];
        const absences = (engineer.absences ?? []).filter((a) => a.start < to && a.end > from);
        const working = workingWindows(calendar, from, to);
        const free = subtract(working, [...bookings.map((b) => ({ start: b.departAt, end: b.end })), ...absences]);
        return {
          status: 200,
          body: {
            engineerId: p.id,
            calendarId: engineer.calendarId,
            from,
            to,
            bookings: bookings.sort((a, b) => a.departAt.getTime() - b.departAt.getTime()).map((b) => ({ bookingId: b._id, workOrderId: b.workOrderId, departAt: b.departAt, start: b.start, end: b.end, state: b.state })),
            absences,
            working,
            free,
          },
        };
      },
    }),
  ];
}
