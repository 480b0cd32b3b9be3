import { z } from 'zod';
import { defineRoute, emailAddress, identifier, timeZone, NotFoundError, UnprocessableError, type RouteSpec } from '@aftersales/platform';
import { resolveDuty } from '../domain/duty';
import { hhmm } from '../domain/quiet-hours';
import type { NotificationsStore, PersonDoc, RosterDoc } from '../store/collections';
import { forgetDirectory, readDirectory, toPerson, toRoster } from '../store/notifier';
import { dutySchema, personSchema, rosterSchema } from './responses';

const byPersonId = { id: '$response.body#/id' };
/** From a person to what a client reads next about them. */
const personLinks = {
  getPerson: { operationId: 'getPeopleById', parameters: byPersonId },
  getNotices: { operationId: 'getPeopleByIdNotices', parameters: byPersonId },
  getUnreadCount: { operationId: 'getPeopleByIdNoticesUnreadCount', parameters: byPersonId },
};

const readers = ['dispatcher', 'quality', 'spares', 'manager', 'auditor', 'platform'] as const;
const editors = ['manager', 'platform'] as const;

const instant = z.iso.datetime({ offset: true });

const quietHours = z
  .strictObject({ from: z.string().regex(hhmm, 'HH:MM, 24-hour'), until: z.string().regex(hhmm, 'HH:MM, 24-hour') })
  .refine((q) => q.from !== q.until, { message: 'until must differ from from', path: ['until'] })
  .nullable()
  .default(null);

const personBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  roles: z.array(identifier).max(20).default([]),
  email: emailAddress,
  phone: z.string().trim().min(3).max(40).nullable().default(null),
  timeZone,
  language: z.enum(['zh-CN', 'en']),
  regions: z.array(identifier).max(50).default([]),
  productLines: z.array(identifier).max(50).default([]),
  manager: identifier.nullable().default(null),
  absences: z.array(z.strictObject({ from: instant, until: instant }).refine((a) => Date.parse(a.from) < Date.parse(a.until), { message: 'until must come after from', path: ['until'] })).max(100).default([]),
  quietHours,
});

const rosterBody = z.strictObject({
  role: identifier,
  region: identifier.nullable().default(null),
  productLine: identifier.nullable().default(null),
  shifts: z.array(z.strictObject({ personId: identifier, from: instant.nullable().default(null), until: instant.nullable().default(null) })).min(1).max(500),
  standIn: identifier.nullable().default(null),
  /** Fractions allowed (0.1 = 6 s) for drills and tests; at most a week. */
  acknowledgeWithinMinutes: z.number().min(0.05).max(7 * 24 * 60).default(30),
  quietHours,
});

async function mustExist(store: NotificationsStore, personId: string, field: string): Promise<void> {
  if (!(await store.people.findOne({ _id: personId }, { projection: { _id: 1 } }))) throw new UnprocessableError(field, `no person ${personId} in the directory`);
}

/** The directory of people and the duty rosters, and who holds a duty at an instant. */
export function directoryRoutes(store: NotificationsStore, now: () => Date): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/people',
      summary: 'Everyone in the directory',
      tags: ['directory'],
      roles: readers,
      responses: { 200: { description: 'The people, by id', schema: z.object({ items: z.array(personSchema) }) } },
      handler: async () => ({ status: 200, body: { items: (await store.people.find({}).sort({ _id: 1 }).toArray()).map(toPerson) } }),
    }),
    defineRoute({
      method: 'get',
      path: '/v1/people/:id',
      summary: 'One person',
      tags: ['directory'],
      roles: readers,
      params: z.object({ id: identifier }),
      responses: { 200: { description: 'The person', schema: personSchema, links: personLinks }, 404: { description: 'Not in the directory' } },
      handler: async ({ params }) => {
        const doc = await store.people.findOne({ _id: params.id });
        if (!doc) throw new NotFoundError('person', params.id, 'id');
        return { status: 200, body: toPerson(doc) };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/v1/people/:id',
      summary: 'Adds or replaces a person (name, roles, e-mail, phone, time zone, language, regions, product lines, manager, absences)',
      tags: ['directory'],
      roles: editors,
      params: z.object({ id: identifier }),
      body: personBody,
      responses: { 200: { description: 'Stored', schema: personSchema, links: personLinks }, 422: { description: 'The manager is not in the directory, or is the person' } },
      handler: async ({ params, body }) => {
        if (body.manager === params.id) throw new UnprocessableError('manager', 'a person cannot be their own manager');
        if (body.manager) await mustExist(store, body.manager, 'manager');
        const doc: PersonDoc = { _id: params.id, ...body, updatedAt: now() };
        await store.people.replaceOne({ _id: params.id }, doc, { upsert: true });
        forgetDirectory(store);
        return { status: 200, body: toPerson(doc) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/rosters',
      summary: 'Every duty roster',
      tags: ['directory'],
      roles: readers,
      responses: { 200: { description: 'The rosters, by id', schema: z.object({ items: z.array(rosterSchema) }) } },
      handler: async () => ({ status: 200, body: { items: (await store.rosters.find({}).sort({ _id: 1 }).toArray()).map(toRoster) } }),
    }),
    defineRoute({
      method: 'put',
      path: '/v1/rosters/:id',
      summary: 'Adds or replaces a duty roster: role, region and product line (null = all), rotation, stand-in, acknowledgement window',
      tags: ['directory'],
      roles: editors,
      params: z.object({ id: identifier }),
      body: rosterBody,
      responses: { 200: { description: 'Stored', schema: rosterSchema, links: { getDuty: { operationId: 'getDuty', parameters: { role: '$response.body#/role' } } } }, 422: { description: 'A person named is not in the directory' } },
      handler: async ({ params, body }) => {
        for (const [i, shift] of body.shifts.entries()) {
          if (shift.from && shift.until && Date.parse(shift.from) >= Date.parse(shift.until)) throw new UnprocessableError(`shifts.${i}.until`, 'until must come after from');
          await mustExist(store, shift.personId, `shifts.${i}.personId`);
        }
        if (body.standIn) await mustExist(store, body.standIn, 'standIn');
        const doc: RosterDoc = { _id: params.id, ...body, updatedAt: now() };
        await store.rosters.replaceOne({ _id: params.id }, doc, { upsert: true });
        forgetDirectory(store);
        return { status: 200, body: toRoster(doc) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/duty',
      summary: 'Who holds a duty role for a region and product line at an instant (default now), and which roster said so',
      tags: ['directory'],
      roles: readers,
      query: z.object({ role: identifier, region: identifier.optional(), productLine: identifier.optional(), at: instant.optional() }),
      responses: { 200: { description: 'The holders, or why there are none', schema: dutySchema } },
      handler: async ({ query }) => {
        const directory = await readDirectory(store);
        const at = query.at ? new Date(query.at) : now();
        const duty = resolveDuty(directory.rosters, directory.people, { role: query.role, region: query.region ?? null, productLine: query.productLine ?? null, at });
        const holders = duty.holders.map((h) => ({ ...h, name: directory.people.get(h.personId)?.name ?? null }));
        return { status: 200, body: { role: query.role, at: at.toISOString(), ...duty, holders } };
      },
    }),
  ];
}
