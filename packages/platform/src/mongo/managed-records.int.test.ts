import { MongoClient, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ConflictError, UnprocessableError } from '../errors';
import { uniqueName } from '../testing';
import { managedRecords, type HeadDoc, type ManagedKind, type VersionDoc } from './managed-records';

interface Rule {
  threshold: number;
}

/** Versioned records on the real MongoDB-protocol server: racing writers, a writer dying half-way, reads at an instant. */
const stack = inject('stack');
let client: MongoClient;
let mongo: Db;

function kindIn(db: Db, name: string): ManagedKind<Rule> {
  return {
    what: 'rule',
    heads: db.collection<HeadDoc>(`${name}Heads`),
    versions: db.collection<VersionDoc<Rule>>(`${name}Versions`),
    check: (body) => (typeof (body as Rule | null)?.threshold === 'number' && (body as Rule).threshold > 0 ? [] : [{ field: 'threshold', message: 'must be a positive number' }]),
  };
}

beforeAll(async () => {
  client = await MongoClient.connect(stack.mongoUrl);
  mongo = client.db(uniqueName('managed'));
});
afterAll(async () => {
  await mongo?.dropDatabase();
  await client?.close();
});

describe('managed records', () => {
  it('keeps every version with who, when and why, and answers the version in force at an instant', async () => {
    // Instants from the wall clock's day, so the test reads the same on any date.
    const day = 86_400_000;
    const t0 = Math.floor(Date.now() / day) * day;
    const at = (days: number) => new Date(t0 + days * day);
    let clock = at(0);
    const rules = managedRecords(kindIn(mongo, 'history'), () => clock);
    await rules.seed({ 'repeat-failures': { threshold: 3 } }, clock);
    await rules.seed({ 'repeat-failures': { threshold: 99 } }, clock); // a second start changes nothing
    clock = at(22);
    await rules.amend('repeat-failures', { body: { threshold: 2 }, reason: 'tighter for the new model', effectiveFrom: at(50) }, 'P-QUALITY');
    expect((await rules.history('repeat-failures')).map((v) => [v.version, v.changedBy, v.reason])).toEqual([
      [1, 'seed', 'the values the platform ships with'],
      [2, 'P-QUALITY', 'tighter for the new model'],
    ]);
    expect((await rules.inForce('repeat-failures', at(36)))).toMatchObject({ version: 1, body: { threshold: 3 } });
    expect((await rules.inForce('repeat-failures', at(50)))).toMatchObject({ version: 2, body: { threshold: 2 } });
    await expect(rules.amend('repeat-failures', { body: { threshold: 0 }, reason: 'zero' }, 'P-QUALITY')).rejects.toMatchObject({ status: 422, field: 'body.threshold' });
    await expect(rules.amend('repeat-failures', { body: { threshold: 4 }, reason: 'back', effectiveFrom: at(-9) }, 'P-QUALITY')).rejects.toBeInstanceOf(UnprocessableError);
  });

  it('two writers amending the same version: one is stored, the other gets 409, nothing is half-written', async () => {
    const now = () => new Date();
    const a = managedRecords(kindIn(mongo, 'race'), now);
    const b = managedRecords(kindIn(mongo, 'race'), now);
    await a.seed({ r: { threshold: 1 } }, now());
    const results = await Promise.allSettled([
      a.amend('r', { body: { threshold: 5 }, reason: 'writer a', expectedVersion: 1 }, 'a'),
      b.amend('r', { body: { threshold: 6 }, reason: 'writer b', expectedVersion: 1 }, 'b'),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(ConflictError);
    const history = await a.history('r');
    expect(history.map((v) => v.version)).toEqual([1, 2]);
    await expect(b.amend('r', { body: { threshold: 7 }, reason: 'stale', expectedVersion: 1 }, 'b')).rejects.toMatchObject({ status: 409, field: 'expectedVersion' });
  });

  it('a version stored by a writer that died before its head update is found and rolled forward', async () => {
    const kind = kindIn(mongo, 'crash');
    const rules = managedRecords(kind, () => new Date());
    await rules.seed({ r: { threshold: 1 } }, new Date());
    // The writer's first write landed, its second never did.
    await kind.versions.insertOne({ _id: 'r@2', recordId: 'r', version: 2, body: { threshold: 8 }, effectiveFrom: new Date(), changedAt: new Date(), changedBy: 'gone', reason: 'died after this' });
    const fresh = managedRecords(kind, () => new Date());
    expect(await fresh.inForce('r', new Date())).toMatchObject({ version: 2, body: { threshold: 8 }, changedBy: 'gone' });
    expect((await kind.heads.findOne({ _id: 'r' }))?.version).toBe(2);
    expect((await fresh.amend('r', { body: { threshold: 9 }, reason: 'next', expectedVersion: 2 }, 'me')).version).toBe(3);
  });
});
