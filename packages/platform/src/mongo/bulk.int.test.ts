import { MongoClient, type CommandStartedEvent, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { uniqueName } from '../testing';
import { bulkWriteInChunks, maxStatementsPerCommand } from './bulk';

/**
 * On the real MongoDB-protocol server: a bulk update far above the 100 statements that wedge a
 * FerretDB v1 database goes out in bounded commands and is applied whole. (The wedge itself is not
 * reproduced here: it would hang the shared server for every other test until it restarts.)
 */
const stack = inject('stack');
let client: MongoClient;
let mongo: Db;
const updates: CommandStartedEvent[] = [];

beforeAll(async () => {
  client = await MongoClient.connect(stack.mongoUrl, { monitorCommands: true });
  client.on('commandStarted', (event) => {
    if (event.commandName === 'update') updates.push(event);
  });
  mongo = client.db(uniqueName('bulk'));
});
afterAll(async () => {
  await mongo?.dropDatabase();
  await client?.close();
});

describe('bulkWriteInChunks', () => {
  it('applies 250 updates as commands of at most maxStatementsPerCommand statements each', async () => {
    const docs = mongo.collection<{ _id: string; n: number }>('docs');
    await docs.insertMany(Array.from({ length: 250 }, (_, i) => ({ _id: `d${i}`, n: 0 })));
    updates.length = 0;
    await bulkWriteInChunks(docs, Array.from({ length: 250 }, (_, i) => ({ updateOne: { filter: { _id: `d${i}` }, update: { $set: { n: i + 1 } } } })), { ordered: false });

    const sizes = updates.map((e) => (e.command.updates as unknown[]).length);
    expect(sizes).toHaveLength(Math.ceil(250 / maxStatementsPerCommand));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(maxStatementsPerCommand);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(250);
    const stored = await docs.find({}).toArray();
    expect(stored).toHaveLength(250);
    expect(stored.every((d) => d.n === Number(d._id.slice(1)) + 1)).toBe(true);
  });

  it('an unordered write applies every other chunk past a failing statement, then throws; an ordered one stops there', async () => {
    const docs = mongo.collection<{ _id: string; n: unknown }>('mixed');
    await docs.insertMany(Array.from({ length: 40 }, (_, i) => ({ _id: `m${i}`, n: i === 3 ? 'text' : 0 })));
    // $inc on a string fails that one statement (m3, in the first chunk).
    const incAll = Array.from({ length: 40 }, (_, i) => ({ updateOne: { filter: { _id: `m${i}` }, update: { $inc: { n: 1 } } as never } }));

    await expect(bulkWriteInChunks(docs, incAll, { ordered: false })).rejects.toThrow();
    const afterUnordered = new Map((await docs.find({}).toArray()).map((d) => [d._id, d.n]));
    // The chunks after the failing one were all sent and applied. (Within the failing command,
    // MongoDB goes on past the bad statement; FerretDB v1 stops there: m4..m15 are left either way.)
    expect(Array.from({ length: 40 - 16 }, (_, i) => afterUnordered.get(`m${16 + i}`))).toEqual(Array(24).fill(1));
    expect(['m0', 'm1', 'm2'].map((id) => afterUnordered.get(id))).toEqual([1, 1, 1]);
    expect(afterUnordered.get('m3')).toBe('text');

    await expect(bulkWriteInChunks(docs, incAll, { ordered: true })).rejects.toThrow();
    const afterOrdered = await docs.find({}).toArray();
    // Ordered: m0..m2 applied, then the first chunk stopped at m3 and no later chunk was sent.
    expect(afterOrdered.filter((d) => d.n === 2).map((d) => d._id).sort()).toEqual(['m0', 'm1', 'm2']);
    expect(afterOrdered.find((d) => d._id === 'm16')?.n).toBe(1);
  });
});
