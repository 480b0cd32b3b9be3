import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { namespacedTopic } from '@aftersales/contracts';
import type { Platform } from '@aftersales/platform';
import { commandRecorder, monitoredConnection, scansOf, testLogger, uniqueName } from '@aftersales/platform/testing';
import { initialEightDState, type EightDState } from '@aftersales/workflows';
import { createEightDActivities } from '../worker/activities';
import { eightDBoardOf, type BoardQuery } from './eight-d-board';
import { openEightDByHand } from './eight-d-opening';
import { createQualityModels, problemKeyOf, type EightDDoc, type QualityModels } from './models';

const stack = inject('stack');
const ns = uniqueName('quality-eight-d-board');
const { listener, recorded } = commandRecorder();
const champion = { id: 'qe-li', name: 'Li Na', role: 'quality engineer' };

let mongo: Connection;
let models: QualityModels;
let platform: Platform;
/** Each opening a minute after the last, so the board's order (newest opened first) has no ties. */
let clock = Date.now() - 1_000 * 60_000;
const tick = () => new Date((clock += 60_000));

beforeAll(async () => {
  mongo = await monitoredConnection(stack.mongoUrl, ns, listener);
  models = createQualityModels(mongo);
  await Promise.all(Object.values(models).map((m) => m.init()));
  platform = { mongo, logger: testLogger(), topic: (name: string) => namespacedTopic(ns, name), nudgeOutbox: () => undefined, now: tick } as unknown as Platform;
}, 60_000);

afterAll(async () => {
  await mongo?.dropDatabase();
  await mongo?.close();
});

const problem = (model: string, productLine = 'laser') => ({ productLine, model, failureMode: 'FM-BOARD' });

/** What the board's filter answered: `find(filter).sort({ openedAt: -1 }).limit(500)`. */
async function byFilter(query: BoardQuery): Promise<string[]> {
  const filter: Record<string, unknown> = {};
  if (query.status) filter.status = query.status;
  if (query.model) filter['problem.model'] = query.model;
  if (query.productLine) filter['problem.productLine'] = query.productLine;
  return (await models.eightDs.find(filter, { _id: 1 }).sort({ openedAt: -1 }).limit(500).lean<{ _id: string }[]>()).map((d) => d._id);
}

const listed = async (query: BoardQuery) => (await eightDBoardOf(models).list(query)).map((d) => d.id);

/** An 8D as the code before the board stored it: no entry anywhere. */
async function storedBefore(id: string, model: string, status: 'open' | 'closed'): Promise<void> {
  const openedAt = tick();
  const doc: EightDDoc = { _id: id, status, problem: problem(model), problemKey: problemKeyOf(problem(model)), rules: [], reason: 'stored before', linkedTo: null, openedAt, closedAt: status === 'closed' ? tick() : null, revision: 1, state: null };
  await models.eightDs.collection.insertOne(doc as never);
}

/** Opened by hand, its opened event taken off by the relay, recorded by the workflow's first pass; closed by a later pass when asked. */
async function opened(model: string, productLine = 'laser', close = false): Promise<string> {
  const doc = await openEightDByHand(platform, models, { problem: problem(model, productLine), reason: 'board test', concerns: { requestIds: [], partNumbers: [], supplierClaimIds: [] }, linkedTo: null, by: 'qe-li' });
  await models.eightDs.updateOne({ _id: doc._id }, { $unset: { outbox: '', outboxDueAt: '' } });
  const activities = createEightDActivities(platform, models);
  const first: EightDState = { ...initialEightDState({ eightDId: doc._id, problem: doc.problem, rule: 'manual', reason: doc.reason, linkedTo: null, failureRecordIds: [], openedAt: doc.openedAt.toISOString(), champion }), revision: 1 };
  await activities.recordEightD({ state: first, facts: [] });
  if (close) await activities.recordEightD({ state: { ...first, status: 'closed', closedAt: tick().toISOString(), revision: 2 }, facts: [] });
  return doc._id;
}

