import { describe, expect, it } from 'vitest';
import type { IntakeReadModels } from './read-models';
import { noteOpenRequestWhenStored } from './read-models';

/** The machine's lock and entry in memory: what is held when, and the updates written (the note's logic is under test, not Mongo). */
function fakeModels() {
  const log: string[] = [];
  const models = {
    machineLocks: {
      holding: async <T>(key: string, fn: () => Promise<T>) => {
        log.push(`lock ${key}`);
        try {
          return await fn();
        } finally {
          log.push(`unlock ${key}`);
        }
      },
    },
    machineOpenRequests: {
      updateOne: async (filter: { _id: string }, update: Record<string, Record<string, unknown>>, options: { upsert: boolean }) => {
        log.push(`update ${filter._id} ${Object.keys(update).join()} ${Object.keys(Object.values(update)[0]!).join()} upsert=${options.upsert}`);
      },
    },
  } as unknown as IntakeReadModels;
  return { log, models };
}

const request = { _id: 'SR-1', serialNumber: 'M-1', symptom: 'No output', raisedAt: new Date(0), registeredAt: new Date(0), status: 'registered' as const };

describe("a registration's note on its machine", () => {
  it('takes the lock before the record is stored and writes the entry only once it is', async () => {
    const { log, models } = fakeModels();
    let store: (r: typeof request | null) => void = () => undefined;
    const noted = noteOpenRequestWhenStored(models, 'M-1', new Promise((resolve) => (store = resolve)));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(log).toEqual(['lock M-1']);
    store(request);
    await noted;
    expect(log).toEqual(['lock M-1', 'update M-1 $set open.SR-1 upsert=true', 'unlock M-1']);
  });

  it('releases the lock without a write when the record was not stored', async () => {
    const { log, models } = fakeModels();
    await noteOpenRequestWhenStored(models, 'M-1', Promise.resolve(null));
    expect(log).toEqual(['lock M-1', 'unlock M-1']);
  });

  it('removes a closed request from the entry', async () => {
    const { log, models } = fakeModels();
    await noteOpenRequestWhenStored(models, 'M-1', Promise.resolve({ ...request, status: 'closed' as never }));
    expect(log).toEqual(['lock M-1', 'update M-1 $unset open.SR-1 upsert=false', 'unlock M-1']);
  });
});
