import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { namespacedTopic } from '@aftersales/contracts';
import { connectMongo, type Platform } from '@aftersales/platform';
import { testLogger, uniqueName, utcDayAt } from '@aftersales/platform/testing';
import type { FailureFact } from '../domain/failure-records';
import { createFailureDesk, type FailureDesk } from './failure-desk';
import { createQualityModels, type EightDDoc, type FailureRecordDoc, type QualityModels } from './models';
import { createProblemHistories, problemHistoryId } from './problem-histories';

const stack = inject('stack');
const ns = uniqueName('quality-histories');
const day = 86_400_000;
const now = utcDayAt(0, '00:00');

let mongo: Connection;
let models: QualityModels;
let desk: FailureDesk;

beforeAll(async () => {
  mongo = await connectMongo(stack.mongoUrl, ns);
  models = createQualityModels(mongo);
  await Promise.all(Object.values(models).map((m) => m.init()));
  const platform = { mongo, logger: testLogger(), topic: (name: string) => namespacedTopic(ns, name), nudgeOutbox: () => undefined, now: () => now } as unknown as Platform;
  desk = createFailureDesk(platform, models);
});

afterAll(async () => {
  await mongo?.dropDatabase();
  await mongo?.close();
});

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

const registered = (requestId: string, model: string, productLine = 'laser') =>
  desk.rememberRequest({ requestId, customerId: 'CUST-1', serialNumber: `SN-${requestId}`, model, productLine, registeredAt: now.toISOString() });

/** What the filters the recurrence check used to run find for a problem, in the history's shape. */
async function byFilter(productLine: string, failureMode: string) {
  const records = await models.failureRecords.find({ productLine, failureMode }).lean<FailureRecordDoc[]>();
  const eightDs = await models.eightDs.find({ 'problem.productLine': productLine, 'problem.failureMode': failureMode }).lean<EightDDoc[]>();
  return {
    records: records.map((r) => ({ id: r._id, model: r.model, occurredAt: r.occurredAt, eightDId: r.eightDId ?? null })).sort((a, b) => a.id.localeCompare(b.id)),
    eightDs: eightDs.map((d) => ({ id: d._id, status: d.status, closedAt: d.closedAt ? new Date(d.closedAt).toISOString() : null })).sort((a, b) => a.id.localeCompare(b.id)),
  };
}

async function byHistory(productLine: string, failureMode: string) {
  const h = await desk.histories.read(productLine, failureMode);
  return {
    records: h.records.map(({ id, model, occurredAt, eightDId }) => ({ id, model, occurredAt, eightDId })).sort((a, b) => a.id.localeCompare(b.id)),
    eightDs: h.eightDs.map(({ id, status, closedAt }) => ({ id, status, closedAt })).sort((a, b) => a.id.localeCompare(b.id)),
  };
}

const problems = [
  ['laser', 'FM-CRACK'],
  ['laser', 'FM-BURR'],
  ['press', 'FM-CRACK'],
] as const;

/** On the real FerretDB: a problem's history, read by `_id`, holds what the filters over every record and 8D found. */
describe('problem histories', () => {
  it('hold what the filters find, whatever order registrations and facts arrive in', async () => {
    const jobs: Promise<unknown>[] = [];
    for (const [line, mode] of problems) {
      for (let i = 1; i <= 4; i++) {
        const id = `SR-${line}-${mode}-${i}`;
        const model = i <= 3 ? `${line.toUpperCase()}-A` : `${line.toUpperCase()}-B`;
        // The first fact overtakes its registration; the rest arrive after it.
        if (i === 1) jobs.push(desk.ingest(workOrder(id, mode, 10 - i)).then(() => registered(id, model, line)));
        else jobs.push(registered(id, model, line).then(() => desk.ingest(workOrder(id, mode, 10 - i))));
      }
    }
    await Promise.all(jobs);
    for (const [line, mode] of problems) {
      const expected = await byFilter(line, mode);
      expect(expected.records, `${line} ${mode}`).toHaveLength(4);
      // Three of one model within the window: an 8D opened and took them.
      expect(expected.eightDs, `${line} ${mode}`).toHaveLength(1);
      expect(await byHistory(line, mode)).toEqual(expected);
    }
  });

  it('are built once from the records and 8Ds stored before them', async () => {
    const before = await Promise.all(problems.map(([line, mode]) => byHistory(line, mode)));
    await models.problemHistories.deleteMany({});
    await models.builds.deleteMany({});
    expect(await desk.histories.read('laser', 'FM-CRACK')).toEqual({ records: [], eightDs: [] });
    expect(await desk.histories.buildOnce()).toBe(true);
    expect(await Promise.all(problems.map(([line, mode]) => byHistory(line, mode)))).toEqual(before);
    expect(await desk.histories.buildOnce()).toBe(false);
  });

  it('lose no record when two processes note one problem at once', async () => {
    const records: FailureRecordDoc[] = Array.from({ length: 24 }, (_, i) => ({
      _id: `FR-RACE-${i}`,
      requestId: `SR-RACE-${i}`,
      model: 'RACE-1',
      productLine: 'race',
      failureMode: 'FM-RACE',
      occurredAt: new Date(now.getTime() - i * 60_000).toISOString(),
      eightDId: null,
    }) as unknown as FailureRecordDoc);
    await models.failureRecords.insertMany(records);
    // Two processes: each its own lock owner, both writing the one history document.
    const one = createProblemHistories(models, () => now);
    const two = createProblemHistories(models, () => now);
    await Promise.all(records.map((r, i) => (i % 2 ? one : two).noteRecord(r._id)));
    const held = await models.problemHistories.findById(problemHistoryId('race', 'FM-RACE')).lean();
    expect(held).not.toBeNull();
    expect((await one.read('race', 'FM-RACE')).records.map((r) => r.id).sort()).toEqual(records.map((r) => r._id).sort());
  });
});
