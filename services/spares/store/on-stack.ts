import type { Connection } from 'mongoose';
import { afterAll, beforeAll, inject } from 'vitest';
import { connectMongo } from '@aftersales/platform';
import { createSparesStore, type SparesStore } from './collections';

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
