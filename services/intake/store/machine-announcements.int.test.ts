import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { namespacedTopic, validateEvent } from '@aftersales/contracts';
import { connectMongo, outboxPendingCollection } from '@aftersales/platform';
import { uniqueName } from '@aftersales/platform/testing';
import { insertMachine } from './installed-base';
import { announceInstalledBaseOnce, machineAnnouncements } from './machine-announcements';
import { createIntakeModels, type IntakeModels, type MachineDoc } from './models';
import { readModelsOf } from './read-models';

const stack = inject('stack');
const ns = uniqueName('intake-announce');
const deps = { topic: (name: string) => namespacedTopic(ns, name), now: () => new Date() };

/** Machines stored before they announced themselves get machine.registered once per database, on the real Mongo server. */
describe('announcing the installed base stored before', () => {
  let mongo: Connection;
  let models: IntakeModels;
  const storedAt = new Date(Date.now() - 400 * 86_400_000);
  const machine = (serial: string): MachineDoc => ({ _id: serial, customerId: 'C-1', siteId: null, model: 'FL-3015', productLine: 'laser-cutting', status: 'active', installDate: storedAt, parentSerial: null, createdAt: storedAt });

  beforeAll(async () => {
    mongo = await connectMongo(stack.mongoUrl, ns.replace(/-/g, '_'));
    models = createIntakeModels(mongo);
    await Promise.all(Object.values(models).map((m) => m.init()));
    await models.customers.collection.insertOne({ _id: 'C-1', name: 'Acme', class: 'indirect', dealerId: 'DLR-1', sites: [] } as never);
    // Stored the old way (no event), and one the new way (announced with its insert).
    await models.machines.collection.insertOne(machine('OLD-1') as never);
    await insertMachine(deps, models, machine('NEW-1'), { dealerId: 'DLR-1' }, 'test');
  });

  afterAll(async () => {
    await mongo?.dropDatabase();
    await mongo?.close();
  });

  it('announces each machine stored before once, even from two processes starting at once, and never again', async () => {
    const announcements = machineAnnouncements(mongo.db!);
    const counts = await Promise.all([1, 2].map(() => announceInstalledBaseOnce(deps, models, readModelsOf(models).builds, announcements)));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1);
    const docs = await announcements.find({}).toArray();
    expect(docs.map((d) => d._id)).toEqual(['OLD-1']);
    const event = docs[0]!.outbox![0]!;
    expect(event.topic).toBe(namespacedTopic(ns, 'intake.machines.v1'));
    expect(validateEvent(JSON.parse(JSON.stringify(event.event)))).toMatchObject({ ok: true });
    expect(event.event).toMatchObject({ type: 'machine.registered', subject: 'OLD-1', data: { serialNumber: 'OLD-1', customerId: 'C-1', dealerId: 'DLR-1', installedAt: storedAt.toISOString(), registeredAt: storedAt.toISOString() } });
    expect(await mongo.db!.collection(outboxPendingCollection).countDocuments({ _id: 'machineAnnouncements|OLD-1' as never })).toBe(1);
    // Done once per database: a machine stored the old way afterwards is not looked for again.
    await models.machines.collection.insertOne(machine('OLD-2') as never);
    expect(await announceInstalledBaseOnce(deps, models, readModelsOf(models).builds, announcements)).toBe(0);
  });
});
