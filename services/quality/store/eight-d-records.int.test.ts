import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { namespacedTopic } from '@aftersales/contracts';
import type { OutboxEntry, Platform } from '@aftersales/platform';
import { commandRecorder, scansOf, testLogger, uniqueName, utcDayAt, monitoredConnection } from '@aftersales/platform/testing';
import type { FailureFact } from '../domain/failure-records';
import { createEightDRecords, type EightDRecords } from './eight-d-records';
import { openEightDByHand } from './eight-d-opening';
import { createFailureDesk, type FailureDesk } from './failure-desk';
import { createQualityModels, type EightDDoc, type FailureRecordDoc, type QualityModels } from './models';

/** On the real FerretDB: an 8D's failure records, read through its list by `_id` only, are what the `{ eightDId }` filter returned. */
const stack = inject('stack');
const ns = uniqueName('quality-8d-records');
const { listener, recorded } = commandRecorder();
const day = 86_400_000;
const now = utcDayAt(0, '00:00');

let mongo: Connection;
let models: QualityModels;
let desk: FailureDesk;
let platform: Platform;
let eightDRecords: EightDRecords;

beforeAll(async () => {
  mongo = await monitoredConnection(stack.mongoUrl, ns, listener, 16);
  models = createQualityModels(mongo);
  await Promise.all(Object.values(models).map((m) => m.init()));
  platform = { mongo, logger: testLogger(), topic: (name: string) => namespacedTopic(ns, name), nudgeOutbox: () => undefined, now: () => now } as unknown as Platform;
  desk = createFailureDesk(platform, models);
  eightDRecords = createEightDRecords(models, () => now);
});

afterAll(async () => {
  await mongo?.dropDatabase();
  await mongo?.close();
});

const workOrder = (requestId: string, failureMode: string, daysAgo: number): FailureFact => ({
  source: 'work-order', requestId, at: new Date(now.getTime() - daysAgo * day).toISOString(), failureMode, safety: false, parts: ['NZ-15'], cause: 'Nozzle cracked', fix: 'Nozzle replaced',
});

const registered = (requestId: string, model: string) => desk.rememberRequest({ requestId, customerId: 'CUST-1', serialNumber: `SN-${requestId}`, model, productLine: 'laser', registeredAt: now.toISOString() });

/** What the 8D's page read before: the records naming it, by filter, oldest first. */
const byFilter = async (eightDId: string) => (await models.failureRecords.find({ eightDId }).sort({ occurredAt: 1 }).lean<FailureRecordDoc[]>()).map((d) => d._id);

describe("an 8D's failure records", () => {
  it('are the records naming the 8D (opened by rules, joined later, attached by hand, stored before the lists), read by _id only', async () => {
    // Stored before the lists existed: records naming an 8D, no list entry; the build lists them once.
    await models.failureRecords.collection.insertMany(
      [1, 2].map((i) => ({ _id: `FR-OLD-${i}`, requestId: `OLD-${i}`, model: 'LC-OLD', productLine: 'laser', failureMode: 'FM-OLD', occurredAt: new Date(now.getTime() - (10 - i) * day).toISOString(), eightDId: '8D-LC-OLD-FM-OLD-0', receivedAt: now })) as never[],
    );
    expect(await eightDRecords.buildOnce()).toBe(true);
    expect(await eightDRecords.buildOnce()).toBe(false);

    // Rules: four failures of one mode at once open one 8D; two more join it; others fill the collection.
    const ids = [1, 2, 3, 4, 5, 6].map((i) => `SR-A-${i}`);
    await Promise.all([...ids, 'SR-B-1', 'SR-B-2', 'SR-C-1'].map((id) => registered(id, id.startsWith('SR-A') ? 'LC-A' : id.startsWith('SR-B') ? 'LC-B' : 'LC-C')));
    await Promise.all(ids.slice(0, 4).map((id, i) => desk.ingest(workOrder(id, 'FM-CRACK', 20 - i))));
    for (const [i, id] of ids.slice(4).entries()) await desk.ingest(workOrder(id, 'FM-CRACK', 30 + i));
    await Promise.all(['SR-B-1', 'SR-B-2', 'SR-C-1'].map((id, i) => desk.ingest(workOrder(id, 'FM-WEAR', i + 1))));
    const [ruled] = await models.eightDs.find({ 'problem.model': 'LC-A' }).lean<EightDDoc[]>();
    expect(ruled).toBeDefined();

    // By hand: the two unattached records of LC-B join; a record another 8D took stays with it (its entry is skipped).
    const byHand = await openEightDByHand(platform, models, {
      problem: { productLine: 'laser', model: 'LC-B', failureMode: 'FM-WEAR' }, reason: 'customer escalation', concerns: { requestIds: ['SR-B-1', 'SR-B-2', 'SR-A-1'], partNumbers: [], supplierClaimIds: [] }, linkedTo: null, by: 'qe-li',
    });
    await eightDRecords.listed(byHand._id, 'FR-SR-A-2');
    await eightDRecords.listed(byHand._id, 'FR-GONE');

    for (const eightDId of [ruled!._id, byHand._id, '8D-LC-OLD-FM-OLD-0']) {
      const { result, commands } = await recorded(() => eightDRecords.of(eightDId));
      expect(result.map((r) => r._id), eightDId).toEqual(await byFilter(eightDId));
      expect(scansOf(commands, { keyed: new Set(['failureRecords', 'eightDRecords']), small: new Set() })).toEqual([]);
    }
    expect((await eightDRecords.of(ruled!._id)).map((r) => r._id).sort()).toEqual(ids.map((id) => `FR-${id}`).sort());
    expect((await eightDRecords.of(byHand._id)).map((r) => r._id)).toEqual(['FR-SR-B-2', 'FR-SR-B-1']);
    expect(await eightDRecords.of('8D-NONE')).toEqual([]);
    // Its opened event, stored with it for the relay.
    expect(((await models.eightDs.findById(byHand._id).lean<EightDDoc>())?.outbox as OutboxEntry[] | undefined)?.length).toBe(1);
  });
});
