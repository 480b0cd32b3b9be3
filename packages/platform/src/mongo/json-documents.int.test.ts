import { MongoClient, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { commandNames, commandRecorder, uniqueName } from '../testing';
import { createJsonDocuments, unchanged } from './json-documents';
import type { KeyLockDoc } from './key-locks';

interface ListDoc {
  _id: string;
  items: string;
  notes: string;
  updatedAt?: Date;
}

interface List {
  items: number[];
  notes: Record<string, string>;
}

/** JSON documents on the real MongoDB-protocol server (FerretDB v1): racing writers, reads of what is stored, changes that write nothing. */
const stack = inject('stack');
const recorder = commandRecorder();
let client: MongoClient;
let db: Db;

beforeAll(async () => {
  client = await MongoClient.connect(stack.mongoUrl, { monitorCommands: true });
  client.on('commandStarted', recorder.listener);
  db = client.db(uniqueName('json-docs'));
});
afterAll(async () => {
  await db?.dropDatabase();
  await client?.close();
});

/** One process's view: its own lock holder over the shared collections. */
const listsOf = (name: string) =>
  createJsonDocuments<List, ListDoc>(db.collection<ListDoc>(`${name}Lists`), db.collection<KeyLockDoc>(`${name}Locks`), {
    what: 'list',
    now: () => new Date(),
    empty: () => ({ items: [], notes: {} }),
    lockKey: (key) => `list|${key}`,
  });

describe('JSON documents', () => {
  it('reads the empty value for an absent key and each field as stored, and writes each field as one JSON string', async () => {
    const lists = listsOf('shape');
    expect(await lists.read('L-1')).toEqual({ items: [], notes: {} });
    // A document written before, one field missing: that field reads as empty.
    await db.collection<ListDoc>('shapeLists').insertOne({ _id: 'L-OLD', items: '[7]' } as ListDoc);
    expect(await lists.read('L-OLD')).toEqual({ items: [7], notes: {} });
    const at = new Date(Date.now() - 60_000); // any instant: stored beside the JSON as given
    expect(await lists.change('L-1', (l) => ({ ...l, notes: { 'a.b': 'dotted' } }), { updatedAt: at })).toEqual({ items: [], notes: { 'a.b': 'dotted' } });
    expect(await db.collection<ListDoc>('shapeLists').findOne({ _id: 'L-1' })).toEqual({ _id: 'L-1', items: '[]', notes: '{"a.b":"dotted"}', updatedAt: at });
    expect(await db.collection('shapeLocks').countDocuments({})).toBe(0);
  });

  it('keeps every change of one key made at once by two processes', async () => {
    const [one, two] = [listsOf('race'), listsOf('race')];
    const added = Array.from({ length: 30 }, (_, n) => n);
    await Promise.all(added.map((n) => (n % 2 ? one : two).change('L-RACE', (l) => ({ ...l, items: [...l.items, n] }))));
    expect((await one.read('L-RACE')).items.sort((a, b) => a - b)).toEqual(added);
    expect(await db.collection('raceLocks').countDocuments({})).toBe(0);
  });

  it('writes nothing for a change that returns unchanged: the lock and one read', async () => {
    const lists = listsOf('quiet');
    await lists.change('L-Q', (l) => ({ ...l, items: [1] }));
    const held = await recorder.recorded(() => lists.change('L-Q', (l) => (l.items.includes(1) ? unchanged : { ...l, items: [...l.items, 1] })));
    expect(held.result).toEqual({ items: [1], notes: {} });
    expect(commandNames(held.commands)).toEqual(['insert quietLocks', 'find quietLists', 'delete quietLocks']);
    const already = await recorder.recorded(() => lists.holding('L-Q', () => lists.changeHeld('L-Q', () => unchanged)));
    expect(commandNames(already.commands)).toEqual(['insert quietLocks', 'find quietLists', 'delete quietLocks']);
    const written = await recorder.recorded(() => lists.change('L-Q', (l) => ({ ...l, items: [...l.items, 2] })));
    expect(commandNames(written.commands)).toEqual(['insert quietLocks', 'find quietLists', 'update quietLists', 'delete quietLocks']);
  });
});
