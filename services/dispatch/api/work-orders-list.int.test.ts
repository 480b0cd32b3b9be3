import type { Connection, mongo as driver } from 'mongoose';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RouteSpec } from '@aftersales/platform';
import { callRoute, commandNames, commandRecorder, monitoredConnection, scansOf, uniqueName } from '@aftersales/platform/testing';
import type { WorkOrderStatus } from '../domain/work-order';
import { createDispatchCollections, createDispatchModels, type DispatchCollections, type WorkOrderDoc } from '../store/models';
import { createPlanner, type Planner } from '../store/planner';
import { buildClosedListsOnce, engineerClosedListsBuildId, createClosedWorkOrderLists } from '../store/closed-work-orders';
import { createServiceCalendars } from '../store/service-calendars';
import { workOrderRoutes } from './work-orders';

/**
 * `GET /v1/work-orders` as the console polls it (the dispatch desk every 10 s, each engineer's jobs
 * every 60 s) reads only the open work orders, a collection as small as the work under way; a
 * request's work orders, closed ones too, are read by their ids. The closed work orders grow with
 * every job ever done, and FerretDB v1 reads them whole for any filter but `{ _id }`.
 */
const stack = inject('stack');
const db = uniqueName('dispatch-work-order-list');
const growing = new Set(['closedWorkOrders', 'workOrderChanges', 'closedWorkOrderLists']);
/** Open work orders only: small by construction (store/work-orders.ts). */
const small = new Set(['workOrders']);
let connection: Connection;
let c: DispatchCollections;
let list: RouteSpec;
let planner: Planner;
const { listener, recorded } = commandRecorder();

const t0 = Date.now();
const workOrder = (id: string, requestId: string, status: WorkOrderStatus, engineerId: string | null, ageMinutes: number): WorkOrderDoc => ({
  _id: id, requestId, version: 1, status, route: 'field-visit', tier: 'P3', onSiteDueAt: null, customerId: 'C', serialNumber: `SN-${requestId}`, createdAt: new Date(t0 - ageMinutes * 60_000), updatedAt: new Date(t0),
  engineerId, bookingId: null, round: 1, plannedDepartAt: null, plannedStart: null, plannedEnd: null, assignedAt: null, assignedBy: null, excludedEngineers: [], planningNote: null, steps: {}, report: null, depot: null, cancelReason: null, history: [],
});

async function listed(query: Record<string, string>): Promise<{ ids: string[]; total: number | null; commands: driver.CommandStartedEvent[] }> {
  const { result, commands } = await recorded(async () =>
    callRoute(list, { query }),
  );
  const body = result.body as { items: { id: string }[]; total: number | null };
  return { ids: body.items.map((w) => w.id), total: body.total, commands: commands.filter((e) => e.commandName !== 'endSessions') };
}

beforeAll(async () => {
  connection = await monitoredConnection(stack.mongoUrl, db, listener);
  const models = createDispatchModels(connection);
  c = await createDispatchCollections(connection);
  planner = createPlanner({ topic: (t) => `${db}.${t}`, now: () => new Date(), nudgeOutbox: () => undefined, logger: pino({ level: 'silent' }) }, models, c, { autoAssignTiers: new Set(), calendars: createServiceCalendars(c.serviceCalendars) });
  list = workOrderRoutes(planner, models, c).find((r) => r.method === 'get' && r.path === '/v1/work-orders')!;
  await c.workOrders.insertMany([
    workOrder('WO-SR-A-1', 'SR-A', 'proposed', null, 5),
    workOrder('WO-SR-B-1', 'SR-B', 'assigned', 'ENG-L1', 10),
    workOrder('WO-SR-C-1', 'SR-C', 'working', 'ENG-L2', 20),
    // A request re-opened: its first work order completed, its second open.
    workOrder('WO-SR-MIX-2', 'SR-MIX', 'accepted', 'ENG-L1', 1),
  ]);
  // A year of finished jobs, some of the same engineer, each closed half an hour after it was made:
  // none is read by a board's poll. Stored before the closing statuses' lists, so listed once.
  await c.closedWorkOrders.insertMany([
    workOrder('WO-SR-MIX-1', 'SR-MIX', 'completed', 'ENG-L1', 60),
    ...Array.from({ length: 300 }, (_, i) => workOrder(`WO-SR-OLD${i}-1`, `SR-OLD${i}`, i % 10 === 0 ? 'cancelled' : 'completed', i % 2 === 0 ? 'ENG-L1' : 'ENG-L2', 1_000 + i)),
  ].map((wo) => ({ ...wo, updatedAt: new Date(wo.createdAt.getTime() + 30 * 60_000) })));
  expect(await buildClosedListsOnce(c, new Date())).toBe(301);
  expect(await buildClosedListsOnce(c, new Date())).toBe(-1);
});

afterAll(async () => {
  await connection?.db?.dropDatabase();
  await connection?.close();
});

