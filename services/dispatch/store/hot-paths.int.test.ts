import mongoose, { type Connection, type mongo as driver } from 'mongoose';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { commandNames, commandRecorder, scansOf, uniqueName } from '@aftersales/platform/testing';
import { createDispatchCollections, createDispatchModels, type BoardEntryDoc, type DispatchCollections, type EngineerDoc, type WorkOrderDoc } from './models';
import { createPlanner, type Planner } from './planner';
import { createServiceCalendars } from './service-calendars';
import { touchRoster } from './planning-inputs';
import { CALENDAR_SHARDS } from './calendars';

/**
 * Every Mongo command the hot operations send, seen through the driver's command monitoring on the
 * real FerretDB: ranking a work order (4 commands) and assigning it (12; 11 when its request was
 * ranked in this process) send a bounded number, none a filter FerretDB would scan on a collection
 * that grows, and neither reads, updates nor deletes in the collections that grow with history
 * (bookings, claims, work-order changes, closed work orders and board entries, the inbox): only
 * inserts go there. FerretDB 1.24.2 on SQLite (with the stack's `_id` patch) serves a filter that is
 * exactly `{ _id: <string> }` from the index and reads the whole collection for any other, in reads,
 * updates and deletes alike.
 */
const stack = inject('stack');
const db = uniqueName('dispatch-hot-paths');
const growing = ['bookings', 'slotClaims', 'workOrderChanges', 'closedWorkOrders', 'closedServiceRequestBoard', 'inbox'];
/** Read and written by `_id` only: what grows, and the open work and the shards. */
const keyed = new Set([...growing, 'workOrders', 'serviceRequestBoard', 'calendarShards', 'engineerRoster', 'engineers']);
/** Small by construction: the locks in use, the shards' eight stamps, the calendar versions, the active containment flags. */
const small = new Set(['calendarLocks', 'calendarStamps', 'serviceCalendars', 'containmentFlags', 'outboxPending']);
/** An assignment's commands, its request's machine and site not yet held (see the test). */
const ASSIGN_BOUND = 13;
let connection: Connection;
let c: DispatchCollections;
let planner: Planner;
const { listener, recorded } = commandRecorder();

const now = new Date();
const site = { city: 'Shanghai', lat: 31.2, lon: 121.4 };
const engineer = (i: number): EngineerDoc => ({
  _id: `ENG-H${i}`, name: `ENG-H${i}`, skills: [{ productLine: 'pl-hot', skill: 'repair', level: 1 + (i % 5) }], territories: ['Shanghai'], homeBase: { ...site, lat: site.lat + i / 100 },
  calendarId: '24x7', absences: [], vanStock: [], active: true,
});
const workOrder = (id: string, requestId: string): WorkOrderDoc => ({
  _id: id, requestId, version: 1, status: 'proposed', route: 'field-visit', tier: 'P3', onSiteDueAt: new Date(now.getTime() + 30 * 3_600_000), customerId: 'C', serialNumber: `SN-${requestId}`, createdAt: now, updatedAt: now,
  engineerId: null, bookingId: null, round: 1, plannedDepartAt: null, plannedStart: null, plannedEnd: null, assignedAt: null, assignedBy: null, excludedEngineers: [], planningNote: null, steps: {}, report: null, depot: null, cancelReason: null, history: [],
});
const entry = (requestId: string): BoardEntryDoc => ({ _id: requestId, customerId: 'C', serialNumber: `SN-${requestId}`, channel: 'phone', symptom: 'x', raisedAt: now, neededBy: now, status: 'awaiting-dispatch', receivedAt: now, sourceEventId: requestId, machine: { model: 'M', productLine: 'pl-hot' }, site });

const collectionOf = (e: driver.CommandStartedEvent) => String((e.command as Record<string, unknown>)[e.commandName]);

