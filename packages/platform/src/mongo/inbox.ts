import type { Connection } from 'mongoose';
import { isDuplicateKeyError } from './connection';

/**
 * Applies each event id once per consumer. The handler must itself be idempotent at the aggregate
 * (an upsert or a conditional update): a crash after it and before the inbox write re-runs it.
 * The inbox turns the common case, a re-delivery after a rebalance or restart, into a cheap skip.
 */
export async function applyOnce(connection: Connection, consumer: string, eventId: string, apply: () => Promise<void>): Promise<boolean> {
  const inbox = connection.collection<{ _id: string; consumer: string; appliedAt: Date }>('inbox');
  const _id = `${consumer}:${eventId}`;
  if (await inbox.findOne({ _id }, { projection: { _id: 1 } })) return false;
  await apply();
  try {
    await inbox.insertOne({ _id, consumer, appliedAt: new Date() });
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
  return true;
}