describe('the work-order list a board polls reads no history', () => {
  it('the dispatch desk: the open work orders, newest first, from the open ones alone', async () => {
    const { ids, commands } = await listed({ status: 'open', limit: '200' });
    expect(ids).toEqual(['WO-SR-MIX-2', 'WO-SR-A-1', 'WO-SR-B-1', 'WO-SR-C-1']);
    expect(commandNames(commands)).toEqual(['find workOrders']);
    expect(scansOf(commands, { keyed: growing, small })).toEqual([]);
    // A desk listing fewer than match is told how many did.
    expect(await listed({ status: 'open', limit: '2' })).toMatchObject({ ids: ['WO-SR-MIX-2', 'WO-SR-A-1'], total: 4 });
    expect((await listed({ engineerId: 'ENG-L1', status: 'open', limit: '1' })).total).toBe(2);
    // Closed ones, whose lists grow for ever, are not counted.
    expect((await listed({ status: 'completed', limit: '5' })).total).toBeNull();
  });

  it('without a status: the open ones too (closed ones are asked for by name)', async () => {
    const { ids, commands } = await listed({ limit: '200' });
    expect(ids).toEqual(['WO-SR-MIX-2', 'WO-SR-A-1', 'WO-SR-B-1', 'WO-SR-C-1']);
    expect(commandNames(commands)).toEqual(['find workOrders']);
  });

  it('an engineer\'s jobs: their open work orders, from the open ones alone', async () => {
    const { ids, commands } = await listed({ engineerId: 'ENG-L1', status: 'open', limit: '100' });
    expect(ids).toEqual(['WO-SR-MIX-2', 'WO-SR-B-1']);
    expect(commandNames(commands)).toEqual(['find workOrders']);
    expect((await listed({ status: 'working' })).ids).toEqual(['WO-SR-C-1']);
  });

  it('a request\'s work orders, open and closed, read by their ids', async () => {
    const { ids, commands } = await listed({ requestId: 'SR-MIX' });
    expect(ids).toEqual(['WO-SR-MIX-2', 'WO-SR-MIX-1']);
    expect(scansOf(commands, { keyed: growing, small: new Set() })).toEqual([]);
    expect((await listed({ requestId: 'SR-MIX', status: 'closed' })).ids).toEqual(['WO-SR-MIX-1']);
    expect((await listed({ requestId: 'SR-MIX', status: 'open', engineerId: 'ENG-L2' })).ids).toEqual([]);
  });

  it('the closed last, by status, from the closing statuses\' lists by `_id`: what the filter over the history gave', async () => {
    for (const [status, limit] of [['completed', '50'], ['cancelled', '200'], ['closed', '40']] as const) {
      const { ids, commands } = await listed({ status, limit });
      const filter = status === 'closed' ? {} : { status };
      expect(ids, status).toEqual((await c.closedWorkOrders.find(filter).sort({ createdAt: -1 }).limit(Number(limit)).toArray()).map((wo) => wo._id));
      expect(scansOf(commands, { keyed: growing, small }), status).toEqual([]);
    }
    // One closed through the store since: listed before it is placed, first of its status. One whose
    // process died between its entry and its placing: read past.
    const open = (await c.workOrders.findOne({ _id: 'WO-SR-C-1' }))!;
    await planner.store.commit(open, { ...open, status: 'completed', updatedAt: new Date() }, []);
    await createClosedWorkOrderLists(c).listed({ ...open, _id: 'WO-SR-DIED-1', status: 'completed' });
    const after = await listed({ status: 'completed', limit: '3' });
    expect(after.ids).toEqual(['WO-SR-C-1', 'WO-SR-MIX-1', 'WO-SR-OLD1-1']);
    expect(scansOf(after.commands, { keyed: growing, small })).toEqual([]);
  });

  it('closed ones of one engineer: from that engineer\'s lists by `_id`, what the filter over the history gave', async () => {
    for (const [status, engineerId, limit] of [['cancelled', 'ENG-L1', '3'], ['closed', 'ENG-L1', '2'], ['completed', 'ENG-L2', '60'], ['closed', 'ENG-L2', '500'], ['closed', 'ENG-NONE', '10']] as const) {
      const { ids, commands } = await listed({ status, engineerId, limit });
      const filter = status === 'closed' ? { engineerId } : { status, engineerId };
      expect(ids, `${status} ${engineerId}`).toEqual((await c.closedWorkOrders.find(filter).sort({ createdAt: -1 }).limit(Number(limit)).toArray()).map((wo) => wo._id));
      expect(scansOf(commands, { keyed: growing, small }), `${status} ${engineerId}`).toEqual([]);
    }
    expect((await listed({ status: 'cancelled', engineerId: 'ENG-L1', limit: '3' })).ids).toEqual(['WO-SR-OLD0-1', 'WO-SR-OLD10-1', 'WO-SR-OLD20-1']);
    // A database whose statuses' lists were built before the engineers' gets the engineers' alone, and nothing twice.
    await c.builds.deleteOne({ _id: engineerClosedListsBuildId });
    const entries = await c.closedWorkOrderLists.countDocuments({});
    expect(await buildClosedListsOnce(c, new Date())).toBeGreaterThan(0);
    expect(await c.closedWorkOrderLists.countDocuments({})).toBe(entries);
    expect(await buildClosedListsOnce(c, new Date())).toBe(-1);
  });
});
