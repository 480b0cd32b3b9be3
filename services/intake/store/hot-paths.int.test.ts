import mongoose, { type Connection, type mongo as driver } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { namespacedTopic, topics } from '@aftersales/contracts';
import { createEventProducer, createKafka, createOutboxRelay, ensureTopics, indexedOutbox, type EventProducer, type OutboxRelay } from '@aftersales/platform';
import { deleteTopics, startTopicReader, testLogger, uniqueName, type TopicReader, commandRecorder, scansOf, monitoredConnection } from '@aftersales/platform/testing';
import type { RegistrationInput } from '../domain/registration';
import { createIntakeModels, type ContractDoc, type IntakeModels, type ServiceRequestDoc } from './models';
import { boardEntries, intakeReadModels, linkContract, openRequestsOn, readModelsOf, syncBoardEntry } from './read-models';
import { createBoardCache } from './sla-board-store';
import { createRegistrar, type Registrar } from './registrar';
import { knownFixCandidates, upsertKnownFix } from './known-fixes';

/**
 * FerretDB v1 pushes down only a filter that is exactly `{ _id: <string> }`; anything else reads
 * the whole collection. This counts, through the driver's command monitoring, the Mongo commands
 * of a registration and of the relay publishing it, and holds every read and write of a collection
 * that grows with the requests to an `_id` filter, so the path stays as fast with a year's data.
 */
const stack = inject('stack');
const ns = uniqueName('intake-hot');
const logger = testLogger();
const day = 86_400_000;
/** Collections that grow with requests (or with the installed base): `_id` filters only. */
const keyed = new Set(['serviceRequests', 'serviceRequestEvents', 'customers', 'machines', 'serviceContracts', 'machineOpenRequests', 'customerContractLinks', 'requestKeys', 'knownFixes', 'knownFixStamps']);
/** Small by construction: the pending index (what is not yet relayed), leases and locks in use, quality's active flags. */
const small = new Set(['outboxPending', 'outboxLeases', 'machineOpenRequestLocks', 'slaBoardShards', 'slaBoardVersions', 'slaBoardLocks', 'containmentFlags']);

let mongo: Connection;
let models: IntakeModels;
let registrar: Registrar;
let producer: EventProducer;
let relay: OutboxRelay;
let reader: TopicReader;
const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: ns, logger });
const topic = namespacedTopic(ns, topics.serviceRequests);
const { listener, recorded } = commandRecorder();
const scans = (commands: driver.CommandStartedEvent[]) => scansOf(commands, { keyed, small });

const article = (articleId: string, models: string[]) => ({
  articleId, version: 1, title: `Fix ${articleId}`, models, symptom: 'Nozzle cracks after a collision', cause: 'Worn nozzle', fix: 'Replace the nozzle', parts: [], publishedAt: new Date().toISOString(),
});
const registration = (over: Partial<RegistrationInput> = {}): RegistrationInput => ({
  customerId: 'C-1',
  contact: { name: 'Ada', phone: '+86 21 5555 0101' },
  channel: 'phone',
  serialNumber: 'CUT-1',
  symptom: 'Laser source gives no output, alarm 1023',
  neededBy: new Date(Date.now() + 2 * day),
  ...over,
});

const command = (input: RegistrationInput, key: string | null) => ({
  input,
  idempotencyKey: key,
  checkFingerprint: true,
  registeredBy: 'agent-1',
  correlationId: 'corr',
  causationId: 'req',
  scope: { kind: 'all' } as const,
});

/** Stored requests, as a year of them would be: most closed, on many machines. */
async function storeRequests(count: number, from: number): Promise<void> {
  const now = Date.now();
  const docs = Array.from({ length: count }, (_, i) => ({
    _id: `SR-OLD-${from + i}`,
    customerId: 'C-1',
    contact: { name: 'Ada', phone: '+86 21 5555 0101' },
    channel: 'phone',
    serialNumber: i % 3 === 0 ? 'CUT-1' : `OTHER-${i % 50}`,
    symptom: `Old fault ${i}`,
    raisedAt: new Date(now - (i + 1) * 3_600_000),
    neededBy: new Date(now - i * 3_600_000),
    status: 'closed',
    registeredAt: new Date(now - (i + 1) * 3_600_000),
    registeredBy: 'agent-1',
    correlationId: `c-${from + i}`,
    idempotencyKey: `SR-OLD-${from + i}`,
    requestFingerprint: 'x',
    workflow: null,
    dispatchedAt: null,
    owner: null,
    solvedAt: null,
    acceptedAt: null,
  }));
  await models.serviceRequests.collection.insertMany(docs as never[]);
}

