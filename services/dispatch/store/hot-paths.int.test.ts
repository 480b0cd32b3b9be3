import mongoose, { type Connection } from 'mongoose';
import type { CommandStartedEvent } from 'mongodb';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { uniqueName } from '@aftersales/platform/testing';
import { createDispatchCollections, createDispatchModels, type BoardEntryDoc, type DispatchCollections, type EngineerDoc, type WorkOrderDoc } from './models';
import { createPlanner, type Planner } from './planner';
import { createServiceCalendars } from './service-calendars';
import { touchRoster } from './planning-inputs';

/**
 * Every Mongo command the hot operations send, seen through the driver's command monitoring on the
 * real FerretDB: ranking a work order (4 commands) and assigning it (13) send a bounded number, and
 * neither reads, updates nor deletes in the collections that grow with history (bookings, claims,
 * work-order changes, closed work orders and board entries, the inbox): only inserts go there.
 * FerretDB 1.24.2 on SQLite (with the stack's `_id` patch) serves a filter that is exactly
 * `{ _id: <string> }` from the index and reads the whole collection for any other, in reads,
 * updates and deletes alike.
 */
const stack = inject('stack');
const db = uniqueName('dispatch-hot-paths');
const growing = ['bookings', 'slotClaims', 'workOrderChanges', 'closedWorkOrders', 'closedServiceRequestBoard', 'inbox'];
let connection: Connection;
let c: DispatchCollections;
let planner: Planner;
const seen: CommandStartedEvent[] = [];

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

/** The filter a command applies, or null when it has none (inserts). */
function filtersOf(e: CommandStartedEvent): { kind: string; filter: Record<string, unknown> }[] {
  const cmd = e.command as Record<string, unknown>;
  if (cmd.find) return [{ kind: 'find', filter: (cmd.filter as Record<string, unknown>) ?? {} }];
  if (cmd.update) return ((cmd.updates as { q: Record<string, unknown> }[]) ?? []).map((u) => ({ kind: 'update', filter: u.q }));
  if (cmd.delete) return ((cmd.deletes as { q: Record<string, unknown> }[]) ?? []).map((d) => ({ kind: 'delete', filter: d.q }));
  if (cmd.count || cmd.aggregate || cmd.findAndModify || cmd.distinct) return [{ kind: e.commandName, filter: { unknown: true } }];
  return [];
}
const collectionOf = (e: CommandStartedEvent) => String((e.command as Record<string, unknown>)[e.commandName]);
const byIdOnly = (filter: Record<string, unknown>) => Object.keys(filter).length === 1 && typeof filter._id === 'string';

async function measured<T>(fn: () => Promise<T>): Promise<{ result: T; commands: CommandStartedEvent[] }> {
  seen.length = 0;
  const result = await fn();
  return { result, commands: seen.filter((e) => e.commandName !== 'endSessions') };
}

function expectOnlyInsertsIntoGrowing(commands: CommandStartedEvent[]) {
  const touching = commands.filter((x) => growing.includes(collectionOf(x)));
  expect(touching.filter((e) => e.commandName !== 'insert').map((e) => ({ command: e.commandName, collection: collectionOf(e), filters: filtersOf(e) }))).toEqual([]);
  // Everything else is an `_id` read or a write of a small collection (engineers, shards, locks, open work,
  // the calendar copies: one document per calendar, re-read every 15 s; the shards' stamps: eight tiny documents).
  for (const e of commands.filter((x) => x.commandName === 'find')) for (const { filter } of filtersOf(e)) if (!['containmentFlags', 'engineers', 'serviceCalendars', 'calendarStamps'].includes(collectionOf(e))) expect(byIdOnly(filter)).toBe(true);
  // Writes outside the lock collection are by `_id` alone (FerretDB v1 reads the whole collection for any other filter).
  for (const e of commands.filter((x) => x.commandName === 'update' || x.commandName === 'delete')) for (const { filter } of filtersOf(e)) if (collectionOf(e) !== 'calendarLocks') expect(byIdOnly(filter)).toBe(true);
}

beforeAll(async () => {
  connection = mongoose.createConnection(stack.mongoUrl, { dbName: db, monitorCommands: true });
  await connection.asPromise();
  connection.getClient().on('commandStarted', (e: CommandStartedEvent) => seen.push(e));
  const models = createDispatchModels(connection);
  await Promise.all(Object.values(models).map((m) => m.init()));
  c = await createDispatchCollections(connection);
  planner = createPlanner({ topic: (t) => `${db}.${t}`, now: () => new Date(), nudgeOutbox: () => undefined, logger: pino({ level: 'silent' }) }, models, c, { autoAssignTiers: new Set(), calendars: createServiceCalendars(c.serviceCalendars) });
  await c.engineers.insertMany(Array.from({ length: 30 }, (_, i) => engineer(i)));
  await touchRoster(c);
  await models.boardEntries.insertMany([entry('SR-HOT-1'), entry('SR-HOT-2')]);
  await c.workOrders.insertMany([workOrder('WO-HOT-1', 'SR-HOT-1'), workOrder('WO-HOT-2', 'SR-HOT-2')]);
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
    await planner.rank(wo); // warms the roster cache
    const { result, commands } = await measured(() => planner.rank(wo));
    expect(result.ranking?.ranked.length).toBeGreaterThan(0);
    // The roster's token, the calendar shards' stamps, the board entry, the active containment flags:
    // the shards themselves and the engineers are held parsed from the first call, unchanged since.
    // (The calendar copies are re-read in the background every 15 s, whichever call comes then.)
    const perCall = commands.filter((e) => collectionOf(e) !== 'serviceCalendars');
    expect(perCall.map((e) => `${e.commandName} ${collectionOf(e)}`).sort()).toEqual(['find calendarStamps', 'find containmentFlags', 'find engineerRoster', 'find serviceRequestBoard']);
    expectOnlyInsertsIntoGrowing(commands);
    expect(commands.some((e) => collectionOf(e) === 'engineers')).toBe(false);
  });

  it('assigns with a bounded number of commands, reading what grows only by _id and only inserting into it', async () => {
    const wo = (await planner.store.load('WO-HOT-2'))!;
    const { result, commands } = await measured(() => planner.assign(wo, 'ENG-H4', 'test'));
    expect(result).toMatchObject({ status: 'assigned', engineerId: 'ENG-H4' });
    // The engineer, the board entry and the flags; under the shard's lock (taken and given back): the
    // shard, the booking, its claims, the work order's change, the stamp and the shard; then the work
    // order and the board entry.
    expect(commands.filter((e) => collectionOf(e) !== 'serviceCalendars').length).toBeLessThanOrEqual(13);
    expect(commands.filter((e) => collectionOf(e) === 'calendarLocks')).toHaveLength(2);
    expectOnlyInsertsIntoGrowing(commands);
    expect(commands.filter((e) => growing.includes(collectionOf(e))).map((e) => collectionOf(e)).sort()).toEqual(['bookings', 'slotClaims', 'workOrderChanges']);
  });

  it('a candidate read for one engineer is two _id reads: the engineer and its shard\'s stamp (the shard is held parsed)', async () => {
    const { result, commands } = await measured(() => planner.candidates(['ENG-H7'], new Date()));
    expect(result.map((r) => r.engineerId)).toEqual(['ENG-H7']);
    expectOnlyInsertsIntoGrowing(commands);
    expect(commands.map((e) => `${e.commandName} ${collectionOf(e)}`).sort()).toEqual(['find calendarStamps', 'find engineers']);
  });
});
