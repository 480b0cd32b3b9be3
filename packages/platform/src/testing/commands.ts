import type { CommandStartedEvent } from 'mongodb';
import mongoose, { type Connection } from 'mongoose';

/** A command's filters with the collection each reads: find's filter, each update's and delete's q, findAndModify's query. */
export function filtersOf(event: CommandStartedEvent): { collection: string; filter: Record<string, unknown> }[] {
  const c = event.command as Record<string, unknown>;
  const collection = String(c[event.commandName]);
  switch (event.commandName) {
    case 'find':
      return [{ collection, filter: (c.filter ?? {}) as Record<string, unknown> }];
    case 'findAndModify':
      return [{ collection, filter: (c.query ?? {}) as Record<string, unknown> }];
    case 'update':
      return (c.updates as { q: Record<string, unknown> }[]).map((u) => ({ collection, filter: u.q }));
    case 'delete':
      return (c.deletes as { q: Record<string, unknown> }[]).map((d) => ({ collection, filter: d.q }));
    case 'count':
    case 'aggregate':
    case 'distinct':
      return [{ collection, filter: { [event.commandName]: 'not by _id' } }];
    default:
      return [];
  }
}

/**
 * Filters FerretDB v1 would not push down (anything but exactly `{ _id: <string> }`) on a collection
 * that is not small by construction; one naming a collection outside `keyed` says so, so a new
 * collection on a hot path gets classified.
 */
export function scansOf(commands: readonly CommandStartedEvent[], { keyed, small }: { keyed: ReadonlySet<string>; small: ReadonlySet<string> }): string[] {
  return commands
    .flatMap(filtersOf)
    .filter(({ collection, filter }) => !small.has(collection) && !(Object.keys(filter).length === 1 && typeof filter._id === 'string'))
    .map(({ collection, filter }) => `${collection} ${JSON.stringify(filter)}${keyed.has(collection) ? '' : ' (unlisted collection)'}`);
}

/** "insert reservations", "find unitClaims", ...: each command by name and collection. */
export const commandNames = (commands: readonly CommandStartedEvent[]) => commands.map((c) => `${c.commandName} ${String((c.command as Record<string, unknown>)[c.commandName])}`);

/** Records the commands a client starts while `recorded(fn)` runs (attach `listener` to a client with monitorCommands). */
export function commandRecorder() {
  const seen: CommandStartedEvent[] = [];
  let recording = false;
  return {
    listener: (event: CommandStartedEvent) => {
      if (recording) seen.push(event);
    },
    async recorded<T>(fn: () => Promise<T>): Promise<{ result: T; commands: CommandStartedEvent[] }> {
      seen.length = 0;
      recording = true;
      try {
        const result = await fn();
        return { result, commands: [...seen] };
      } finally {
        recording = false;
      }
    },
  };
}

/** An open mongoose connection to `dbName` whose commands `listener` sees (a commandRecorder's). */
export async function monitoredConnection(url: string, dbName: string, listener: (event: CommandStartedEvent) => void, maxPoolSize = 8): Promise<Connection> {
  const connection = mongoose.createConnection(url, { dbName, maxPoolSize, monitorCommands: true });
  await connection.asPromise();
  connection.getClient().on('commandStarted', listener);
  return connection;
}
