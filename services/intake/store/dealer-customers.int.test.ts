import type { Connection, mongo as driver } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { isDuplicateKeyError, shardOf } from '@aftersales/platform';
import { commandRecorder, commandNames, scansOf, uniqueName, monitoredConnection } from '@aftersales/platform/testing';
import { namespacedTopic } from '@aftersales/contracts';
import { loadDemoData } from './demo-data';
import { visibleCustomerIds } from './installed-base';
import { createIntakeModels, type CustomerDoc, type IntakeModels } from './models';
import { readModelsOf } from './read-models';

/** On the real Mongo server: a dealer's customers, read by `_id` from its lists, are what the filter over every customer finds. */
const stack = inject('stack');
const ns = uniqueName('intake-dealer-cust');
const keyed = new Set(['customers', 'dealerCustomers']);
const { listener, recorded } = commandRecorder();

let mongo: Connection;
let models: IntakeModels;
let customers: driver.Collection<CustomerDoc>;

const customer = (id: string, dealerId: string | null): CustomerDoc => ({ _id: id, name: id, class: dealerId ? 'indirect' : 'standard', dealerId, contacts: [], sites: [] });
const dealer = (dealerId: string) => ({ kind: 'dealer', dealerId }) as const;
/** What the list endpoints read before: every customer naming the dealer. */
const byFilter = async (dealerId: string) => (await customers.find({ dealerId }, { projection: { _id: 1 } }).toArray()).map((c) => c._id).sort();
const visible = async (dealerId: string) => visibleCustomerIds(models, dealer(dealerId));
/** The customer's entry in a dealer's list as stored (which shard holds it, and whether pending). */
const shardDoc = (dealerId: string, customerId: string) => mongo.db!.collection<{ _id: string; customers: string; pending: string }>('dealerCustomers').findOne({ _id: `${dealerId}|${shardOf(customerId, 16)}` });
/** Creates a customer as POST /v1/customers does. */
const create = (doc: CustomerDoc) => readModelsOf(models).dealerCustomers.writing(doc._id, [doc.dealerId], () => customers.insertOne(doc));

beforeAll(async () => {
  mongo = await monitoredConnection(stack.mongoUrl, ns, listener);
  models = createIntakeModels(mongo);
  await Promise.all(Object.values(models).map((m) => m.init()));
  customers = models.customers.collection as unknown as driver.Collection<CustomerDoc>;
});

afterAll(async () => {
  await mongo?.dropDatabase();
  await mongo?.close();
});

