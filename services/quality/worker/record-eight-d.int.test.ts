import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { namespacedTopic } from '@aftersales/contracts';
import type { Platform } from '@aftersales/platform';
import { commandRecorder, scansOf, testLogger, uniqueName, monitoredConnection } from '@aftersales/platform/testing';
import { initialEightDState, type EightDActivities, type EightDState } from '@aftersales/workflows';
import { createQualityModels, problemKeyOf, type EightDDoc, type QualityModels } from '../store/models';
import { createEightDActivities } from './activities';

/**
 * On the real FerretDB: the eightD workflow's recordEightD reads and writes the 8D by `_id` only,
 * and keeps its conditions: never an older revision over a newer one, never while the 8D still
 * carries an outbox the relay has to take off.
 */
const stack = inject('stack');
const ns = uniqueName('quality-record-8d');
const { listener, recorded } = commandRecorder();
const problem = { productLine: 'laser', model: 'LC-1', failureMode: 'FM-CRACK' };

let mongo: Connection;
let models: QualityModels;
let activities: EightDActivities;

beforeAll(async () => {
  mongo = await monitoredConnection(stack.mongoUrl, ns, listener, 16);
  models = createQualityModels(mongo);
  await Promise.all(Object.values(models).map((m) => m.init()));
  const platform = { mongo, logger: testLogger(), topic: (name: string) => namespacedTopic(ns, name), nudgeOutbox: () => undefined, now: () => new Date() } as unknown as Platform;
  activities = createEightDActivities(platform, models);
});

afterAll(async () => {
  await mongo?.dropDatabase();
  await mongo?.close();
});

const opened = (id: string, extra: Partial<EightDDoc> = {}): EightDDoc => ({
  _id: id, status: 'open', problem, problemKey: problemKeyOf(problem), rules: ['same-model-repeat'], reason: 'three failures', linkedTo: null, openedAt: new Date(), closedAt: null, revision: 0, state: null, ...extra,
});
const stateAt = (eightDId: string, revision: number): EightDState => ({
  ...initialEightDState({ eightDId, problem, rule: 'same-model-repeat', reason: 'three failures', linkedTo: null, failureRecordIds: [], openedAt: new Date().toISOString(), champion: { id: 'qe-li', name: 'Li Na', role: 'quality engineer' } }),
  revision,
});
const stored = async (id: string) => models.eightDs.findById(id).lean<EightDDoc>();

describe('recordEightD on FerretDB', () => {
  it('writes a newer revision by _id reads and writes only; older ones, late or at once, never replace it', async () => {
    await models.eightDs.collection.insertMany([opened('8D-A'), opened('8D-FILL-1'), opened('8D-FILL-2')] as never[]);
    const { commands } = await recorded(() => activities.recordEightD({ state: stateAt('8D-A', 1), facts: [] }));
    expect(scansOf(commands, { keyed: new Set(['eightDs', 'problemHistories']), small: new Set(['qualityKeyLocks']) })).toEqual([]);
    expect((await stored('8D-A'))?.revision).toBe(1);

    await Promise.all([4, 2, 6, 3, 5].map((revision) => activities.recordEightD({ state: stateAt('8D-A', revision), facts: [] })));
    expect({ revision: (await stored('8D-A'))?.revision, state: (await stored('8D-A'))?.state?.revision }).toEqual({ revision: 6, state: 6 });
    await activities.recordEightD({ state: stateAt('8D-A', 2), facts: [] });
    expect((await stored('8D-A'))?.revision).toBe(6);
  });

  it('leaves an 8D whose opened event the relay has not taken off yet, and says so retriably', async () => {
    await models.eightDs.collection.insertOne(opened('8D-PENDING', { outboxDueAt: new Date() }) as never);
    const error = await activities.recordEightD({ state: stateAt('8D-PENDING', 1), facts: [] }).then(() => null, (e: unknown) => e);
    expect((error as { retriable?: boolean } | null)?.retriable).toBe(true);
    const doc = await stored('8D-PENDING');
    expect({ revision: doc?.revision, state: doc?.state }).toEqual({ revision: 0, state: null });

    // The relay takes it off while the activity waits: the state is written then, once.
    const waiting = activities.recordEightD({ state: stateAt('8D-PENDING', 1), facts: [] });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await models.eightDs.updateOne({ _id: '8D-PENDING' }, { $unset: { outboxDueAt: 1 } });
    await waiting;
    const written = await stored('8D-PENDING');
    expect({ revision: written?.revision, outboxDueAt: written?.outboxDueAt }).toEqual({ revision: 1, outboxDueAt: undefined });
  }, 20_000);
});
