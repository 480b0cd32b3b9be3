import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { namespacedTopic } from '@aftersales/contracts';
import type { Platform, RouteSpec } from '@aftersales/platform';
import { callRoute, commandRecorder, monitoredConnection, scansOf, testLogger, uniqueName, utcDayAt } from '@aftersales/platform/testing';
import type { FailureFact } from '../domain/failure-records';
import { presentFailureRecord } from '../api/eight-ds';
import { recurrenceRoutes } from '../api/recurrences';
import { createEightDRecords } from './eight-d-records';
import { createFailureDesk, type FailureDesk } from './failure-desk';
import { failureRecordListsOf } from './failure-record-lists';
import { createQualityModels, type EightDDoc, type FailureRecordDoc, type QualityModels, type RecurrenceDoc } from './models';
import { recurrenceHitListsOf } from './recurrence-hit-lists';
import { createQualityRules } from './rules';

/**
 * On the real FerretDB: the records and recurrences tabs, read through their numbered lists by
 * `_id` only, answer what the old filters (`{ model, eightDId }` by `occurredAt`; done checks with
 * hits by `checkedAt`) answered, records stored before the lists included.
 */
const stack = inject('stack');
const ns = uniqueName('quality-tab-lists');
const { listener, recorded } = commandRecorder();
const day = 86_400_000;
const start = utcDayAt(0, '00:00');
/** The desk's clock ticks a second a call, so every check has a `checkedAt` of its own (the old sort had no tie-break). */
let tick = 0;
const clock = () => new Date(start.getTime() + ++tick * 1000);
const keyed = new Set(['failureRecords', 'recurrences', 'eightDRecords', 'failureRecordLists', 'recurrenceHitLists']);
const small = new Set(['recurrenceRules', 'recurrenceRuleVersions']);

let mongo: Connection;
let models: QualityModels;
let desk: FailureDesk;
let recurrencesRoute: RouteSpec;
let recordsRoute: RouteSpec;

beforeAll(async () => {
  mongo = await monitoredConnection(stack.mongoUrl, ns, listener, 16);
  models = createQualityModels(mongo);
  await Promise.all(Object.values(models).map((m) => m.init()));
  const platform = { mongo, logger: testLogger(), topic: (name: string) => namespacedTopic(ns, name), nudgeOutbox: () => undefined, now: clock } as unknown as Platform;
  desk = createFailureDesk(platform, models);
  const rules = createQualityRules(platform);
  await rules.seed(new Date(start.getTime() - 400 * day));
  const routes = recurrenceRoutes(models, desk, rules);
  recurrencesRoute = routes.find((r) => r.method === 'get' && r.path === '/v1/recurrences')!;
  recordsRoute = routes.find((r) => r.method === 'get' && r.path === '/v1/failure-records')!;
});

afterAll(async () => {
  await mongo?.dropDatabase();
  await mongo?.close();
});

const at = (daysAgo: number, minute = 0) => new Date(start.getTime() - daysAgo * day + minute * 60_000).toISOString();
const workOrder = (requestId: string, failureMode: string, daysAgo: number): FailureFact => ({
  source: 'work-order', requestId, at: at(daysAgo), failureMode, safety: false, parts: ['NZ-15'], cause: 'Nozzle cracked', fix: 'Nozzle replaced',
});
const registered = (requestId: string, model: string) => desk.rememberRequest({ requestId, customerId: 'CUST-1', serialNumber: `SN-${requestId}`, model, productLine: 'laser', registeredAt: start.toISOString() });

/** The route's answer, with the commands it sent. */
async function answered(route: RouteSpec, query: Record<string, string>) {
  const { result, commands } = await recorded(() =>
    callRoute(route, { query, principal: { sub: 'qe', roles: ['quality'] } }),
  );
  return { items: JSON.parse(JSON.stringify((result.body as { items: unknown[] }).items)) as unknown[], commands };
}

/** What GET /v1/failure-records answered before: the filter, by `occurredAt`, 1000 at most. */
async function recordsByFilter(query: { model?: string; eightDId?: string }) {
  const docs = await models.failureRecords.find(query).sort({ occurredAt: 1 }).limit(1000).lean<FailureRecordDoc[]>();
  return JSON.parse(JSON.stringify(docs.map(presentFailureRecord))) as unknown[];
}

