import mongoose, { type Connection, type mongo as driver } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { namespacedTopic } from '@aftersales/contracts';
import type { Platform } from '@aftersales/platform';
import { scansOf, testLogger, uniqueName, utcDayAt } from '@aftersales/platform/testing';
import type { FailureFact } from '../domain/failure-records';
import { createFailureDesk, type FailureDesk } from './failure-desk';
import { createQualityModels, type FailureRecordDoc, type QualityModels, type RecurrenceDoc } from './models';
import { problemHistoryId } from './problem-histories';

/**
 * On the real FerretDB, through the driver's command monitoring: a new failure record's path (its
 * insert, its note, its recurrence check) sends the same commands and reads about the same bytes
 * whether its problem has 50 stored records or 2,000, every filter exactly `{ _id }` but the lock's.
 */
const stack = inject('stack');
const db = uniqueName('quality-bounds');
const day = 86_400_000;
const now = utcDayAt(0, '00:00');
const keyed = new Set(['failureRecords', 'problemHistories', 'recurrences', 'modelGenerations', 'requestContexts', 'eightDs']);
/** The locks in use only. */
const small = new Set(['qualityKeyLocks']);

let connection: Connection;
let models: QualityModels;
let desk: FailureDesk;

interface Seen {
  started: driver.CommandStartedEvent;
  replyBytes: number;
}
const seen = new Map<number, Seen>();
let recording = false;

beforeAll(async () => {
  connection = mongoose.createConnection(stack.mongoUrl, { dbName: db, monitorCommands: true });
  await connection.asPromise();
  const client = connection.getClient();
  client.on('commandStarted', (e) => {
    if (recording && e.commandName !== 'endSessions') seen.set(e.requestId, { started: e, replyBytes: 0 });
  });
  client.on('commandSucceeded', (e) => {
    const s = seen.get(e.requestId);
    if (s) s.replyBytes = mongoose.mongo.BSON.calculateObjectSize(e.reply as mongoose.mongo.Document);
  });
  models = createQualityModels(connection);
  await Promise.all(Object.values(models).map((m) => m.init()));
  // The desk needs only these of the platform: no Kafka or Temporal is touched here.
  const platform = { mongo: connection, logger: testLogger(), topic: (name: string) => namespacedTopic(db, name), nudgeOutbox: () => undefined, now: () => now } as unknown as Platform;
  desk = createFailureDesk(platform, models);
});

afterAll(async () => {
  await connection?.dropDatabase();
  await connection?.close();
});

async function measured(fn: () => Promise<unknown>): Promise<{ commands: driver.CommandStartedEvent[]; bytesRead: number }> {
  seen.clear();
  recording = true;
  try {
    await fn();
  } finally {
    recording = false;
  }
  const all = [...seen.values()];
  return { commands: all.map((s) => s.started), bytesRead: all.reduce((sum, s) => sum + s.replyBytes, 0) };
}

const workOrder = (requestId: string, failureMode: string, daysAgo: number): FailureFact => ({
  source: 'work-order',
  requestId,
  at: new Date(now.getTime() - daysAgo * day).toISOString(),
  failureMode,
  safety: false,
  parts: ['NZ-15'],
  cause: 'Nozzle cracked',
  fix: 'Nozzle replaced',
});

const stored = (i: number, failureMode: string, daysAgo: number, model: string, eightDId: string | null = null) =>
  ({ _id: `FR-SR-${failureMode}-${String(i).padStart(5, '0')}`, requestId: `SR-${failureMode}-${i}`, model, productLine: 'bounds', failureMode, occurredAt: new Date(now.getTime() - daysAgo * day).toISOString(), eightDId }) as unknown as FailureRecordDoc;

/**
 * A problem with `size` stored records: 50 in the last 50 days (five models), the rest 400 days
 * ago and older, a quarter and more beyond any window of today's records. Seeded in bulk: one
 * insert of the records, one note of them all (a write per quarter).
 */
async function seedProblem(failureMode: string, size: number) {
  const records = Array.from({ length: size }, (_, i) => (i < 50 ? stored(i, failureMode, 1 + i, `BD-${i % 5}`) : stored(i, failureMode, 400 + (i - 50) / 2, `BD-${i % 5}`)));
  await models.failureRecords.insertMany(records);
  await desk.histories.holding('bounds', failureMode, () => desk.histories.noteRecordsHeld('bounds', failureMode, records.map((r) => r._id)));
  expect((await desk.histories.read('bounds', failureMode)).records).toHaveLength(size);
}

/** Five new records of the problem, each of a model of its own (no rule fires): what each one's path sends and reads. */
async function perRecord(failureMode: string) {
  const runs = [];
  for (let i = 0; i < 5; i++) {
    const requestId = `SR-${failureMode}-NEW-${i}`;
    await desk.rememberRequest({ requestId, customerId: 'CUST-1', serialNumber: `SN-${requestId}`, model: `BD-NEW-${i}`, productLine: 'bounds', registeredAt: now.toISOString() });
    runs.push(await measured(() => desk.ingest(workOrder(requestId, failureMode, 0))));
    expect(await models.recurrences.findById(`FR-${requestId}`).lean<RecurrenceDoc>()).toMatchObject({ status: 'done', hits: [] });
  }
  return runs;
}

