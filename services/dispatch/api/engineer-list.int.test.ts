import type { Connection, mongo as driver } from 'mongoose';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RouteSpec } from '@aftersales/platform';
import { callRoute, commandNames, commandRecorder, monitoredConnection, scansOf, uniqueName } from '@aftersales/platform/testing';
import { createDispatchCollections, createDispatchModels, type DispatchCollections, type EngineerDoc } from '../store/models';
import { createPlanner, type Planner } from '../store/planner';
import { touchRoster } from '../store/planning-inputs';
import { createServiceCalendars } from '../store/service-calendars';
import { engineerRoutes } from './engineers';

/**
 * `GET /v1/engineers`, which the dispatch desk reads at every load, answers from the planner's copy
 * of the pool: one `_id` read of the roster's token while no engineer changed, instead of a filter on
 * skills that FerretDB v1 answers by reading every engineer. A change through the API shows at once.
 */
const stack = inject('stack');
const db = uniqueName('dispatch-engineer-list');
let connection: Connection;
let c: DispatchCollections;
let planner: Planner;
let list: RouteSpec;
let put: RouteSpec;
const { listener, recorded } = commandRecorder();

const engineer = (id: string, productLine: string): EngineerDoc => ({
  _id: id, name: id, skills: [{ productLine, skill: 'repair', level: 3 }], territories: ['Suzhou'], homeBase: { city: 'Suzhou', lat: 31.3, lon: 120.6 },
  calendarId: 'business-hours', absences: [], vanStock: [], active: true,
});
// Stored out of order, two product lines.
const pool = Array.from({ length: 40 }, (_, i) => engineer(`ENG-L${String((i * 17) % 40).padStart(2, '0')}`, i % 3 === 0 ? 'pl-press' : 'pl-lathe'));
const byId = (ids: string[]) => [...ids].sort();

const dispatcher = { sub: 'dispatcher-1', roles: ['dispatcher' as const] };

async function listed(query: Record<string, string> = {}): Promise<{ items: (EngineerDoc & { id: string })[]; commands: driver.CommandStartedEvent[] }> {
  const { result, commands } = await recorded(() => callRoute(list, { query, principal: dispatcher }));
  return { items: (result.body as { items: (EngineerDoc & { id: string })[] }).items, commands: commands.filter((e) => e.commandName !== 'endSessions' && !commandNames([e])[0]!.endsWith(' serviceCalendars')) };
}

beforeAll(async () => {
  connection = await monitoredConnection(stack.mongoUrl, db, listener);
  const models = createDispatchModels(connection);
  c = await createDispatchCollections(connection);
  planner = createPlanner({ topic: (t) => `${db}.${t}`, now: () => new Date(), nudgeOutbox: () => undefined, logger: pino({ level: 'silent' }) }, models, c, { autoAssignTiers: new Set(), calendars: createServiceCalendars(c.serviceCalendars) });
  const routes = engineerRoutes(planner, c);
  list = routes.find((r) => r.method === 'get' && r.path === '/v1/engineers')!;
  put = routes.find((r) => r.method === 'put' && r.path === '/v1/engineers/:id')!;
  await c.engineers.insertMany(pool);
  await touchRoster(c);
});

afterAll(async () => {
  await connection?.db?.dropDatabase();
  await connection?.close();
});

describe('GET /v1/engineers', () => {
  it('lists the engineers by id, by product line and up to the limit', async () => {
    expect((await listed()).items.map((e) => e.id)).toEqual(byId(pool.map((e) => e._id)));
    expect((await listed({ productLine: 'pl-press' })).items.map((e) => e.id)).toEqual(byId(pool.filter((e) => e.skills[0]!.productLine === 'pl-press').map((e) => e._id)));
    expect((await listed({ limit: '5' })).items.map((e) => e.id)).toEqual(byId(pool.map((e) => e._id)).slice(0, 5));
    expect((await listed({ productLine: 'pl-none' })).items).toEqual([]);
  });

  it('reads only the roster token by _id while no engineer changed', async () => {
    await listed();
    const { commands } = await listed({ productLine: 'pl-lathe' });
    expect(commandNames(commands)).toEqual(['find engineerRoster']);
    expect(scansOf(commands, { keyed: new Set(['engineerRoster']), small: new Set() })).toEqual([]);
  });

  it('shows an engineer put through the API and an absence reported at once', async () => {
    await listed();
    await callRoute(put, { principal: dispatcher, params: { id: 'ENG-L99' }, body: { name: 'New hire', skills: [{ productLine: 'pl-press', skill: 'repair', level: 2 }], territories: ['Suzhou'], homeBase: { city: 'Suzhou', lat: 31.3, lon: 120.6 } } });
    expect((await listed({ productLine: 'pl-press' })).items.map((e) => e.id)).toContain('ENG-L99');
    const start = new Date(Date.now() + 86_400_000);
    await planner.reportAbsence('ENG-L00', { start, end: new Date(start.getTime() + 3_600_000), reason: 'training' }, 'dispatcher-1');
    const absent = (await listed()).items.find((e) => e.id === 'ENG-L00');
    expect(absent?.absences.map((a) => new Date(a.start).getTime())).toEqual([start.getTime()]);
  });
});
