import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteSpec } from '@aftersales/platform';
import { callRoute, commandNames, commandRecorder, scansOf, uniqueName } from '@aftersales/platform/testing';
import type { SparesStore } from '../store/collections';
import { buildModelPartsOnce, createModelParts, type ModelParts } from '../store/model-parts';
import type { PartDoc, SparesModels } from '../store/models';
import { monitoredSpares } from '../store/on-stack';
import { partRoutes } from './parts';

/**
 * The engineer's job screen asks `GET /v1/parts?model=` and the BOM `GET /v1/bom?model=`; both
 * filtered the catalogue on `fitsModels`, which FerretDB v1 answers by reading every part. They
 * now read the model's list and each part by `_id` (a process holding the answer reads only the
 * catalogue's stamp and the list); the answers are the old filter's.
 */
const dbName = uniqueName('spares-model-parts').replace(/-/g, '_');
const keyed = new Set(['parts', 'modelParts', 'catalogueStamp']);
const small = new Set(['sparesKeyLocks', 'sparesBuilds']);

let connection: Connection;
let store: SparesStore;
let models: SparesModels;
let parts: Collection<PartDoc>;
let modelParts: ModelParts;
let routes: RouteSpec[];
const { listener, recorded } = commandRecorder();

const route = (method: string, path: string) => routes.find((r) => r.method === method && r.path === path)!;
const spares = { sub: 'SP-1', roles: ['spares' as const] };
const engineer = { sub: 'ENG-1', roles: ['engineer' as const] };

/** The route's answer and commands; `cold`: from a process that holds no answer yet. */
async function fitting(model: string, { cold = false } = {}) {
  const get = cold ? partRoutes(models, createModelParts(store, parts, () => new Date())).find((r) => r.method === 'get' && r.path === '/v1/parts')! : route('get', '/v1/parts');
  const { result, commands } = await recorded(() => callRoute(get, { query: { model }, principal: engineer }));
  return { numbers: (result.body as { items: { partNumber: string }[] }).items.map((p) => p.partNumber), commands: commands.filter((c) => c.commandName !== 'endSessions') };
}
/** What the old filter answers. */
const byFilter = async (model: string) => (await parts.find({ fitsModels: model }).sort({ _id: 1 }).toArray()).map((p) => p._id);
const put = (partNumber: string, fitsModels: string[], extra: Record<string, unknown> = {}) =>
  callRoute(route('put', '/v1/parts/:partNumber'), { params: { partNumber }, body: { description: `Part ${partNumber}`, fitsModels, listPrice: 10, currency: 'EUR', ...extra }, principal: spares });

const catalogued = (i: number, fitsModels: string[]): PartDoc => ({ _id: `P-${String(i).padStart(5, '0')}`, description: `Part ${i}`, fitsModels, supersededBy: null, listPrice: 10, currency: 'EUR' });

beforeAll(async () => {
  const opened = await monitoredSpares(dbName, listener);
  ({ connection, store, models } = opened);
  parts = models.parts.collection as unknown as Collection<PartDoc>;
  modelParts = createModelParts(store, parts, () => new Date());
  routes = partRoutes(models, modelParts);
  // A catalogue stored before the models' lists: 400 parts over three models, some fitting two.
  await parts.insertMany(Array.from({ length: 400 }, (_, i) => catalogued(i, i % 10 === 0 ? ['FL-3015', 'FL-4020'] : [(['FL-3015', 'FL-4020', 'PB-100'] as const)[i % 3]!])));
});

afterAll(async () => {
  await connection?.dropDatabase();
  await connection?.close();
});

