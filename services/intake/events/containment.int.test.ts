import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildEvent, type EventEnvelope } from '@aftersales/contracts';
import type { EventHandler } from '@aftersales/platform';
import { commandNames, commandRecorder, scansOf, testLogger, uniqueName, monitoredConnection } from '@aftersales/platform/testing';
import { containmentFor, createContainmentModel, type ContainmentModel } from '../store/containment';
import { liftedContainmentFlags, moveLiftedContainmentOnce } from '../store/containment-history';
import { containmentConsumer, createContainmentHandlers } from './containment';

/**
 * On the real Mongo server: `containmentFlags`, which registration and the machine page read whole,
 * holds only the flags in force; a lift moves its flag to `liftedContainmentFlags` by `_id` writes,
 * idempotently, and the flags lifted before that are moved once at start.
 */
const stack = inject('stack');
const ns = uniqueName('intake-containment');
const { listener, recorded } = commandRecorder();
const machine = { serialNumber: 'SN-5', model: 'FL-3015', productLine: 'laser' };

let mongo: Connection;
let flags: ContainmentModel;
let handlers: Record<'eight-d.containment-flagged@1' | 'eight-d.containment-lifted@1', EventHandler>;

const flagged = (flagId: string, eightDId = '8D-1') =>
  buildEvent('eight-d.containment-flagged@1', { eightDId, flagId, discipline: 'D3', scope: { model: 'FL-3015' }, instruction: `check ${flagId}`, carryParts: ['P-1'], flaggedAt: new Date().toISOString() }, { id: randomUUID(), occurredAt: new Date(), source: 'quality', subject: eightDId, correlationId: eightDId, causationId: null });
const lifted = (flagId: string, eightDId = '8D-1') =>
  buildEvent('eight-d.containment-lifted@1', { eightDId, flagId, liftedAt: new Date().toISOString() }, { id: randomUUID(), occurredAt: new Date(), source: 'quality', subject: eightDId, correlationId: eightDId, causationId: null });
const apply = (event: EventEnvelope) => handlers[`${event.type}@${event.version}` as keyof typeof handlers]({ event, topic: 't', partition: 0, offset: '0' } as never);

const active = async () => (await mongo.db!.collection('containmentFlags').find({}).toArray()).map((f) => f._id).sort();
const history = () => liftedContainmentFlags(flags).find({}).sort({ _id: 1 }).toArray();
const snapshot = async () => ({ active: await mongo.db!.collection('containmentFlags').find({}).sort({ _id: 1 }).toArray(), history: await history() });

beforeAll(async () => {
  mongo = await monitoredConnection(stack.mongoUrl, ns, listener);
  flags = createContainmentModel(mongo);
  await flags.init();
  handlers = createContainmentHandlers({ mongo, logger: testLogger() }, flags);
});

afterAll(async () => {
  await mongo?.dropDatabase();
  await mongo?.close();
});