beforeAll(async () => {
  await ensureTopics(kafka, [topic]);
  mongo = await monitoredConnection(stack.mongoUrl, ns, listener);
  models = createIntakeModels(mongo);
  await Promise.all(Object.values(models).map((m) => m.init()));
  const start = new Date(Date.now() - 30 * day);
  await models.customers.collection.insertOne({ _id: 'C-1', name: 'Acme', class: 'key_account', dealerId: null, contacts: [{ name: 'Ada', phone: '+86 21 5555 0101' }], sites: [] } as never);
  await models.machines.collection.insertOne({ _id: 'CUT-1', customerId: 'C-1', model: 'FL-3015', productLine: 'laser', status: 'active', parentSerial: null, warranty: null } as never);
  const contract: ContractDoc = {
    _id: 'SC-1', customerId: 'C-1', name: 'Full service', type: 'premium', status: 'active', coveredSerials: 'all', start, end: new Date(Date.now() + 300 * day),
    responseMode: 'on-site', slaPolicyId: 'contract-premium', calendarId: '24x7', covers: { parts: true, labour: true, travel: true }, createdAt: start, createdBy: 'test',
  };
  await linkContract(readModelsOf(models), 'C-1', 'SC-1');
  await models.contracts.collection.insertOne(contract as never);
  await storeRequests(60, 0);
  const deps = { topic: (name: string) => namespacedTopic(ns, name), nudgeOutbox: () => undefined, now: () => new Date(), logger };
  registrar = createRegistrar(deps, models);
  producer = await createEventProducer(kafka);
  relay = createOutboxRelay({
    collections: [indexedOutbox(models.serviceRequests.collection as never)],
    leases: mongo.db!.collection('outboxLeases'),
    producer,
    logger,
    pollMs: 60_000,
  });
  reader = await startTopicReader(kafka, [topic]);
});

afterAll(async () => {
  await reader?.stop();
  await producer?.disconnect();
  await mongo?.dropDatabase();
  await mongo?.close();
  await deleteTopics(kafka, [topic]).catch(() => undefined);
});