/** The commands of `fn`, less the driver's session housekeeping and the calendar versions' background re-read (every 15 s, whichever call comes then). */
async function measured<T>(fn: () => Promise<T>): Promise<{ result: T; commands: driver.CommandStartedEvent[] }> {
  const { result, commands } = await recorded(fn);
  return { result, commands: commands.filter((e) => e.commandName !== 'endSessions' && collectionOf(e) !== 'serviceCalendars') };
}

function expectOnlyInsertsIntoGrowing(commands: driver.CommandStartedEvent[]) {
  expect(commands.filter((x) => growing.includes(collectionOf(x)) && x.commandName !== 'insert').map((e) => `${e.commandName} ${collectionOf(e)}`)).toEqual([]);
  // Every other read and write is an `_id` filter or touches a collection small by construction.
  expect(scansOf(commands, { keyed, small })).toEqual([]);
}

beforeAll(async () => {
  connection = mongoose.createConnection(stack.mongoUrl, { dbName: db, monitorCommands: true });
  await connection.asPromise();
  connection.getClient().on('commandStarted', listener);
  const models = createDispatchModels(connection);
  await Promise.all(Object.values(models).map((m) => m.init()));
  c = await createDispatchCollections(connection);
  // The flags' copy kept for a minute, so what an assignment reads does not depend on the test's speed.
  planner = createPlanner({ topic: (t) => `${db}.${t}`, now: () => new Date(), nudgeOutbox: () => undefined, logger: pino({ level: 'silent' }) }, models, c, { autoAssignTiers: new Set(), calendars: createServiceCalendars(c.serviceCalendars), flagsCopyMaxAgeMs: 60_000 });
  await c.engineers.insertMany(Array.from({ length: 30 }, (_, i) => engineer(i)));
  await touchRoster(c);
  // Every shard written once, as in a running system (a shard never written costs one more read, of its earlier eight-shard document, until then).
  const shards = Array.from({ length: CALENDAR_SHARDS }, (_, k) => ({ _id: `calendar-${k}`, version: `v-${k}` }));
  await c.calendarStamps.insertMany(shards);
  await c.calendars.insertMany(shards.map((shard) => ({ ...shard, calendars: '{}', updatedAt: now })));
  await models.boardEntries.insertMany([entry('SR-HOT-1'), entry('SR-HOT-2'), entry('SR-HOT-3')]);
  await c.workOrders.insertMany([workOrder('WO-HOT-1', 'SR-HOT-1'), workOrder('WO-HOT-2', 'SR-HOT-2'), workOrder('WO-HOT-3', 'SR-HOT-3')]);
  // History that must not be read: stored bookings with claims, closed work orders.
  await c.bookings.insertMany(Array.from({ length: 300 }, (_, i) => ({ _id: `WO-OLD-${i}:r1`, engineerId: `ENG-H${i % 30}`, workOrderId: `WO-OLD-${i}`, departAt: new Date(now.getTime() - (i + 2) * 86_400_000), start: new Date(now.getTime() - (i + 2) * 86_400_000), end: new Date(now.getTime() - (i + 2) * 86_400_000 + 3_600_000), state: 'confirmed' as const, createdAt: now })));
  await c.closedWorkOrders.insertMany(Array.from({ length: 300 }, (_, i) => ({ ...workOrder(`WO-OLD-${i}`, `SR-OLD-${i}`), status: 'completed' as const })));
});

afterAll(async () => {
  await connection?.db?.dropDatabase();
  await connection?.close();
});

