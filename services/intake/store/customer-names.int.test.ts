import type { Connection, mongo as driver } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { commandRecorder, scansOf, uniqueName, monitoredConnection } from '@aftersales/platform/testing';
import { namePattern } from './customer-names';
import { createIntakeModels, type CustomerDoc, type IntakeModels } from './models';
import { readModelsOf } from './read-models';

/** On the real Mongo server: the name search reads buckets and customers by `_id`, and finds what the regex over every customer found. */
const stack = inject('stack');
const ns = uniqueName('intake-cust-names');
const keyed = new Set(['customers', 'customerNames', 'customerNameKeys']);
const { listener, recorded } = commandRecorder();

let mongo: Connection;
let models: IntakeModels;
let customers: driver.Collection<CustomerDoc>;

const customer = (id: string, name: string, dealerId: string | null = null): CustomerDoc => ({ _id: id, name, class: dealerId ? 'indirect' : 'standard', dealerId, contacts: [], sites: [] });
/** What the search read before: a case-insensitive prefix regex over every customer, by id. */
const byFilter = async (prefix: string, limit = 50) => (await customers.find({ name: { $regex: namePattern(prefix).source, $options: 'i' } }).sort({ _id: 1 }).limit(limit).toArray()).map((c) => c._id);
const named = async (prefix: string, limit = 50) => (await readModelsOf(models).customerNames.named(prefix, { limit })).map((c) => c._id);
/** Creates a customer as POST /v1/customers does: noted, then inserted. */
const create = async (doc: CustomerDoc) => {
  await readModelsOf(models).customerNames.note([{ id: doc._id, name: doc.name }]);
  await customers.insertOne(doc);
};

const towns = ['Jiangnan', 'jiangyin', 'Müller', 'MÜNCHEN', 'Ørsted', 'Šumava', 'A', 'Ab', 'Acme', 'acme', '(Paren)', 'a.b', '江南', 'Pudong'];
const trades = ['Precision', 'Sheet Metal', 'Werkzeugbau', 'Laser', 'Tools'];

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

describe('customers by name', () => {
  it('notes the customers stored before the buckets once, then finds by _id what the regex found, in any case and length', async () => {
    // Stored before the buckets existed.
    const legacy = towns.flatMap((town, t) => trades.map((trade, r) => customer(`C-L-${t}-${r}`, r === 0 ? town : `${town} ${trade}`)));
    await customers.insertMany(legacy);
    expect(await readModelsOf(models).customerNames.buildOnce(new Date())).toBe(true);
    expect(await readModelsOf(models).customerNames.buildOnce(new Date())).toBe(false);
    // Created after, as the API does; the ids interleave with the legacy ones.
    for (const [i, town] of towns.entries()) await create(customer(`C-A-${i}`, `${town} Service ${i}`));

    const prefixes = ['j', 'J', 'jiang', 'JIANGNAN P', 'mü', 'MÜ', 'münchen', 'ø', 'š', 'a', 'A', 'ab', 'acme', 'ACME T', '(', '(p', 'a.', 'a.b', '江', '江南', 'p', 'zz', 'x'];
    const { result, commands } = await recorded(() => Promise.all(prefixes.map((p) => named(p))));
    for (const [i, p] of prefixes.entries()) expect(result[i], p).toEqual(await byFilter(p));
    expect(result[prefixes.indexOf('jiang')]!.length).toBeGreaterThan(5);
    expect(result[prefixes.indexOf('zz')]).toEqual([]);
    expect(scansOf(commands, { keyed, small: new Set() })).toEqual([]);
    // A limit cuts the first by id, as the sorted filter did.
    expect(await named('a', 3)).toEqual(await byFilter('a', 3));
  });

  it('skips a noted id no customer was stored under, and a second name noted for a taken id', async () => {
    // A crash between the note and the insert: the id names nothing.
    await readModelsOf(models).customerNames.note([{ id: 'C-GHOST', name: 'Ghost Works' }]);
    await create(customer('C-REAL', 'Ghostly Machining'));
    // A create refused because the id is taken: noted under the new name, stored under the old one.
    await readModelsOf(models).customerNames.note([{ id: 'C-REAL', name: 'Ghost Tools' }]);
    expect(await named('ghost')).toEqual(['C-REAL']);
    expect(await named('ghost t')).toEqual([]);
    expect(await named('Ghostly')).toEqual(['C-REAL']);
    expect(await byFilter('ghost')).toEqual(['C-REAL']);
  });

  it('notes ids that name members every object inherits, as any other', async () => {
    for (const id of ['constructor', 'toString', 'hasOwnProperty']) await create(customer(id, `Inherited ${id}`));
    expect(await named('inherited')).toEqual(['constructor', 'hasOwnProperty', 'toString']);
  });

  it('lists customers A to Z by name (then id) from the buckets by _id, as sorting every customer did, a class too', async () => {
    const all = await customers.find({}).toArray();
    const byName = (a: CustomerDoc, b: CustomerDoc) => {
      const [x, y] = [a.name.toLowerCase(), b.name.toLowerCase()];
      return x < y ? -1 : x > y ? 1 : a._id < b._id ? -1 : a._id > b._id ? 1 : 0;
    };
    const { result, commands } = await recorded(() => readModelsOf(models).customerNames.alphabetical({ limit: 40 }));
    expect(result.map((c) => c._id)).toEqual(all.sort(byName).slice(0, 40).map((c) => c._id));
    expect(scansOf(commands, { keyed, small: new Set() })).toEqual([]);
    await customers.updateMany({ name: { $regex: '^(Ab|Jiang)' } }, { $set: { class: 'key_account' } });
    const keyAccounts = (await customers.find({ class: 'key_account' }).toArray()).sort(byName).map((c) => c._id);
    expect(keyAccounts.length).toBeGreaterThan(10);
    const listed = await readModelsOf(models).customerNames.alphabetical({ keep: (c) => c.class === 'key_account', limit: 1000 });
    expect(listed.map((c) => c._id)).toEqual(keyAccounts);
  });

  it('loses no customer when many are noted in one bucket at once', async () => {
    const many = Array.from({ length: 24 }, (_, i) => customer(`C-RACE-${String(i).padStart(2, '0')}`, `Racing Parts ${i}`));
    await Promise.all(many.map(create));
    expect(await named('racing p')).toEqual(many.map((c) => c._id));
  });
});