describe("a model's parts by _id", () => {
  it('lists the catalogue stored before once, then answers as the filter did, by _id only', async () => {
    expect(await buildModelPartsOnce(store, parts, () => new Date())).toBe(400);
    expect(await buildModelPartsOnce(store, parts, () => new Date())).toBe(-1);
    for (const model of ['FL-3015', 'FL-4020', 'PB-100', 'NO-SUCH-MODEL']) {
      const { numbers, commands } = await fitting(model, { cold: true });
      expect(numbers, model).toEqual(await byFilter(model));
      expect(scansOf(commands, { keyed, small }), model).toEqual([]);
      // The stamp and the model's list, then each part it names.
      expect(commandNames(commands).slice(0, 2).sort()).toEqual(['find catalogueStamp', 'find modelParts']);
      expect(commands).toHaveLength(2 + numbers.length);
      // Held: the stamp and the list alone.
      const again = await fitting(model);
      expect(again.numbers).toEqual(numbers);
      expect(commandNames((await fitting(model)).commands).sort()).toEqual(['find catalogueStamp', 'find modelParts']);
    }
    expect((await fitting('FL-3015')).numbers.length).toBeGreaterThan(100);
  });

  it('follows a part put through the API: a new one, one moved to another model, one that fits no model any more', async () => {
    // Another process holding PB-100's answer sees each put at its next read (the stamp changed).
    const other = partRoutes(models, createModelParts(store, parts, () => new Date())).find((r) => r.method === 'get' && r.path === '/v1/parts')!;
    const otherSees = async (model: string) => ((await callRoute(other, { query: { model }, principal: engineer })).body as { items: { partNumber: string; listPrice: number }[] }).items;
    await otherSees('PB-100');
    await put('P-00002', ['PB-100'], { listPrice: 99 }); // a new price, the same model
    expect((await otherSees('PB-100')).find((p) => p.partNumber === 'P-00002')?.listPrice).toBe(99);
    await put('P-NEW-1', ['PB-100', 'PB-200']);
    await put('P-00003', ['PB-200']); // was PB-100's
    await put('P-00000', []); // fitted FL-3015 and FL-4020
    for (const model of ['FL-3015', 'FL-4020', 'PB-100', 'PB-200']) expect((await fitting(model)).numbers, model).toEqual(await byFilter(model));
    expect((await otherSees('PB-100')).map((p) => p.partNumber)).toEqual(await byFilter('PB-100'));
    expect((await fitting('PB-200')).numbers).toEqual(['P-00003', 'P-NEW-1']);
    // A part that fits twenty models, listed under each (a few at once), then under none.
    const many = Array.from({ length: 20 }, (_, i) => `UNI-${i}`);
    await put('P-UNIVERSAL', many);
    for (const model of many) expect((await fitting(model)).numbers, model).toEqual(['P-UNIVERSAL']);
    await put('P-UNIVERSAL', []);
    for (const model of many) expect(JSON.parse((await store.modelParts.findOne({ _id: model }))!.partNumbers), model).toEqual([]);
    // Taken off the lists of the models it left, not only skipped.
    expect(JSON.parse((await store.modelParts.findOne({ _id: 'PB-100' }))!.partNumbers)).not.toContain('P-00003');
  });

  it('puts of one part at once leave it listed under the models it fits in the end', async () => {
    // The interleaving that loses an entry without the part's lock: both read that it fitted
    // RACE-Y; one moves it to RACE-Z and, once it wrote, waits while the other writes RACE-Y back
    // before it takes the part off RACE-Y. Each wait gives up after a second (with the lock, the
    // other put cannot start until this one is done).
    await put('P-RACE', ['RACE-Y']);
    const signal = () => {
      let done = () => undefined as void;
      const happened = new Promise<void>((resolve) => (done = resolve));
      return { done, waited: () => Promise.race([happened, new Promise<void>((resolve) => setTimeout(resolve, 1_000))]) };
    };
    const [movedWritten, backWritten] = [signal(), signal()];
    const write = (fitsModels: string[]) => parts.replaceOne({ _id: 'P-RACE' }, { description: 'Race', fitsModels, supersededBy: null, listPrice: 10, currency: 'EUR' }, { upsert: true });
    await Promise.all([
      modelParts.put('P-RACE', ['RACE-Z'], async () => {
        await write(['RACE-Z']);
        movedWritten.done();
        await backWritten.waited();
      }),
      modelParts.put('P-RACE', ['RACE-Y'], async () => {
        await movedWritten.waited();
        await write(['RACE-Y']);
        backWritten.done();
      }),
    ]);
    const fits = (await parts.findOne({ _id: 'P-RACE' }))!.fitsModels;
    expect(fits).toHaveLength(1);
    for (const model of ['RACE-Y', 'RACE-Z']) expect((await fitting(model)).numbers.includes('P-RACE'), model).toBe(fits.includes(model));
  });

  it('a put that died after listing its part skips it until the part fits; the BOM reads the same list', async () => {
    await modelParts.fitted('P-NEVER-WRITTEN', ['PB-200']);
    await modelParts.fitted('P-00006', ['PB-200']); // listed, then the process died before writing the part
    expect((await fitting('PB-200')).numbers).toEqual(await byFilter('PB-200'));
    const { result } = await recorded(() => callRoute(route('get', '/v1/bom'), { query: { model: 'FL-4020' }, principal: engineer }));
    const tree = (result.body as { items: { partNumber: string }[] }).items.map((n) => n.partNumber).sort();
    expect(tree).toEqual(await byFilter('FL-4020'));
  });

  it('reads the same commands with ten times the catalogue stored for other models', async () => {
    const before = await fitting('PB-200', { cold: true });
    await parts.insertMany(Array.from({ length: 4_000 }, (_, i) => catalogued(10_000 + i, ['OTHER-MODEL'])));
    const after = await fitting('PB-200', { cold: true });
    expect(after.numbers).toEqual(before.numbers);
    expect(commandNames(after.commands)).toEqual(commandNames(before.commands));
  });
});
