import type { Connection, mongo as driver } from 'mongoose';
import { afterAll, beforeAll, inject } from 'vitest';
import { connectMongo } from '@aftersales/platform';
import { monitoredConnection } from '@aftersales/platform/testing';
import { createSparesStore, type SparesStore, type WorkOrderDoc } from './collections';
import { createSparesModels, type SparesModels } from './models';

/**
 * For int tests: spares' store in a database of its own on the stack's Mongo server, handed to
 * `use` before the file's tests run, dropped after them.
 */
export function onSparesStore(dbName: string, use: (store: SparesStore, connection: Connection) => void): void {
  let connection: Connection | undefined;
  beforeAll(async () => {
    connection = await connectMongo(inject('stack').mongoUrl, dbName);
    const store = createSparesStore(connection);
    await store.init();
    use(store, connection);
  });
  afterAll(async () => {
    await connection?.dropDatabase();
    await connection?.close();
  });
}

/** For int tests: spares' store and models initialised in `dbName` on the stack's Mongo server, its commands seen by `listener`. */
export async function monitoredSpares(dbName: string, listener: (event: driver.CommandStartedEvent) => void): Promise<{ connection: Connection; store: SparesStore; models: SparesModels }> {
  const connection = await monitoredConnection(inject('stack').mongoUrl, dbName, listener);
  const store = createSparesStore(connection);
  await store.init();
  const models = createSparesModels(connection);
  await Promise.all(Object.values(models).map((m) => m.init()));
  return { connection, store, models };
}

/** For int tests: the two locations stock tests use (central, and ENG-1's van), then the database dropped after the file's tests. */
export function stockedAt(opened: () => Promise<{ connection: Connection; store: SparesStore }>): void {
  let connection: Connection | undefined;
  beforeAll(async () => {
    const { connection: c, store } = await opened();
    connection = c;
    await store.locations.insertMany([
      { _id: 'VAN-ENG-1', kind: 'van', name: 'Van of ENG-1', engineerId: 'ENG-1' },
      { _id: 'CENTRAL', kind: 'central', name: 'Central', engineerId: null },
    ]);
  });
  afterAll(async () => {
    await connection?.dropDatabase();
    await connection?.close();
  });
}

/** A work order completed at `at` using `quantity` units of one part. */
export function completedUsing(id: string, engineerId: string | null, partNumber: string, quantity: number, at = new Date()): WorkOrderDoc {
  return {
    _id: id, requestId: `SR-${id}`, engineerId, status: 'completed', route: 'field-visit', updatedAt: at,
    completion: { eventId: `E-${id}`, effortMinutes: 30, travelMinutes: 10, cause: 'worn', failureMode: null, partsUsed: [{ partNumber, quantity, removedSerial: null }], finishedAt: at },
  };
}
