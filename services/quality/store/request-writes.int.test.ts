import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { namespacedTopic } from '@aftersales/contracts';
import type { Platform } from '@aftersales/platform';
import { commandRecorder, scansOf, testLogger, uniqueName, utcDayAt, monitoredConnection } from '@aftersales/platform/testing';
import type { FailureDecisionOnRecord, FailureFact } from '../domain/failure-records';
import { createFailureDesk, type FailureDesk } from './failure-desk';
import { createQualityModels, type FailureRecordDoc, type QualityModels, type RequestContextDoc } from './models';

/**
 * On the real FerretDB: a review of a failure decision and the attribution of a record that waited
 * for its registration read and write the request's context and record by `_id` only, and still
 * never let an older review replace a newer one, whatever the order and however many at once.
 */
const stack = inject('stack');
const ns = uniqueName('quality-request-writes');
const { listener, recorded } = commandRecorder();
const now = utcDayAt(0, '00:00');
const grown = { keyed: new Set(['requestContexts', 'failureRecords', 'recurrences', 'problemHistories', 'modelGenerations', 'eightDs', 'eightDRecords', 'qualityBuilds']), small: new Set(['qualityKeyLocks']) };

let mongo: Connection;
let models: QualityModels;
let desk: FailureDesk;

beforeAll(async () => {
  mongo = await monitoredConnection(stack.mongoUrl, ns, listener, 16);
  models = createQualityModels(mongo);
  await Promise.all(Object.values(models).map((m) => m.init()));
  const platform = { mongo, logger: testLogger(), topic: (name: string) => namespacedTopic(ns, name), nudgeOutbox: () => undefined, now: () => now } as unknown as Platform;
  desk = createFailureDesk(platform, models);
});

afterAll(async () => {
  await mongo?.dropDatabase();
  await mongo?.close();
});

const review = (revision: number): FailureDecisionOnRecord & { revision: number } => ({ category: revision % 2 ? 'wear' : 'quality-failure', decidedBy: `qa-${revision}`, decidedAt: now.toISOString(), by: 'quality', revision });
const workOrder = (requestId: string): FailureFact => ({
  source: 'work-order', requestId, at: now.toISOString(), failureMode: 'FM-CRACK', safety: false, parts: [], cause: 'Nozzle cracked', fix: 'Nozzle replaced', failureDecision: { category: 'misuse', decidedBy: 'eng-1', decidedAt: now.toISOString() },
});
const registration = (requestId: string) => ({ requestId, customerId: 'CUST-1', serialNumber: `SN-${requestId}`, model: 'LC-1', productLine: 'laser', registeredAt: now.toISOString() });
const reviewOn = async (requestId: string) => ({
  context: (await models.requestContexts.findById(requestId).lean<RequestContextDoc>())?.failureReview?.revision,
  record: (await models.failureRecords.findById(`FR-${requestId}`).lean<FailureRecordDoc>())?.failureDecision,
});

describe("a request's context and failure record", () => {
  it('take a review by _id reads and writes only; the highest revision stays, whatever the order and concurrency', async () => {
    // Filler: the collections grow with every request.
    await Promise.all([1, 2, 3].map((i) => desk.rememberRequest(registration(`SR-FILL-${i}`))));
    await desk.rememberRequest(registration('SR-1'));
    await desk.ingest(workOrder('SR-1'));
    expect((await reviewOn('SR-1')).record?.by).toBe('engineer');

    const { commands } = await recorded(() => desk.recordReview('SR-1', review(2)));
    expect(scansOf(commands, grown)).toEqual([]);
    expect(await reviewOn('SR-1')).toEqual({ context: 2, record: review(2) });

    // Five at once in shuffled order, with the registration again: the highest lands on both, and the registration too.
    await Promise.all([desk.recordReview('SR-1', review(5)), desk.recordReview('SR-1', review(3)), desk.rememberRequest(registration('SR-1')), desk.recordReview('SR-1', review(7)), desk.recordReview('SR-1', review(4)), desk.recordReview('SR-1', review(6))]);
    expect(await reviewOn('SR-1')).toEqual({ context: 7, record: review(7) });
    // Older or replayed: nothing changes.
    await desk.recordReview('SR-1', review(1));
    await desk.recordReview('SR-1', { ...review(7), decidedBy: 'replayed' });
    expect(await reviewOn('SR-1')).toEqual({ context: 7, record: review(7) });
    expect((await models.requestContexts.findById('SR-1').lean<RequestContextDoc>())?.model).toBe('LC-1');

    // Before the registration and before any record: the context keeps it and the record made later starts from it.
    await Promise.all([desk.recordReview('SR-2', review(2)), desk.recordReview('SR-2', review(1))]);
    expect(await reviewOn('SR-2')).toEqual({ context: 2, record: undefined });
    await desk.rememberRequest(registration('SR-2'));
    await desk.ingest(workOrder('SR-2'));
    expect(await reviewOn('SR-2')).toEqual({ context: 2, record: review(2) });
  });

  it('attributes a record that waited for its registration by _id reads and writes only, once', async () => {
    await desk.ingest(workOrder('SR-LATE'));
    expect((await models.failureRecords.findById('FR-SR-LATE').lean<FailureRecordDoc>())?.model).toBeNull();
    const { commands } = await recorded(() => desk.rememberRequest(registration('SR-LATE')));
    expect(scansOf(commands, grown)).toEqual([]);
    const attributed = await models.failureRecords.findById('FR-SR-LATE').lean<FailureRecordDoc>();
    expect({ model: attributed?.model, productLine: attributed?.productLine, serialNumber: attributed?.serialNumber }).toEqual({ model: 'LC-1', productLine: 'laser', serialNumber: 'SN-SR-LATE' });
    expect(await models.recurrences.exists({ _id: 'FR-SR-LATE' })).toBeTruthy();

    // The registration and the fact racing: the record ends attributed and checked once.
    await Promise.all([desk.ingest(workOrder('SR-RACE')), desk.rememberRequest(registration('SR-RACE'))]);
    expect((await models.failureRecords.findById('FR-SR-RACE').lean<FailureRecordDoc>())?.model).toBe('LC-1');
    expect(await models.recurrences.countDocuments({ failureRecordId: 'FR-SR-RACE' })).toBe(1);
  });
});
