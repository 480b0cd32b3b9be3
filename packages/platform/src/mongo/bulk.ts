/**
 * FerretDB v1 on SQLite keeps each update statement's query open until its whole command ends (one
 * of the database's 100 pooled connections each) while the statement's write waits for another: an
 * `update` command of 100 statements wedges that database for every client until FerretDB restarts
 * (measured on 1.24.2: 99 statements pass, 100 hang; deletes and inserts are not affected). The
 * outbox relay's batch of 100 hit exactly that under the SLA bench. Bulk writes therefore go out in
 * commands of at most this many statements, few enough that several processes' commands in flight
 * (each also holding up to MONGO_MAX_POOL_SIZE single updates) stay well under 100.
 */
export const maxStatementsPerCommand = 16;

/** Anything with a driver-shaped bulkWrite: a driver Collection or a mongoose Model. */
interface BulkWriter<Op, Options> {
  bulkWrite(operations: Op[], options?: Options): Promise<unknown>;
}

/** `operations` cut into consecutive chunks of at most `size`. */
export function chunksOf<T>(operations: readonly T[], size = maxStatementsPerCommand): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunk size must be a positive integer, got ${size}`);
  const chunks: T[][] = [];
  for (let i = 0; i < operations.length; i += size) chunks.push(operations.slice(i, i + size));
  return chunks;
}

/**
 * `collection.bulkWrite(operations, options)` as commands of at most `maxStatementsPerCommand`
 * statements, one after another. An ordered write stops at the first failing chunk, as one ordered
 * command stops at its first failing statement; an unordered one still tries every chunk and then
 * throws the first error, so one bad statement never keeps the others from being applied.
 */
export async function bulkWriteInChunks<Op, Options extends { ordered?: boolean }>(
  collection: BulkWriter<Op, Options>,
  operations: readonly Op[],
  options?: Options,
): Promise<void> {
  let firstError: unknown = null;
  for (const chunk of chunksOf(operations)) {
    try {
      // eslint-disable-next-line no-restricted-syntax -- the one place a bulk write is sent, in bounded chunks
      await collection.bulkWrite(chunk, options);
    } catch (error) {
      if (options?.ordered !== false) throw error;
      firstError ??= error;
    }
  }
  if (firstError !== null) throw firstError;
}
