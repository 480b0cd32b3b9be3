import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { namespacedTopic } from '@aftersales/contracts';
import { connectMongo } from '@aftersales/platform';
import { uniqueName } from '@aftersales/platform/testing';
import { insertMachine, loadDescendants, machinesOfCustomer } from './installed-base';
import { createMachineLinks } from './machine-links';
import { createIntakeModels, type IntakeModels, type MachineDoc } from './models';
import { readModelsOf } from './read-models';

const stack = inject('stack');
const ns = uniqueName('intake-links');
const deps = { topic: (name: string) => namespacedTopic(ns, name), now: () => new Date() };
const installed = new Date(Date.now() - 30 * 86_400_000);
const machine = (serial: string, customerId: string, parentSerial: string | null = null): MachineDoc => ({
  _id: serial, customerId, siteId: null, model: 'FL-3015', productLine: 'laser-cutting', status: 'active', installDate: installed, parentSerial, createdAt: installed,
});
const serials = (machines: MachineDoc[]) => machines.map((m) => m._id);

/** On the real Mongo server: a customer's machines and a machine's parts, read through links by `_id`, are what the filters over every machine find. */
describe('installed-base links', () => {
  let mongo: Connection;
  let models: IntakeModels;
  const byFilter = async (filter: object) => serials(await models.machines.find(filter).sort({ _id: 1 }).lean<MachineDoc[]>());

  beforeAll(async () => {
    mongo = await connectMongo(stack.mongoUrl, ns.replace(/-/g, '_'));
    models = createIntakeModels(mongo);
    await Promise.all(Object.values(models).map((m) => m.init()));
  });

  afterAll(async () => {
    await mongo?.dropDatabase();
    await mongo?.close();
  });

  it('links machines stored before them once, then every machine registered, parts under their parent', async () => {
    // Stored before the links existed: a tree OLD-1 > OLD-3 > OLD-4, and another customer's machine.
    await models.machines.collection.insertMany([machine('OLD-1', 'C-1'), machine('OLD-2', 'C-1'), machine('OLD-3', 'C-1', 'OLD-1'), machine('OLD-4', 'C-1', 'OLD-3'), machine('OLD-5', 'C-9')] as never[]);
    const links = readModelsOf(models).machineLinks;
    expect(await links.buildOnce(new Date())).toBe(true);
    expect(await links.buildOnce(new Date())).toBe(false);
    // Registered since, a part of an old machine among them.
    await Promise.all([machine('NEW-1', 'C-1'), machine('NEW-2', 'C-1', 'OLD-4'), machine('NEW-3', 'C-9')].map((m) => insertMachine(deps, models, m, { dealerId: null }, 'test')));
    expect(serials(await machinesOfCustomer(models, 'C-1'))).toEqual(await byFilter({ customerId: 'C-1' }));
    expect(serials(await machinesOfCustomer(models, 'C-9'))).toEqual(await byFilter({ customerId: 'C-9' }));
    expect(serials(await machinesOfCustomer(models, 'C-1', 2))).toEqual(['NEW-1', 'NEW-2']);
    expect(serials(await loadDescendants(models, 'OLD-1'))).toEqual(['OLD-3', 'OLD-4', 'NEW-2']);
    expect(await loadDescendants(models, 'OLD-2')).toEqual([]);
  });

  it('skips a link to a machine whose insert never happened or was refused', async () => {
    const links = readModelsOf(models).machineLinks;
    // A process died between the link and the insert; another tried a serial another customer holds.
    await links.note({ _id: 'GHOST-1', customerId: 'C-1', parentSerial: 'OLD-1' });
    await expect(insertMachine(deps, models, machine('OLD-5', 'C-1'), { dealerId: null }, 'test')).rejects.toThrow();
    expect(serials(await machinesOfCustomer(models, 'C-1'))).toEqual(await byFilter({ customerId: 'C-1' }));
    expect(serials(await loadDescendants(models, 'OLD-1'))).toEqual(['OLD-3', 'OLD-4', 'NEW-2']);
  });

  it('loses no machine when two processes link thirty machines of one customer at once', async () => {
    const batch = Array.from({ length: 30 }, (_, i) => machine(`RACE-${String(i).padStart(2, '0')}`, 'C-RACE'));
    await models.machines.collection.insertMany(batch as never[]);
    const one = createMachineLinks(mongo.db!, mongo.db!.collection<MachineDoc>('machines'));
    const two = createMachineLinks(mongo.db!, mongo.db!.collection<MachineDoc>('machines'));
    await Promise.all(batch.map((m, i) => (i % 2 ? one : two).note(m)));
    expect(serials(await machinesOfCustomer(models, 'C-RACE'))).toEqual(serials(batch));
  });
});
