/**
 * Engineers' calendars (domain/calendar.ts), kept in a handful of shard documents
 * (`calendarShards`, `_id = shard-<k>`, each engineer in shard hash(id) mod 8) whose calendars are
 * one JSON string: ranking reads the whole pool's calendars in eight `_id` reads, an assignment
 * one, and neither depends on how many bookings were stored over the years.
 *
 * Why this shape, measured on FerretDB 1.24.2 (SQLite): every update and delete scans its
 * collection, even by `_id`, and reading costs per field converted, so 1,000 engineer documents
 * take about 280 ms to read while one document holding the same data as a string takes about 25 ms.
 * A shard collection of eight string documents is cheap to read and to update.
 *
 * FerretDB v1 does not serialise concurrent updates of one document (two writers read, both
 * write, one write is lost), so a shard changes only under its lock in `calendarLocks`
 * (`_id = shard-<k>`, see the platform's key locks). The slot claims stay the guard against
 * overlapping bookings; the lock keeps the calendars a true copy of them.
 *
 * Every process keeps the shards it read, parsed, behind a version check: each shard document
 * carries a random `version`, and `calendarStamps` (`_id = shard-<k>`, eight tiny documents) holds
 * the version last written. A writer, under the shard's lock, writes the stamp first, then the
 * shard; a reader reads the eight stamps in one command and re-reads only the shards whose stamp is
 * not the version it holds. A writer that died between the two writes leaves a stamp no shard
 * carries, so readers keep re-reading that shard until the next write: slower, never stale. (A
 * shard written before versions existed has no stamp and is trusted as read until its next write,
 * which stamps it; every writer of shards is this module.)
 */
import { randomUUID } from 'node:crypto';
import { createKeyLocks, shardOf as shardKey, type KeyLockDoc } from '@aftersales/platform';
import { compact, emptyCalendar, type CalendarEntry, type EngineerCalendar } from '../domain/calendar';
import type { DispatchCollections } from './models';

export const LOCK_LEASE_MS = 15_000;
export const CALENDAR_SHARDS = 8;

export interface CalendarShardDoc {
  _id: string; // shard-<k>
  /** JSON of { [engineerId]: { entries, pastEnds } }, instants as ISO strings. */
  calendars: string;
  updatedAt: Date;
  /** Random per write; absent on shards written before versions (always re-read). */
  version?: string;
}

/** The version last written to a shard (see above): read whole in one command, eight small documents. */
export interface CalendarStampDoc {
  _id: string; // shard-<k>
  version: string;
}

export type CalendarLockDoc = KeyLockDoc;

interface StoredEntry extends Omit<CalendarEntry, 'departAt' | 'start' | 'end' | 'createdAt'> {
  departAt: string;
  start: string;
  end: string;
  createdAt: string;
}
type StoredShard = Record<string, { entries: StoredEntry[]; pastEnds: number[] }>;

/** The shard of an engineer (the platform's stable hash, so every process agrees). */
export function shardOf(engineerId: string): string {
  return shardKey(engineerId, CALENDAR_SHARDS);
}

function parse(doc: Pick<CalendarShardDoc, 'calendars'> | null): Map<string, EngineerCalendar> {
  const stored = doc ? (JSON.parse(doc.calendars) as StoredShard) : {};
  return new Map(
    Object.entries(stored).map(([id, cal]) => [
      id,
      { entries: cal.entries.map((e) => ({ ...e, departAt: new Date(e.departAt), start: new Date(e.start), end: new Date(e.end), createdAt: new Date(e.createdAt) })), pastEnds: cal.pastEnds },
    ]),
  );
}

/** The shard document's string for these calendars (also used to seed benchmarks). */
export function serialiseShard(calendars: ReadonlyMap<string, EngineerCalendar>): string {
  const out: StoredShard = {};
  for (const [id, cal] of calendars) {
    if (cal.entries.length === 0 && cal.pastEnds.length === 0) continue;
    out[id] = { entries: cal.entries.map((e) => ({ ...e, departAt: e.departAt.toISOString(), start: e.start.toISOString(), end: e.end.toISOString(), createdAt: e.createdAt.toISOString() })), pastEnds: cal.pastEnds };
  }
  return JSON.stringify(out);
}