describe('dispatch hot paths on FerretDB', () => {
  it('ranks a work order among the pool with a bounded number of commands, none scanning what grows', async () => {
    const wo = (await planner.store.load('WO-HOT-1'))!;
    // The first reads the whole pool (the roster, once per change of it), the shards, the entry and the flags.
    const first = await measured(() => planner.rank(wo));
    expect(commandNames(first.commands).filter((n) => n.endsWith(' serviceRequestBoard') || n.endsWith(' containmentFlags')).sort()).toEqual(['find containmentFlags', 'find serviceRequestBoard']);
    // Its one filter FerretDB reads whole: the roster (the pool, read again only when an engineer changes).
    expect(scansOf(first.commands, { keyed, small })).toEqual(['engineers {}']);
    const { result, commands } = await measured(() => planner.rank(wo));
    expect(result.ranking?.ranked.length).toBeGreaterThan(0);
    // The roster's token and the calendar shards' stamps: the shards and the engineers are held parsed
    // from the first call, unchanged since; the request's machine and site (never changed once on the
    // board) and the active flags (a copy this young) are held too.
    expect(commandNames(commands).sort()).toEqual(['find calendarStamps', 'find engineerRoster']);
    expectOnlyInsertsIntoGrowing(commands);
  });

  it('assigns with a bounded number of commands, reading what grows only by _id and only inserting into it', async () => {
    const wo = (await planner.store.load('WO-HOT-2'))!;
    const { result, commands } = await measured(() => planner.assign(wo, 'ENG-H4', 'test'));
    expect(result).toMatchObject({ status: 'assigned', engineerId: 'ENG-H4' });
    const names = commandNames(commands);
    // The engineer and the request's board entry (the flags' copy is held); under the shard's lock
    // (taken and given back): the shard, the booking, its claims, the work order's change beside the
    // shard's next stamp, the shard; then the change's events due at the relay (the small pending
    // index) and the work order, beside the board entry and the lock's release.
    expect(names.sort()).toEqual([
      'delete calendarLocks', 'find calendarShards', 'find engineers', 'find serviceRequestBoard', 'insert bookings', 'insert calendarLocks', 'insert outboxPending', 'insert slotClaims', 'insert workOrderChanges',
      'update calendarShards', 'update calendarStamps', 'update serviceRequestBoard', 'update workOrders',
    ]);
    expect(commands.length).toBeLessThanOrEqual(ASSIGN_BOUND);
    expectOnlyInsertsIntoGrowing(commands);
    // In the order the crash rules need: claims before the change, the calendar before the work order.
    const at = (name: string) => commandNames(commands).indexOf(name);
    expect(at('insert bookings')).toBeLessThan(at('insert slotClaims'));
    expect(at('insert slotClaims')).toBeLessThan(at('insert workOrderChanges'));
    expect(at('insert workOrderChanges')).toBeLessThan(at('update calendarShards'));
    expect(at('update calendarStamps')).toBeLessThan(at('update calendarShards'));
    expect(at('update calendarShards')).toBeLessThan(at('update workOrders'));
    // A version's events are due before the work order shows it, so the next version's cannot overtake them.
    expect(at('update calendarShards')).toBeLessThan(at('insert outboxPending'));
    expect(at('insert outboxPending')).toBeLessThan(at('update workOrders'));
  });

  it('assigns a work order ranked in this process with one command less: its request\'s machine and site are held', async () => {
    const wo = (await planner.store.load('WO-HOT-3'))!;
    await planner.rank(wo);
    const { result, commands } = await measured(() => planner.assign(wo, 'ENG-H9', 'test'));
    expect(result).toMatchObject({ status: 'assigned', engineerId: 'ENG-H9' });
    expect(commandNames(commands).filter((n) => n.endsWith(' serviceRequestBoard'))).toEqual(['update serviceRequestBoard']);
    expect(commands).toHaveLength(ASSIGN_BOUND - 1);
    expectOnlyInsertsIntoGrowing(commands);
  });

  it('a candidate read for one engineer is two _id reads: the engineer and its shard\'s stamp (the shard is held parsed)', async () => {
    const { result, commands } = await measured(() => planner.candidates(['ENG-H7'], new Date()));
    expect(result.map((r) => r.engineerId)).toEqual(['ENG-H7']);
    expectOnlyInsertsIntoGrowing(commands);
    expect(commands.map((e) => `${e.commandName} ${collectionOf(e)}`).sort()).toEqual(['find calendarStamps', 'find engineers']);
  });
});
