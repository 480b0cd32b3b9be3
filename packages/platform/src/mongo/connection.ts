import mongoose, { type Connection } from 'mongoose';
import { defaultMongoPoolSize } from '../config';

/** Each service connects to its own database; no service reads another's. */
export async function connectMongo(url: string, dbName: string, { maxPoolSize = defaultMongoPoolSize }: { maxPoolSize?: number } = {}): Promise<Connection> {
  const connection = mongoose.createConnection(url, {
    dbName,
    // Bounded on purpose: see MONGO_MAX_POOL_SIZE in config.ts.
    maxPoolSize,
    serverSelectionTimeoutMS: 5_000,
    // FerretDB v1 is not a replica set; retryable writes need one, so they are left to the driver's detection.
    autoIndex: true,
  });
  await connection.asPromise();
  return connection;
}

/** A readiness probe: a real `ping` round trip, answered with the server's version. */
export async function pingMongo(connection: Connection): Promise<string> {
  const db = connection.db;
  if (!db) throw new Error('not connected');
  await db.admin().command({ ping: 1 });
  const info = await db.admin().command({ buildInfo: 1 });
  const ferret = typeof info.ferretdbVersion === 'string' ? ` (FerretDB ${info.ferretdbVersion})` : '';
  return `mongo ${String(info.version)}${ferret}, db ${db.databaseName}`;
}

export function isDuplicateKeyError(error: unknown): boolean {
  return (error as { code?: number }).code === 11000;
}

/**
 * Awaits a unique-key insert: true when it stored, false when the key was already taken (a retry,
 * or the loser of a race). The "happens once" primitive on a server that serialises nothing else.
 */
export async function insertedOnce(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}
