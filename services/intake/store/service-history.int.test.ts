import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { commandRecorder, scansOf, uniqueName, monitoredConnection } from '@aftersales/platform/testing';
import { createIntakeModels, type IntakeModels, type ServiceHistoryDoc } from './models';
import { buildMachineHistoryOnce, recordServiceHistory, serviceHistoryOf, type ServiceHistoryEntry } from './service-history';

/** On the real Mongo server: a machine's history, read through its numbered list by `_id` only, is what the filter over every entry finds. */
const stack = inject('stack');
const ns = uniqueName('intake-history');
const { listener, recorded } = commandRecorder();
const hour = 3_600_000;

let mongo: Connection;
let models: IntakeModels;

const entry = (id: string, serialNumber: string, hoursAgo: number): ServiceHistoryEntry => ({
  _id: id, serialNumber, customerId: 'C-1', at: new Date(Date.now() - hoursAgo * hour), kind: 'repair', summary: `repair ${id}`, parts: [], engineer: null, serviceRequestId: null, workOrderId: null,
  source: { service: 'dispatch', eventId: id, reportedBy: null },
});

/** What the machine page read before: the serial's entries by filter, newest first. */
const byFilter = async (serialNumber: string) => (await models.serviceHistory.find({ serialNumber }).sort({ at: -1, _id: 1 }).lean<ServiceHistoryDoc[]>()).map((d) => d._id);
const ids = (docs: ServiceHistoryDoc[]) => docs.map((d) => d._id);

beforeAll(async () => {
  mongo = await monitoredConnection(stack.mongoUrl, ns, listener);
  models = createIntakeModels(mongo);
  await Promise.all(Object.values(models).map((m) => m.init()));
});

afterAll(async () => {
  await mongo?.dropDatabase();
  await mongo?.close();
});

describe("a machine's service history", () => {
  it('lists entries recorded before the lists once, then every entry recorded, newest first, each once, by _id reads only', async () => {
    // Recorded before the lists existed: stored straight, no list entry.
    await models.serviceHistory.collection.insertMany([{ ...entry('OLD-1', 'M-1', 500), recordedAt: new Date() }, { ...entry('OLD-2', 'M-2', 400), recordedAt: new Date() }] as never[]);
    expect(await buildMachineHistoryOnce(models, new Date())).toBe(true);
    expect(await buildMachineHistoryOnce(models, new Date())).toBe(false);

    // Reports arriving out of order, two at once on one machine, one twice.
    await Promise.all([recordServiceHistory(models, entry('R-1', 'M-1', 10), new Date()), recordServiceHistory(models, entry('R-2', 'M-1', 30), new Date())]);
    await recordServiceHistory(models, entry('R-3', 'M-2', 5), new Date());
    expect(await recordServiceHistory(models, entry('R-1', 'M-1', 10), new Date())).toEqual({ stored: false });
    await recordServiceHistory(models, entry('R-4', 'M-1', 1), new Date());

    const { result, commands } = await recorded(() => serviceHistoryOf(models, 'M-1'));
    expect(ids(result)).toEqual(await byFilter('M-1'));
    expect(ids(result)).toEqual(['R-4', 'R-1', 'R-2', 'OLD-1']);
    expect(scansOf(commands, { keyed: new Set(['serviceHistory', 'machineHistoryEntries']), small: new Set() })).toEqual([]);
    expect(ids(await serviceHistoryOf(models, 'M-2'))).toEqual(await byFilter('M-2'));
    expect(ids(await serviceHistoryOf(models, 'M-1', 2))).toEqual(['R-4', 'R-1']);
    expect(await serviceHistoryOf(models, 'M-NONE')).toEqual([]);
  });
});