export function createCalendars(c: Pick<DispatchCollections, 'calendars' | 'calendarLocks' | 'calendarStamps'>, now: () => Date) {
  const locks = createKeyLocks(c.calendarLocks, { what: 'calendar', now, leaseMs: LOCK_LEASE_MS });
  /**
   * Parsed shards as last read or written by this process, with the version their document carried
   * (null: no document, or one written before versions; trusted while the shard has no stamp, since
   * every writer stamps before it writes).
   */
  const known = new Map<string, { version: string | null; calendars: Map<string, EngineerCalendar> }>();

  function remember(shard: string, doc: Pick<CalendarShardDoc, 'version'> | null, calendars: Map<string, EngineerCalendar>): Map<string, EngineerCalendar> {
    known.set(shard, { version: doc?.version ?? null, calendars });
    return calendars;
  }

  /** The shard's calendars: the ones held when the stamp says they are current, else read and parsed. */
  async function shardAt(shard: string, stamp: string | null): Promise<Map<string, EngineerCalendar>> {
    const held = known.get(shard);
    if (held && held.version === stamp) return held.calendars;
    const doc = await c.calendars.findOne({ _id: shard });
    return remember(shard, doc, parse(doc));
  }

  async function read(engineerId: string): Promise<EngineerCalendar> {
    const shard = shardOf(engineerId);
    const stamp = await c.calendarStamps.findOne({ _id: shard });
    return (await shardAt(shard, stamp?.version ?? null)).get(engineerId) ?? emptyCalendar();
  }

  /** Every engineer's calendar: the eight stamps, then only the shards that changed since this process read them. */
  async function readAll(): Promise<Map<string, EngineerCalendar>> {
    const stamps = new Map((await c.calendarStamps.find({}).toArray()).map((s) => [s._id, s.version]));
    const shards = await Promise.all(Array.from({ length: CALENDAR_SHARDS }, (_, k) => shardAt(`shard-${k}`, stamps.get(`shard-${k}`) ?? null)));
    const all = new Map<string, EngineerCalendar>();
    for (const shard of shards) for (const [id, cal] of shard) all.set(id, cal);
    return all;
  }

  /**
   * Runs `fn` on the engineer's calendar under its shard's lock and stores what it returns (null: no
   * change). `fn` may do other writes first (the booking, its claims); they happen under the lock too.
   * The shard is read afresh under the lock: the copy a writer starts from is never a cached one.
   */
  async function change<T>(engineerId: string, fn: (calendar: EngineerCalendar) => Promise<{ calendar: EngineerCalendar | null; result: T }>): Promise<T> {
    const shard = shardOf(engineerId);
    return locks.holding(shard, async () => {
      const doc = await c.calendars.findOne({ _id: shard });
      const all = parse(doc);
      const { calendar, result } = await fn(all.get(engineerId) ?? emptyCalendar());
      if (calendar) {
        all.set(engineerId, compact(calendar, now()));
        const version = randomUUID();
        // Stamp first: a reader that sees the new stamp before the new shard reads the shard again next time.
        await c.calendarStamps.replaceOne({ _id: shard }, { version }, { upsert: true });
        await c.calendars.replaceOne({ _id: shard }, { calendars: serialiseShard(all), updatedAt: now(), version }, { upsert: true });
        remember(shard, { version }, all);
      } else {
        remember(shard, doc, all);
      }
      return result;
    });
  }

  const withEntry = (calendar: EngineerCalendar, entry: CalendarEntry): EngineerCalendar => ({ ...calendar, entries: [...calendar.entries.filter((e) => e.bookingId !== entry.bookingId), entry] });
  const without = (calendar: EngineerCalendar, bookingId: string): EngineerCalendar => ({ ...calendar, entries: calendar.entries.filter((e) => e.bookingId !== bookingId) });
  const patched = (calendar: EngineerCalendar, bookingId: string, patch: Partial<CalendarEntry>): EngineerCalendar => ({ ...calendar, entries: calendar.entries.map((e) => (e.bookingId === bookingId ? { ...e, ...patch } : e)) });

  return { read, readAll, change, withEntry, without, patched };
}

export type Calendars = ReturnType<typeof createCalendars>;