describe("quality's 8D board read by _id", () => {
  it('answers what the filter answered, for every status and scope, reading no 8D by filter', async () => {
    await storedBefore('8D-OLD-OPEN-1', 'LC-0', 'open');
    await storedBefore('8D-OLD-CLOSED-1', 'LC-1', 'closed');
    await storedBefore('8D-OLD-CLOSED-2', 'LC-2', 'closed');
    expect(await eightDBoardOf(models).buildOnce(new Date())).toBe(true);
    expect(await eightDBoardOf(models).buildOnce(new Date())).toBe(false);
    await opened('LC-1');
    await opened('LC-2', 'laser', true);
    await opened('LC-3', 'press', true);
    await opened('LC-4', 'press');
    await opened('LC-5', 'laser', true);

    const queries: BoardQuery[] = [{}, { status: 'open' }, { status: 'closed' }, { model: 'LC-0' }, { model: 'LC-1' }, { model: 'LC-2' }, { productLine: 'press' }, { status: 'open', productLine: 'laser' }, { status: 'closed', model: 'LC-2' }, { model: 'LC-NONE' }];
    for (const query of queries) expect(await listed(query), JSON.stringify(query)).toEqual(await byFilter(query));
    expect((await listed({})).length).toBe(8);

    const { commands } = await recorded(() => eightDBoardOf(models).list({}));
    expect(scansOf(commands, { keyed: new Set(['eightDs', 'eightDBoard']), small: new Set() })).toEqual([]);
    expect(commands.map((c) => c.commandName)).toEqual(['find']);
  }, 60_000);

  it("is mended by the workflow's retry after a crash between an 8D's write and the board's, and never shows an older revision", async () => {
    const activities = createEightDActivities(platform, models);
    const board = eightDBoardOf(models);
    // Died between the opening's insert and the board: not shown until its workflow's first pass records it.
    const problem6 = problem('LC-6');
    const openedAt = tick();
    const doc: EightDDoc = { _id: '8D-CRASH-6', status: 'open', problem: problem6, problemKey: problemKeyOf(problem6), rules: [], reason: 'crash', linkedTo: null, openedAt, closedAt: null, revision: 0, state: null };
    await models.eightDs.collection.insertOne(doc as never);
    expect(await listed({})).not.toContain(doc._id);
    const first: EightDState = { ...initialEightDState({ eightDId: doc._id, problem: problem6, rule: 'manual', reason: 'crash', linkedTo: null, failureRecordIds: [], openedAt: openedAt.toISOString(), champion }), revision: 1 };
    await activities.recordEightD({ state: first, facts: [] });
    expect((await board.list({ status: 'open' })).find((i) => i.id === doc._id)?.current).toMatchObject({ discipline: 'D0' });

    // Died between the closing pass's write of the 8D and the board's: the retry (the 8D already at that revision) shows it closed.
    const closing: EightDState = { ...first, status: 'closed', closedAt: tick().toISOString(), revision: 2 };
    await models.eightDs.updateOne({ _id: doc._id }, { $set: { state: closing, revision: 2, status: 'closed', closedAt: new Date(closing.closedAt!) } });
    expect(await listed({ status: 'open' })).toContain(doc._id);
    await activities.recordEightD({ state: closing, facts: [] });
    expect(await listed({ status: 'closed' })).toContain(doc._id);
    expect(await listed({ status: 'open' })).not.toContain(doc._id);

    // A late try of the earlier pass changes neither the 8D nor the board.
    await activities.recordEightD({ state: first, facts: [] });
    expect(await listed({ status: 'closed' })).toContain(doc._id);
    for (const query of [{}, { status: 'open' }, { status: 'closed' }] as BoardQuery[]) expect(await listed(query), JSON.stringify(query)).toEqual(await byFilter(query));
  }, 60_000);
});