describe('registration reads and writes by _id only', () => {
  it('registers in a bounded number of commands, none a filter FerretDB would scan, the same with more stored', async () => {
    // A process that has run a while: its copy of the known fixes loaded (the first read loads them whole).
    await knownFixCandidates(models, null);
    const first = await recorded(() => registrar.register(command(registration(), 'hot-key-0001')));
    expect(first.result.created).toBe(true);
    expect(first.result.record.entitlement).toMatchObject({ source: { kind: 'contract', contractId: 'SC-1' } });
    expect(scans(first.commands)).toEqual([]);
    // Idempotency key, customer, machine, 2 contract links (the second missing) and the contract,
    // the machine's open requests, the known fixes' stamp, containment flags, the record and the machine's
    // lock taken at once, its pending entry, the key and the machine's open requests written, the
    // lock released.
    expect(first.commands.length).toBeLessThanOrEqual(15);
    process.stdout.write(`registration: ${first.commands.length} Mongo commands: ${first.commands.map((c) => `${c.commandName} ${String((c.command as Record<string, unknown>)[c.commandName])}`).join(', ')}\n`);

    await storeRequests(300, 1000);
    const second = await recorded(() => registrar.register(command(registration({ symptom: 'No laser output again, alarm 1023' }), 'hot-key-0002')));
    expect(second.result.record.duplicateOf).toBe(first.result.record._id);
    expect(scans(second.commands)).toEqual([]);
    expect(second.commands.length).toBe(first.commands.length);
  });

  it('answers a repeated Idempotency-Key from its key and record by _id, reading beside them only what a new registration reads first, writing nothing', async () => {
    const input = registration({ symptom: 'Chiller alarm' });
    const original = await registrar.register(command(input, 'hot-key-0003'));
    const replay = await recorded(() => registrar.register(command(input, 'hot-key-0003')));
    expect(replay.result).toMatchObject({ created: false, record: { _id: original.record._id } });
    const names = replay.commands.map((c) => `${c.commandName} ${String((c.command as Record<string, unknown>)[c.commandName])}`);
    expect(names).toEqual(expect.arrayContaining(['find requestKeys', 'find serviceRequests']));
    expect(names.filter((n) => !n.startsWith('find '))).toEqual([]);
    expect(scans(replay.commands)).toEqual([]);
    // The key, the customer, the machine, the contract links (two at once) and the machine's open
    // requests go out together; the record after the key; maybe the contract after its link.
    expect(names.length).toBeLessThanOrEqual(8);
  });

  it('relays the registered events from the pending index, touching the records by _id only', async () => {
    const { result: published, commands } = await recorded(() => relay.drain());
    expect(published).toBeGreaterThanOrEqual(3);
    expect(scans(commands)).toEqual([]);
    const records = await models.serviceRequests.collection.find({ outbox: { $exists: true } }).toArray();
    expect(records).toEqual([]);
    expect(await mongo.db!.collection('outboxPending').countDocuments()).toBe(0);
    const ids = (await models.serviceRequests.collection.find({ _id: { $not: /^SR-OLD/ } as never }).toArray()).map((d) => (d as unknown as ServiceRequestDoc)._id);
    const found = await reader.waitFor(ids.length, 'registered events of the new requests', (m) => ids.includes(m.key ?? ''));
    expect(new Set(found.map((m) => m.key))).toEqual(new Set(ids));
  });

  it('finds a record whose pending entry was never written (a writer died between its inserts) by the sweep', async () => {
    const { record } = await registrar.register(command(registration({ symptom: 'Nozzle crash' }), 'hot-key-0004'));
    await mongo.db!.collection('outboxPending').deleteMany({});
    expect(await relay.drain()).toBe(0);
    // The sweep leaves documents younger than its grace period to their writers.
    await models.serviceRequests.collection.updateOne({ _id: record._id as never }, { $set: { outboxDueAt: new Date(Date.now() - 60_000) } });
    expect(await relay.sweep()).toBe(1);
    expect(await relay.drain()).toBe(1);
    await reader.waitFor(1, 'the swept request\'s event', (m) => m.key === record._id);
  });

  it('registers first requests on a new machine at once, each listed on the machine (its entry is inserted by one, updated by the rest)', async () => {
    await models.machines.collection.insertOne({ _id: 'CUT-2', customerId: 'C-1', model: 'FL-3015', productLine: 'laser', status: 'active', parentSerial: null, warranty: null } as never);
    const symptoms = ['Chiller flow low', 'Door interlock open', 'Axis Y drifts', 'Gas pressure alarm', 'Cut edge burr', 'Nozzle sensor fault'];
    const results = await Promise.all(symptoms.map((symptom, i) => registrar.register(command(registration({ serialNumber: 'CUT-2', symptom }), `hot-race-${i}`))));
    const open = await openRequestsOn(readModelsOf(models), 'CUT-2');
    expect(new Set(open.map((r) => r.id))).toEqual(new Set(results.map((r) => r.record._id)));
  });

  it('answers twin registrations with one key with one request, listed once on its machine, the lock the loser took released', async () => {
    await models.machines.collection.insertOne({ _id: 'CUT-3', customerId: 'C-1', model: 'FL-3015', productLine: 'laser', status: 'active', parentSerial: null, warranty: null } as never);
    const input = registration({ serialNumber: 'CUT-3', symptom: 'Cutting head collision' });
    const [a, b] = await Promise.all([registrar.register(command(input, 'hot-twin')), registrar.register(command(input, 'hot-twin'))]);
    expect(a.record._id).toBe(b.record._id);
    expect([a.created, b.created].sort()).toEqual([false, true]);
    expect((await openRequestsOn(readModelsOf(models), 'CUT-3')).map((r) => r.id)).toEqual([a.record._id]);
    expect(await mongo.db!.collection('machineOpenRequestLocks').find({}).toArray()).toEqual([]);
  });

  it('keeps the SLA board in shard documents: concurrent syncs all land, an older revision never overwrites, a closed request leaves', async () => {
    const read = readModelsOf(models);
    const entry = (i: number, revision: number, status = 'registered') => ({ _id: `SR-BOARD-${i}`, customerId: 'C-1', serialNumber: 'CUT-1', status, tier: 'P2', owner: null, sla: [], escalations: [], revision });
    await Promise.all(Array.from({ length: 24 }, (_, i) => syncBoardEntry(read, entry(i, 2))));
    await syncBoardEntry(read, { ...entry(0, 1), tier: 'P4' });
    await syncBoardEntry(read, entry(1, 3, 'closed'));
    const { result: board, commands } = await recorded(() => boardEntries(read));
    const mine = board.filter((e) => e._id.startsWith('SR-BOARD-'));
    expect(mine.map((e) => e._id).sort()).toEqual(Array.from({ length: 24 }, (_, i) => `SR-BOARD-${i}`).filter((id) => id !== 'SR-BOARD-1').sort());
    expect(mine.find((e) => e._id === 'SR-BOARD-0')?.tier).toBe('P2');
    expect(commands.map((c) => c.commandName)).toEqual(Array(8).fill('find'));
    expect(scans(commands)).toEqual([]);
  });

  it("serves the known fixes from a process's copy after one stamp read, and shows an article another process stored on its next read", async () => {
    await upsertKnownFix(models, article('KB-HOT-1', ['FL-3015']), 'e-hot-1', new Date());
    const held = await knownFixCandidates(models, 'FL-3015');
    expect(held.map((d) => d.id)).toContain('KB-HOT-1');
    const unchanged = await recorded(() => knownFixCandidates(models, 'FL-3015'));
    // The model's candidates are kept with the copy: the same entries, words segmented once.
    expect(unchanged.result).toEqual(held);
    expect(unchanged.result.every((c, i) => c === held[i])).toBe(true);
    expect(unchanged.commands.map((c) => `${c.commandName} ${String((c.command as Record<string, unknown>)[c.commandName])}`)).toEqual(['find knownFixStamps']);

    const other = mongoose.createConnection(stack.mongoUrl, { dbName: ns, maxPoolSize: 2 });
    try {
      await other.asPromise();
      const elsewhere = createIntakeModels(other);
      await upsertKnownFix(elsewhere, article('KB-HOT-2', []), 'e-hot-2', new Date());
      await upsertKnownFix(elsewhere, article('KB-HOT-3', ['PB-1303']), 'e-hot-3', new Date());
      const changed = await knownFixCandidates(models, 'FL-3015');
      expect(changed.find((c) => c.id === 'KB-HOT-1')).not.toBe(held.find((c) => c.id === 'KB-HOT-1'));
      // The model's articles and the model-independent ones, as the filter found them.
      const byFilter = await models.knownFixes.find({ $or: [{ models: 'FL-3015' }, { models: { $size: 0 } }] }).sort({ _id: 1 }).lean();
      expect(changed.map((d) => d.id)).toEqual(byFilter.map((d) => d._id));
      expect(changed.map((d) => d.id)).toEqual(expect.arrayContaining(['KB-HOT-1', 'KB-HOT-2']));
      expect(changed.map((d) => d.id)).not.toContain('KB-HOT-3');
      // A version kept (an older one delivered again) moves the stamp too: a crash before it is mended by the redelivery.
      const stamp = await other.db!.collection('knownFixStamps').findOne({});
      expect(await upsertKnownFix(elsewhere, article('KB-HOT-3', ['PB-1303']), 'e-hot-3', new Date())).toBe('kept');
      expect((await other.db!.collection('knownFixStamps').findOne({}))?.stamp).not.toBe(stamp?.stamp);
    } finally {
      await other.close();
    }
  });

  it("serves the board from a process's copy after one version read, and shows another process's sync on its next read", async () => {
    const here = createBoardCache(readModelsOf(models));
    const first = await here.read();
    const unchanged = await recorded(() => here.read());
    expect(unchanged.result.key).toBe(first.key);
    expect(unchanged.commands.map((c) => `${c.commandName} ${String((c.command as Record<string, unknown>)[c.commandName])}`)).toEqual(['find slaBoardVersions']);

    // Another process: its own connection and read models.
    const other = mongoose.createConnection(stack.mongoUrl, { dbName: ns, maxPoolSize: 2 });
    try {
      await other.asPromise();
      const elsewhere = intakeReadModels(other.db!);
      await syncBoardEntry(elsewhere, { _id: 'SR-ELSEWHERE', customerId: 'C-1', serialNumber: 'CUT-1', status: 'registered', tier: 'P1', owner: null, sla: [], escalations: [], revision: 1 });
      const changed = await recorded(() => here.read());
      expect(changed.result.entries.map((e) => e._id)).toContain('SR-ELSEWHERE');
      // The versions, then only the shard that moved.
      expect(changed.commands.map((c) => `${c.commandName} ${String((c.command as Record<string, unknown>)[c.commandName])}`)).toEqual(['find slaBoardVersions', 'find slaBoardShards']);
      expect(scans(changed.commands)).toEqual([]);
      await syncBoardEntry(elsewhere, { _id: 'SR-ELSEWHERE', customerId: 'C-1', serialNumber: 'CUT-1', status: 'closed', tier: 'P1', owner: null, sla: [], escalations: [], revision: 2 });
      expect((await here.read()).entries.map((e) => e._id)).not.toContain('SR-ELSEWHERE');
      // Its copy and a fresh read of every shard agree.
      expect((await here.read()).entries.map((e) => e._id).sort()).toEqual((await boardEntries(elsewhere)).map((e) => e._id).sort());
    } finally {
      await other.close();
    }
  });
});