const names = (commands: driver.CommandStartedEvent[]) => commands.map((c) => `${c.commandName} ${String((c.command as Record<string, unknown>)[c.commandName])}`).sort();

describe('a recurrence check as the problem’s history grows', () => {
  it('sends the same commands and reads about the same bytes at 50 and at 2,000 stored records', async () => {
    await seedProblem('FM-SIZE-00050', 50);
    await seedProblem('FM-SIZE-02000', 2_000);
    const small50 = await perRecord('FM-SIZE-00050');
    const large2000 = await perRecord('FM-SIZE-02000');

    for (const run of [...small50, ...large2000]) expect(scansOf(run.commands, { keyed, small })).toEqual([]);
    expect(large2000.map((r) => names(r.commands))).toEqual(small50.map((r) => names(r.commands)));
    const mean = (runs: { bytesRead: number }[]) => runs.reduce((s, r) => s + r.bytesRead, 0) / runs.length;
    // The problem's document lists more quarters at 2,000; the quarters read are the same.
    expect(mean(large2000)).toBeLessThan(mean(small50) * 1.05);
    const whole = await models.problemHistories.find({ productLine: 'bounds', failureMode: 'FM-SIZE-02000' }).lean();
    const wholeBytes = whole.reduce((s, d) => s + mongoose.mongo.BSON.calculateObjectSize(d), 0);
    console.info(
      `per record: ${small50[0]!.commands.length} commands at 50 and ${large2000[0]!.commands.length} at 2,000 stored records; ` +
        `${Math.round(mean(small50))} and ${Math.round(mean(large2000))} bytes read; the whole history at 2,000 is ${wholeBytes} bytes in ${whole.length} documents`,
    );
  });
});

describe('a history stored before quarters', () => {
  it('is folded into quarters by the first check, which finds what the whole history gives', async () => {
    // Two recent records of LEG-1, and one of LEG-0 an 8D took 600 days ago and closed 500 days ago.
    const records = [stored(1, 'FM-LEG', 20, 'LEG-1'), stored(2, 'FM-LEG', 10, 'LEG-1'), stored(3, 'FM-LEG', 600, 'LEG-0', '8D-LEG-0-LEG-1')];
    await models.failureRecords.insertMany(records);
    await models.modelGenerations.insertMany([{ _id: 'LEG-0', productLine: 'bounds', generation: 0 }, { _id: 'LEG-1', productLine: 'bounds', generation: 1 }]);
    const closedAt = new Date(now.getTime() - 500 * day).toISOString();
    const eightDs = [{ id: '8D-LEG-0-LEG-1', status: 'closed', problem: { productLine: 'bounds', model: 'LEG-0', failureMode: 'FM-LEG' }, closedAt, revision: 3 }];
    const legacy = records.map((r) => ({ id: r._id, model: r.model, occurredAt: r.occurredAt, eightDId: r.eightDId }));
    // As `problem-histories@1` kept it: every record in the problem's one document.
    await models.problemHistories.collection.insertOne({ _id: problemHistoryId('bounds', 'FM-LEG') as never, productLine: 'bounds', failureMode: 'FM-LEG', records: JSON.stringify(legacy), eightDs: JSON.stringify(eightDs), updatedAt: now });

    await desk.rememberRequest({ requestId: 'SR-FM-LEG-4', customerId: 'CUST-1', serialNumber: 'SN-4', model: 'LEG-1', productLine: 'bounds', registeredAt: now.toISOString() });
    await desk.ingest(workOrder('SR-FM-LEG-4', 'FM-LEG', 0));

    const check = await models.recurrences.findById('FR-SR-FM-LEG-4').lean<RecurrenceDoc>();
    expect(check?.hits).toMatchObject([
      { rules: ['same-model-repeat', 'newer-model-after-closure'], recordIds: [records[0]!._id, records[1]!._id, 'FR-SR-FM-LEG-4'], linkedEightDIds: ['8D-LEG-0-LEG-1'], outcome: 'opened' },
    ]);
    const problem = await models.problemHistories.findById(problemHistoryId('bounds', 'FM-LEG')).lean();
    expect(problem?.records).toBe('[]');
    // The closed 8D's record, folded in, and the new 8D's first record of LEG-1.
    expect((JSON.parse(problem!.takenRecords) as { id: string; eightDId: string }[]).map((r) => `${r.eightDId} ${r.id}`).sort()).toEqual([`${check!.hits[0]!.eightDId} ${records[0]!._id}`, `8D-LEG-0-LEG-1 ${records[2]!._id}`].sort());
    const history = await desk.histories.read('bounds', 'FM-LEG');
    expect(history.records.map((r) => r.id).sort()).toEqual([...records.map((r) => r._id), 'FR-SR-FM-LEG-4'].sort());
  });
});