describe("intake's containment flags", () => {
  it('keeps only the flags in force: a lift moves its flag to the history by _id writes, and a redelivered lift changes nothing', async () => {
    for (const id of ['F-1', 'F-2', 'F-3']) await apply(flagged(id));
    const liftOne = lifted('F-1');
    const { commands } = await recorded(() => apply(liftOne));
    await apply(lifted('F-2'));

    expect(await active()).toEqual(['F-3']);
    expect((await containmentFor(flags, machine)).map((w) => w.flagId)).toEqual(['F-3']);
    expect(await history()).toMatchObject([
      { _id: 'F-1', eightDId: '8D-1', discipline: 'D3', scope: { model: 'FL-3015' }, instruction: 'check F-1', carryParts: ['P-1'], liftedAt: new Date(liftOne.data.liftedAt), liftEventId: liftOne.id },
      { _id: 'F-2', instruction: 'check F-2' },
    ]);
    // The history first, the active flag's delete after; every filter an `_id`.
    expect(commandNames(commands).filter((n) => !n.endsWith(' inbox'))).toEqual(['find containmentFlags', 'insert liftedContainmentFlags', 'delete containmentFlags']);
    expect(scansOf(commands, { keyed: new Set(['inbox', 'containmentFlags', 'liftedContainmentFlags']), small: new Set() })).toEqual([]);

    // Redelivered: skipped by the inbox.
    const before = await snapshot();
    await apply(liftOne);
    expect(await snapshot()).toEqual(before);
    // Redelivered after a crash between the history's insert and the delete (no inbox entry yet): the move finishes, nothing else changes.
    const [entry] = before.history;
    await mongo.db!.collection('inbox').deleteOne({ _id: `${containmentConsumer}:${liftOne.id}` as never });
    await mongo.db!.collection('containmentFlags').insertOne({ ...entry!, liftedAt: null, liftEventId: undefined } as never);
    expect(await active()).toEqual(['F-1', 'F-3']);
    await apply(liftOne);
    expect(await snapshot()).toEqual(before);
    // Redelivered after the whole apply but before its inbox entry: nothing changes.
    await mongo.db!.collection('inbox').deleteOne({ _id: `${containmentConsumer}:${liftOne.id}` as never });
    await apply(liftOne);
    expect(await snapshot()).toEqual(before);
    // A flagged event for a lifted flag (a replay) does not raise it again.
    await apply(flagged('F-2'));
    expect(await snapshot()).toEqual(before);
  });

  it('a flag lifted before it is flagged never becomes active', async () => {
    await apply(lifted('F-EARLY', '8D-2'));
    await apply(flagged('F-EARLY', '8D-2'));
    expect(await active()).toEqual(['F-3']);
    expect((await containmentFor(flags, machine)).map((w) => w.flagId)).toEqual(['F-3']);
    expect((await history()).find((f) => f._id === 'F-EARLY')).toMatchObject({ eightDId: '8D-2', discipline: null, instruction: null, flaggedAt: null });
  });

  it('moves the flags lifted before lifts moved them out of the active flags, once', async () => {
    const builds = mongo.db!.collection<{ _id: string; builtAt: Date }>('readModelBuilds');
    const old = (id: string, liftedAt: Date | null) => ({ _id: id, eightDId: '8D-OLD', discipline: 'D7', scope: { productLine: 'laser' }, instruction: `old ${id}`, carryParts: [], flaggedAt: new Date(Date.now() - 86_400_000), liftedAt, sourceEventId: randomUUID() });
    const liftedAt = new Date(Date.now() - 3_600_000);
    await mongo.db!.collection('containmentFlags').insertMany([old('F-OLD-1', liftedAt), old('F-OLD-2', liftedAt), old('F-OLD-3', null)] as never[]);
    expect((await containmentFor(flags, machine)).map((w) => w.flagId).sort()).toEqual(['F-3', 'F-OLD-3']);

    expect(await moveLiftedContainmentOnce(flags, builds, new Date())).toBe(true);
    expect(await active()).toEqual(['F-3', 'F-OLD-3']);
    expect((await history()).filter((f) => f.eightDId === '8D-OLD')).toMatchObject([
      { _id: 'F-OLD-1', instruction: 'old F-OLD-1', liftedAt, liftEventId: null },
      { _id: 'F-OLD-2', instruction: 'old F-OLD-2', liftedAt, liftEventId: null },
    ]);
    expect(await builds.findOne({ _id: 'lifted-containment-flags@1' })).not.toBeNull();
    // Once: a second start reads the marker only.
    const { result, commands } = await recorded(() => moveLiftedContainmentOnce(flags, builds, new Date()));
    expect(result).toBe(false);
    expect(commandNames(commands)).toEqual(['find readModelBuilds']);
    // A moved flag's flagged event, replayed, does not raise it again; its lift, replayed, changes nothing.
    const before = await snapshot();
    await apply(flagged('F-OLD-1', '8D-OLD'));
    await apply(lifted('F-OLD-2', '8D-OLD'));
    expect(await snapshot()).toEqual(before);
  });
});