describe("a dealer's customers", () => {
  it('lists the customers stored before the lists once, then reads them by _id only, as the filter found them', async () => {
    // Stored before the lists existed: 60 of D-1, 25 of D-2, 15 served directly.
    const legacy = Array.from({ length: 100 }, (_, i) => customer(`OLD-${String(i).padStart(3, '0')}`, i < 60 ? 'D-1' : i < 85 ? 'D-2' : null));
    await customers.insertMany(legacy);
    const lists = readModelsOf(models).dealerCustomers;
    expect(await lists.buildOnce(new Date())).toBe(true);
    expect(await lists.buildOnce(new Date())).toBe(false);

    const { result, commands } = await recorded(() => visible('D-1'));
    expect(result).toHaveLength(60);
    expect(result).toEqual(await byFilter('D-1'));
    expect(await visible('D-2')).toEqual(await byFilter('D-2'));
    expect(await visible('D-NONE')).toEqual([]);
    // The dealer's 16 list documents by `_id`, nothing else: no customer read, no filter.
    expect(scansOf(commands, { keyed, small: new Set() })).toEqual([]);
    expect(commandNames(commands)).toEqual(Array.from({ length: 16 }, () => 'find dealerCustomers'));
    expect(await visibleCustomerIds(models, { kind: 'all' })).toBeNull();
  });

  it('lists a customer created for a dealer, and not one refused as a duplicate for another dealer', async () => {
    await create(customer('NEW-1', 'D-1'));
    await create(customer('NEW-2', null));
    const refused = await create(customer('NEW-1', 'D-2')).catch((error: unknown) => error);
    expect(isDuplicateKeyError(refused)).toBe(true);
    expect(await visible('D-1')).toContain('NEW-1');
    expect(await visible('D-1')).toEqual(await byFilter('D-1'));
    expect(await visible('D-2')).toEqual(await byFilter('D-2'));
    // Settled: nothing left pending, so reads need no customer lookups.
    expect(JSON.parse((await shardDoc('D-2', 'NEW-1'))?.pending ?? '{}')).toEqual({});
    expect(JSON.parse((await shardDoc('D-1', 'NEW-1'))!.pending)).toEqual({});
  });

  it('moves a customer from one dealer to another, and to none', async () => {
    const lists = readModelsOf(models).dealerCustomers;
    expect(await lists.move('OLD-000', 'D-2')).toBe(true);
    expect(await visible('D-1')).not.toContain('OLD-000');
    expect(await visible('D-2')).toContain('OLD-000');
    expect(await lists.move('OLD-001', null)).toBe(true);
    expect(await lists.move('OLD-090', 'D-1')).toBe(true);
    expect(await lists.move('NOBODY', 'D-1')).toBe(false);
    for (const d of ['D-1', 'D-2']) expect(await visible(d)).toEqual(await byFilter(d));
    expect(await visible('D-1')).not.toContain('OLD-001');
    expect(await visible('D-1')).toContain('OLD-090');
    // A customer moved back and forth ends where its record says.
    await Promise.all([lists.move('OLD-002', 'D-2'), lists.move('OLD-002', 'D-1'), lists.move('OLD-002', 'D-2')]);
    for (const d of ['D-1', 'D-2']) expect(await visible(d)).toEqual(await byFilter(d));
  });

  it('never shows a customer to the wrong dealer when a move stopped between its writes, and settles what a dead writer left', async () => {
    // A move of OLD-003 from D-1 to D-2 that died after marking both lists and writing the record,
    // before settling: D-1's entry and D-2's both pending, the record naming D-2.
    const lists = mongo.db!.collection<{ _id: string; customers: string; pending: string }>('dealerCustomers');
    const markPending = async (dealerId: string, id: string, at: Date) => {
      const key = `${dealerId}|${shardOf(id, 16)}`;
      const doc = await lists.findOne({ _id: key });
      const listed = (JSON.parse(doc?.customers ?? '[]') as string[]).filter((c) => c !== id);
      await lists.updateOne({ _id: key }, { $set: { customers: JSON.stringify(listed), pending: JSON.stringify({ ...JSON.parse(doc?.pending ?? '{}'), [id]: at.toISOString() }) } }, { upsert: true });
    };
    const now = new Date();
    await markPending('D-1', 'OLD-003', now);
    await markPending('D-2', 'OLD-003', now);
    await customers.updateOne({ _id: 'OLD-003' }, { $set: { dealerId: 'D-2' } });
    expect(await visible('D-1')).not.toContain('OLD-003');
    expect(await visible('D-2')).toContain('OLD-003');
    // And one that died before writing the record: the record still names D-1.
    await markPending('D-1', 'OLD-004', now);
    await markPending('D-2', 'OLD-004', now);
    for (const d of ['D-1', 'D-2']) expect(await visible(d)).toEqual(await byFilter(d));
    // Still pending (a live write might hold them): a read checks each by `_id`, and only those.
    const { commands } = await recorded(() => visible('D-2'));
    expect(commandNames(commands).filter((c) => c === 'find customers')).toHaveLength(2);
    expect(scansOf(commands, { keyed, small: new Set() })).toEqual([]);

    // Left longer than any lock's lease: the next read settles them under the customer's lock.
    const old = new Date(Date.now() - 10 * 60_000);
    for (const id of ['OLD-003', 'OLD-004']) for (const d of ['D-1', 'D-2']) await markPending(d, id, old);
    for (const d of ['D-1', 'D-2']) expect(await visible(d)).toEqual(await byFilter(d));
    for (const id of ['OLD-003', 'OLD-004']) {
      for (const d of ['D-1', 'D-2']) {
        const doc = await shardDoc(d, id);
        expect(JSON.parse(doc!.pending)).not.toHaveProperty(id);
        expect((JSON.parse(doc!.customers) as string[]).includes(id)).toBe((await customers.findOne({ _id: id }))!.dealerId === d);
      }
    }
  });

  it("lists the demo data's end customers under their dealers, loaded once or twice", async () => {
    const deps = { topic: (name: string) => namespacedTopic(ns, name), now: () => new Date() };
    await loadDemoData(models, new Date(), deps);
    await loadDemoData(models, new Date(), deps);
    expect(await visible('DLR-0001')).toEqual(['CUST-0002']);
    expect(await visible('DLR-0002')).toEqual(['CUST-0003']);
  });
});