/** What GET /v1/recurrences answered before: done checks with hits, newest `checkedAt` first, 500 at most, each hit an item. */
async function hitsByFilter(query: { model?: string; eightDId?: string }) {
  const filter: Record<string, unknown> = { status: 'done', 'hits.0': { $exists: true } };
  if (query.model) filter.model = query.model;
  if (query.eightDId) filter['hits.eightDId'] = query.eightDId;
  const docs = await models.recurrences.find(filter).sort({ checkedAt: -1 }).limit(500).lean<RecurrenceDoc[]>();
  const items = docs.flatMap((d) => d.hits.map((h) => ({ failureRecordId: d.failureRecordId, checkedAt: d.checkedAt, problem: { productLine: d.productLine, model: d.model, failureMode: d.failureMode }, ...h })));
  return JSON.parse(JSON.stringify(items)) as unknown[];
}

const oldHit = (eightDId: string) => ({ rules: ['same-model-repeat'], recordIds: ['FR-OLD-1', 'FR-OLD-2'], linkedEightDIds: [], outcome: 'opened', eightDId });

describe('the records and recurrences tabs', () => {
  it('answer what the old filters did, by _id reads only, records and checks stored before the lists included', async () => {
    // Stored before the lists: records (one of no model yet), checks with hits, without, and one unfinished.
    await models.failureRecords.collection.insertMany(
      [1, 2, 3].map((i) => ({ _id: `FR-OLD-${i}`, requestId: `OLD-${i}`, model: i === 3 ? null : 'LC-OLD', productLine: i === 3 ? null : 'laser', failureMode: 'FM-OLD', occurredAt: at(60 - i), eightDId: i === 3 ? null : '8D-OLD', receivedAt: new Date(start.getTime() - (60 - i) * day) })) as never[],
    );
    const check = (id: string, status: string, hits: unknown[], daysAgo: number) => ({ _id: id, failureRecordId: id.split('#')[0], status, checkedAt: new Date(start.getTime() - daysAgo * day), model: 'LC-OLD', productLine: 'laser', failureMode: 'FM-OLD', hits });
    await models.recurrences.collection.insertMany([check('FR-OLD-1', 'done', [], 59), check('FR-OLD-2', 'done', [oldHit('8D-OLD')], 58), check('FR-OLD-2#safety', 'done', [oldHit('8D-OLD'), oldHit('8D-OLD-2')], 57), check('FR-OLD-1#tier-P1', 'checking', [], 56)] as never[]);
    const recordLists = failureRecordListsOf(models);
    const hitLists = recurrenceHitListsOf(models);
    expect(await recordLists.buildOnce(start)).toBe(true);
    expect(await recordLists.buildOnce(start)).toBe(false);
    expect(await hitLists.buildOnce(start)).toBe(true);
    expect(await hitLists.buildOnce(start)).toBe(false);
    // As the service starts: the 8Ds' record lists, which the records tab reads for an 8D.
    expect(await createEightDRecords(models, () => start).buildOnce()).toBe(true);

    // Live: four cracks on LC-A at once open an 8D, two more join it; wear on LC-B and LC-C hits nothing.
    const a = [1, 2, 3, 4, 5, 6].map((i) => `SR-A-${i}`);
    await Promise.all([...a, 'SR-B-1', 'SR-B-2', 'SR-C-1'].map((id) => registered(id, id.startsWith('SR-A') ? 'LC-A' : id.startsWith('SR-B') ? 'LC-B' : 'LC-C')));
    await Promise.all(a.slice(0, 4).map((id, i) => desk.ingest(workOrder(id, 'FM-CRACK', 20 - i))));
    for (const [i, id] of a.slice(4).entries()) await desk.ingest(workOrder(id, 'FM-CRACK', 30 + i));
    await Promise.all(['SR-B-1', 'SR-B-2', 'SR-C-1'].map((id, i) => desk.ingest(workOrder(id, 'FM-WEAR', i + 1))));
    // A second fact lists nothing again; a fact ahead of its registration takes its model later; a returned part names the model of another.
    await desk.ingest({ source: 'closure', requestId: 'SR-B-1', at: at(1, 30), customerId: 'CUST-1', serialNumber: 'SN-SR-B-1', tier: 'P3', cause: 'Worn', fix: 'Replaced' });
    await desk.ingest(workOrder('SR-D-1', 'FM-WEAR', 5));
    await registered('SR-D-1', 'LC-D');
    await desk.ingest(workOrder('SR-E-1', 'FM-WEAR', 6));
    await desk.ingest({ source: 'defective-return', requestId: 'SR-E-1', at: at(6, 30), machineSerial: 'SN-E', partNumber: 'NZ-15', lot: 'L-1', supplierId: 'SUP-1', failureMode: 'FM-WEAR', finding: 'worn', model: 'LC-E', productLine: 'laser' });
    const [opened] = await models.eightDs.find({ 'problem.model': 'LC-A' }).lean<EightDDoc[]>();
    expect(opened).toBeDefined();

    // Entries a crash leaves: naming no record, a record without that model yet, a check not done.
    await recordLists.listed('FR-GONE', 'LC-A');
    await recordLists.listedUnderModel('FR-SR-B-2', 'LC-A');
    await hitLists.listed({ _id: 'FR-GONE', model: 'LC-A', hits: [{ ...oldHit(opened!._id), rules: ['same-model-repeat'], outcome: 'attached' }] });
    await hitLists.listed({ _id: 'FR-SR-A-1#stuck', model: 'LC-A', hits: [{ ...oldHit(opened!._id), rules: ['same-model-repeat'], outcome: 'attached' }] });
    await models.recurrences.collection.insertOne({ ...check('FR-SR-A-1#stuck', 'checking', [], 0), model: 'LC-A' } as never);

    const queries: Record<string, string>[] = [{}, { model: 'LC-A' }, { model: 'LC-B' }, { model: 'LC-D' }, { model: 'LC-E' }, { model: 'LC-OLD' }, { model: 'LC-NONE' }, { eightDId: opened!._id }, { eightDId: '8D-OLD' }, { eightDId: '8D-OLD-2' }, { model: 'LC-A', eightDId: opened!._id }, { model: 'LC-B', eightDId: opened!._id }];
    const counts: Record<string, number> = {};
    for (const query of queries) {
      const records = await answered(recordsRoute, query);
      expect(records.items, `records ${JSON.stringify(query)}`).toEqual(await recordsByFilter(query));
      expect(scansOf(records.commands, { keyed, small })).toEqual([]);
      const hits = await answered(recurrencesRoute, query);
      expect(hits.items, `recurrences ${JSON.stringify(query)}`).toEqual(await hitsByFilter(query));
      expect(scansOf(hits.commands, { keyed, small })).toEqual([]);
      counts[`records ${JSON.stringify(query)}`] = records.commands.length;
      counts[`recurrences ${JSON.stringify(query)}`] = hits.commands.length;
    }
    console.info('commands per list call', counts);

    // What the answers hold: every record (the old ones, the unattributed one); checks with hits only, each once.
    expect((await answered(recordsRoute, {})).items).toHaveLength(3 + 6 + 3 + 2);
    expect((await answered(recordsRoute, { model: 'LC-D' })).items).toMatchObject([{ id: 'FR-SR-D-1', model: 'LC-D' }]);
    expect((await answered(recordsRoute, { model: 'LC-E' })).items).toMatchObject([{ id: 'FR-SR-E-1', model: 'LC-E' }]);
    const liveHits = (await answered(recurrencesRoute, { model: 'LC-A' })).items as { failureRecordId: string; eightDId: string }[];
    expect(liveHits.length).toBeGreaterThanOrEqual(3);
    expect(liveHits.every((h) => h.eightDId === opened!._id)).toBe(true);
    expect((await answered(recurrencesRoute, { eightDId: '8D-OLD-2' })).items).toHaveLength(2);

    // The latest by listing: the last two of LC-A listed are the two that joined, oldest first.
    expect((await recordLists.latest('LC-A', 2)).map((d) => d._id)).toEqual(['FR-SR-A-6', 'FR-SR-A-5']);
  });
});
