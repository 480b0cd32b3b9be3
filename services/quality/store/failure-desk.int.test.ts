import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { namespacedTopic, validateEvent } from '@aftersales/contracts';
import { connectMongo, type OutboxEntry, type Platform } from '@aftersales/platform';
import { testLogger, uniqueName, utcDayAt } from '@aftersales/platform/testing';
import type { FailureFact } from '../domain/failure-records';
import { createFailureDesk, type FailureDesk } from './failure-desk';
import { createQualityModels, type EightDDoc, type FailureRecordDoc, type QualityModels } from './models';
import { createProblemHistories, problemHistoryId } from './problem-histories';

const stack = inject('stack');
const ns = uniqueName('quality-desk');
const day = 86_400_000;
const now = utcDayAt(0, '00:00');

let mongo: Connection;
let models: QualityModels;
let desk: FailureDesk;

beforeAll(async () => {
  mongo = await connectMongo(stack.mongoUrl, ns);
  models = createQualityModels(mongo);
  await Promise.all(Object.values(models).map((m) => m.init()));
  // The desk needs only these of the platform: no Kafka or Temporal is touched here.
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

async function registered(requestId: string, model: string, productLine = 'laser') {
  await desk.rememberRequest({ requestId, customerId: 'CUST-1', serialNumber: `SN-${requestId}`, model, productLine, registeredAt: now.toISOString() });
}

/**
 * On the real FerretDB, which does not serialise concurrent updates of one document: failure
 * records arriving at the same moment must still open exactly one 8D per problem, because the
 * 8D's id comes from the problem and only one insert of it can succeed.
 */
describe('failure desk on FerretDB', () => {
  it('opens one 8D when three failures of one mode on one model arrive concurrently, round after round', async () => {
    for (let round = 0; round < 5; round++) {
      const model = `LC-R${round}`;
      const ids = [1, 2, 3, 4].map((i) => `SR-${round}-${i}`);
      await Promise.all(ids.map((id) => registered(id, model)));
      // Four at once, and each fact twice (a re-delivery racing the first delivery).
      await Promise.all(ids.flatMap((id, i) => [desk.ingest(workOrder(id, 'FM-CRACK', 5 - i)), desk.ingest(workOrder(id, 'FM-CRACK', 5 - i))]));
      const eightDs = await models.eightDs.find({ 'problem.model': model }).lean<EightDDoc[]>();
      expect(eightDs, `round ${round}`).toHaveLength(1);
      const records = await models.failureRecords.find({ model }).lean();
      expect(records).toHaveLength(4);
      // Every record ends on that 8D: the ones that opened it and any that arrived after.
      expect(records.every((r) => r.eightDId === eightDs[0]!._id)).toBe(true);
      // The opened event rides in the 8D's own document, valid against its contract.
      const outbox = eightDs[0]!.outbox as OutboxEntry[];
      expect(outbox).toHaveLength(1);
      const checked = validateEvent(outbox[0]!.event);
      expect(checked.ok && checked.event.type).toBe('eight-d.opened');
      expect(outbox[0]!.topic).toBe(namespacedTopic(ns, 'quality.eight-ds.v1'));
    }
  });

  it('opens nothing for two failures, and nothing twice for one record', async () => {
    await registered('SR-TWO-1', 'LC-TWO');
    await registered('SR-TWO-2', 'LC-TWO');
    await desk.ingest(workOrder('SR-TWO-1', 'FM-CRACK', 3));
    await desk.ingest(workOrder('SR-TWO-2', 'FM-CRACK', 2));
    await desk.check('FR-SR-TWO-2');
    expect(await models.eightDs.countDocuments({ 'problem.model': 'LC-TWO' })).toBe(0);
    expect(await models.recurrences.countDocuments({ _id: { $in: ['FR-SR-TWO-1', 'FR-SR-TWO-2'] } })).toBe(2);
  });

  it('finishes a check a dead process left claimed but unfinished, when its event comes again', async () => {
    await Promise.all(['SR-DEAD-1', 'SR-DEAD-2', 'SR-DEAD-3'].map((id) => registered(id, 'LC-DEAD')));
    await desk.ingest(workOrder('SR-DEAD-1', 'FM-DEAD', 3));
    await desk.ingest(workOrder('SR-DEAD-2', 'FM-DEAD', 2));
    await desk.ingest(workOrder('SR-DEAD-3', 'FM-DEAD', 1));
    expect(await models.eightDs.countDocuments({ 'problem.model': 'LC-DEAD' })).toBe(1);
    // As if the process had died right after claiming the third check: claimed and noted in the
    // problem's history, nothing done.
    await models.eightDs.deleteMany({ 'problem.model': 'LC-DEAD' });
    await models.failureRecords.updateMany({ model: 'LC-DEAD' }, { $set: { eightDId: null } });
    await models.problemHistories.deleteOne({ _id: 'laser|FM-DEAD' });
    for (const id of ['FR-SR-DEAD-1', 'FR-SR-DEAD-2', 'FR-SR-DEAD-3']) await desk.histories.noteRecord(id);
    await models.recurrences.updateOne({ _id: 'FR-SR-DEAD-3' }, { $set: { status: 'checking', hits: [] } });
    await desk.check('FR-SR-DEAD-3');
    expect(await models.eightDs.countDocuments({ 'problem.model': 'LC-DEAD' })).toBe(1);
    expect(await models.recurrences.findById('FR-SR-DEAD-3').lean()).toMatchObject({ status: 'done' });
    // Done now: another delivery changes nothing.
    await desk.check('FR-SR-DEAD-3');
    expect(await models.eightDs.countDocuments({ 'problem.model': 'LC-DEAD' })).toBe(1);
  });

  it('checks a record that overtook its registration once the machine is known', async () => {
    await Promise.all(['SR-LATE-1', 'SR-LATE-2'].map((id) => registered(id, 'LC-LATE')));
    await desk.ingest(workOrder('SR-LATE-1', 'FM-CRACK', 3));
    await desk.ingest(workOrder('SR-LATE-2', 'FM-CRACK', 2));
    await desk.ingest(workOrder('SR-LATE-3', 'FM-CRACK', 1));
    expect(await models.eightDs.countDocuments({ 'problem.model': 'LC-LATE' })).toBe(0);
    await registered('SR-LATE-3', 'LC-LATE');
    expect(await models.eightDs.countDocuments({ 'problem.model': 'LC-LATE' })).toBe(1);
  });

  it('opens an 8D when the closure later says the failure was P1 (severe), and when a customer demands a formal report', async () => {
    await registered('SR-SEV-1', 'LC-SEV');
    await desk.ingest(workOrder('SR-SEV-1', 'FM-ARC', 1));
    expect(await models.eightDs.countDocuments({ 'problem.model': 'LC-SEV' })).toBe(0);
    const closure: FailureFact = { source: 'closure', requestId: 'SR-SEV-1', at: now.toISOString(), customerId: 'CUST-1', serialNumber: 'SN-SR-SEV-1', tier: 'P1', cause: 'Arc', fix: 'Fixed' };
    await Promise.all([desk.ingest(closure), desk.ingest(closure)]);
    const severe = await models.eightDs.find({ 'problem.model': 'LC-SEV' }).lean<EightDDoc[]>();
    expect(severe.map((e) => e.rules)).toEqual([['severe']]);

    await registered('SR-FORMAL-1', 'LC-FORMAL');
    await desk.ingest(workOrder('SR-FORMAL-1', 'FM-ARC', 1));
    expect(await desk.demandFormalReport('SR-FORMAL-1')).toEqual({ failureRecordId: 'FR-SR-FORMAL-1' });
    const formal = await models.eightDs.find({ 'problem.model': 'LC-FORMAL' }).lean<EightDDoc[]>();
    expect(formal.map((e) => e.rules)).toEqual([['formal-report-demanded']]);
  });

  it('checks every record when its registration and its failure fact are applied at the same moment', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `SR-RACE-${i}`);
    await Promise.all(ids.flatMap((id, i) => [registered(id, `LC-RACE-${i % 4}`), desk.ingest(workOrder(id, 'FM-RACE', 1))]));
    const records = await models.failureRecords.find({ _id: { $in: ids.map((id) => `FR-${id}`) } }).lean();
    expect(records.map((r) => r.model).filter((m) => m === null)).toEqual([]);
    expect(await models.recurrences.countDocuments({ _id: { $in: ids.map((id) => `FR-${id}`) } })).toBe(ids.length);
    // Three failures per model: each model opened exactly one 8D.
    for (let m = 0; m < 4; m++) expect(await models.eightDs.countDocuments({ 'problem.model': `LC-RACE-${m}` })).toBe(1);
  });

  it('keeps quality\u2019s latest review of the failure decision over the engineer\u2019s, whichever arrives first; an older revision changes nothing', async () => {
    const engineer = { category: 'quality-failure' as const, decidedBy: 'ENG-1', decidedAt: now.toISOString() };
    const review = (revision: number, category: 'wear' | 'misuse') => ({ category, decidedBy: 'qe-1', decidedAt: new Date(now.getTime() + revision * day).toISOString(), by: 'quality' as const, revision });
    const decisionOf = async (requestId: string) => (await models.failureRecords.findById(`FR-${requestId}`).lean())?.failureDecision;

    // The report first, then two reviews, the second delivered before the first.
    await registered('SR-DEC-1', 'LC-DEC');
    await desk.ingest({ ...(workOrder('SR-DEC-1', 'FM-DEC', 1) as Extract<FailureFact, { source: 'work-order' }>), failureDecision: engineer });
    expect(await decisionOf('SR-DEC-1')).toEqual({ ...engineer, by: 'engineer' });
    await desk.recordReview('SR-DEC-1', review(2, 'misuse'));
    await desk.recordReview('SR-DEC-1', review(1, 'wear'));
    expect(await decisionOf('SR-DEC-1')).toEqual(review(2, 'misuse'));

    // A review that overtook the report and the registration: the record starts from it.
    await desk.recordReview('SR-DEC-2', review(1, 'wear'));
    await registered('SR-DEC-2', 'LC-DEC');
    await desk.ingest({ ...(workOrder('SR-DEC-2', 'FM-DEC', 1) as Extract<FailureFact, { source: 'work-order' }>), failureDecision: engineer });
    expect(await decisionOf('SR-DEC-2')).toEqual(review(1, 'wear'));
  });
});

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
  ['cutter', 'FM-CRACK'],
  ['cutter', 'FM-BURR'],
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
    expect(await desk.histories.read('cutter', 'FM-CRACK')).toEqual({ records: [], eightDs: [] });
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
