/**
 * Engineers' calendars (domain/calendar.ts), kept in a few dozen shard documents
 * (`calendarShards`, `_id = calendar-<k>`, each engineer in shard hash(id) mod 32) whose calendars
 * are one JSON string: ranking reads the whole pool's calendars in 32 `_id` reads (only those
 * changed since it last read them), an assignment one, and neither depends on how many bookings
 * were stored over the years.
 *
 * Why this shape, measured on FerretDB 1.24.2 (SQLite): every update and delete scans its
 * collection, even by `_id`, and reading costs per field converted, so 1,000 engineer documents
 * take about 280 ms to read while one document holding the same data as a string takes about 25 ms.
 * A shard collection of a few dozen string documents is cheap to read and to update.
 *
 * FerretDB v1 does not serialise concurrent updates of one document (two writers read, both
 * write, one write is lost), so a shard changes only under its lock in `calendarLocks`
 * (`_id = calendar-<k>`, see the platform's key locks). The slot claims stay the guard against
 * overlapping bookings; the lock keeps the calendars a true copy of them.
 *
 * Every process keeps the shards it read, parsed, behind a version check: each shard document
 * carries a random `version`, and `calendarStamps` (`_id = calendar-<k>`, 32 tiny documents) holds
 * the version last written. A writer, under the shard's lock, writes the stamp first, then the
 * shard; a reader reads the stamps in one command and re-reads only the shards whose stamp is
 * not the version it holds. A writer that died between the two writes leaves a stamp no shard
 * carries, so readers keep re-reading that shard until the next write: slower, never stale. (A
 * shard written before versions existed has no stamp and is trusted as read until its next write,
 * which stamps it; every writer of shards is this module.)
 */
import { createHash, randomUUID } from 'node:crypto';
import { createKeyLocks, shardOf as shardKey, type KeyLockDoc } from '@aftersales/platform';
import { compact, emptyCalendar, type CalendarEntry, type EngineerCalendar } from '../domain/calendar';
import type { DispatchCollections } from './models';

export const LOCK_LEASE_MS = 15_000;
/**
 * Shards `calendar-0` .. `calendar-31`. More shards than writers at once keep bookings of different
 * engineers from queueing on one lock, and keep each shard (a quarter of the 30-day job ends it held
 * as one of eight) quick to parse and write under its lock.
 */
export const CALENDAR_SHARDS = 32;
/**
 * The eight shards of earlier versions (`shard-0` .. `shard-7`, never written now). Each splits into four of today's (`calendar-<k + 8j>`): a shard not yet written is read from its
 * earlier one, keeping the engineers that belong to it, and its first write carries them over.
 */
export const EARLIER_CALENDAR_SHARDS = 8;

export interface CalendarShardDoc {
  _id: string; // calendar-<k> (shard-<k>: the eight of earlier versions)
  /** JSON of { [engineerId]: { entries, pastEnds } }, instants as ISO strings. */
  calendars: string;
  updatedAt: Date;
  /** Random per write; absent on shards written before versions (always re-read). */
  version?: string;
}

/** The version last written to a shard (see above): read whole in one command, 32 small documents. */
export interface CalendarStampDoc {
  _id: string; // calendar-<k>
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

/**
 * The shard of an engineer, stable so every process agrees: the earlier shard (the platform's hash
 * modulo 8), split four ways by an MD5 of the id. (The platform's hash modulo 32 would keep the
 * earlier split too, but spreads ids like ENG-0001 over 28 shards, most of them in 8.)
 */
export function shardOf(engineerId: string): string {
  const earlier = Number(shardKey(engineerId, EARLIER_CALENDAR_SHARDS).slice('shard-'.length));
  const split = createHash('md5').update(engineerId).digest().readUInt32BE(0) % (CALENDAR_SHARDS / EARLIER_CALENDAR_SHARDS);
  return `calendar-${earlier + EARLIER_CALENDAR_SHARDS * split}`;
}

/** The earlier (eight-shard) document a shard not yet written takes its calendars from. */
export function earlierShardOf(shard: string): string {
  return `shard-${Number(shard.slice('calendar-'.length)) % EARLIER_CALENDAR_SHARDS}`;
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

  /**
   * The shard's document and calendars as stored. Not written yet: its engineers' calendars from the
   * earlier shard (which nothing writes any more), with no version, so a reader keeps them until the
   * shard's first write stamps it.
   */
  async function load(shard: string): Promise<{ doc: Pick<CalendarShardDoc, 'version'> | null; calendars: Map<string, EngineerCalendar> }> {
    const doc = await c.calendars.findOne({ _id: shard });
    if (doc) return { doc, calendars: parse(doc) };
    const earlier = await c.calendars.findOne({ _id: earlierShardOf(shard) });
    return { doc: null, calendars: new Map([...parse(earlier)].filter(([id]) => shardOf(id) === shard)) };
  }

  /** The shard's calendars: the ones held when the stamp says they are current, else read and parsed. */
  async function shardAt(shard: string, stamp: string | null): Promise<Map<string, EngineerCalendar>> {
    const held = known.get(shard);
    if (held && held.version === stamp) return held.calendars;
    const { doc, calendars } = await load(shard);
    return remember(shard, doc, calendars);
  }

  async function read(engineerId: string): Promise<EngineerCalendar> {
    const shard = shardOf(engineerId);
    const stamp = await c.calendarStamps.findOne({ _id: shard });
    return (await shardAt(shard, stamp?.version ?? null)).get(engineerId) ?? emptyCalendar();
  }

  /** Every engineer's calendar: the stamps, then only the shards that changed since this process read them. */
  async function readAll(): Promise<Map<string, EngineerCalendar>> {
    const stamps = new Map((await c.calendarStamps.find({}).toArray()).map((s) => [s._id, s.version]));
    const shards = await Promise.all(Array.from({ length: CALENDAR_SHARDS }, (_, k) => shardAt(`calendar-${k}`, stamps.get(`calendar-${k}`) ?? null)));
    const all = new Map<string, EngineerCalendar>();
    for (const shard of shards) for (const [id, cal] of shard) all.set(id, cal);
    return all;
  }

  /**
   * Runs `fn` on the engineer's calendar under its shard's lock and stores what it returns (null: no
   * change). `fn` may do other writes first (the booking, its claims); they happen under the lock too.
   * The shard is read afresh under the lock: the copy a writer starts from is never a cached one.
   * `stampAhead` writes the shard's next stamp early, beside another write of `fn`'s (the work
   * order's change), so the calendar write that follows is one command; a stamp whose shard is then
   * not written only makes readers re-read that shard until the next write (slower, never stale).
   * `afterWrite`, if returned, starts once the shard is written, beside the lock's release, and is awaited.
   */
  async function change<T>(engineerId: string, fn: (calendar: EngineerCalendar, stampAhead: () => Promise<void>) => Promise<{ calendar: EngineerCalendar | null; result: T; afterWrite?: () => Promise<void> }>): Promise<T> {
    const shard = shardOf(engineerId);
    const after: { done: Promise<void> | null } = { done: null };
    const result = await locks.holding(shard, async () => {
      const { doc, calendars: all } = await load(shard);
      const ahead = { version: null as string | null };
      const stampAhead = async () => {
        const version = randomUUID();
        await c.calendarStamps.replaceOne({ _id: shard }, { version }, { upsert: true });
        ahead.version = version;
      };
      const { calendar, result, afterWrite } = await fn(all.get(engineerId) ?? emptyCalendar(), stampAhead);
      if (calendar) {
        all.set(engineerId, compact(calendar, now()));
        const version = ahead.version ?? randomUUID();
        // Stamp first: a reader that sees the new stamp before the new shard reads the shard again next time.
        if (ahead.version === null) await c.calendarStamps.replaceOne({ _id: shard }, { version }, { upsert: true });
        await c.calendars.replaceOne({ _id: shard }, { calendars: serialiseShard(all), updatedAt: now(), version }, { upsert: true });
        remember(shard, { version }, all);
      } else {
        remember(shard, doc, all);
      }
      if (afterWrite) {
        after.done = afterWrite();
        // Awaited below, once the lock is given back; a rejection is passed on there.
        after.done.catch(() => undefined);
      }
      return result;
    });
    if (after.done) await after.done;
    return result;
  }

  const withEntry = (calendar: EngineerCalendar, entry: CalendarEntry): EngineerCalendar => ({ ...calendar, entries: [...calendar.entries.filter((e) => e.bookingId !== entry.bookingId), entry] });
  const without = (calendar: EngineerCalendar, bookingId: string): EngineerCalendar => ({ ...calendar, entries: calendar.entries.filter((e) => e.bookingId !== bookingId) });
  const patched = (calendar: EngineerCalendar, bookingId: string, patch: Partial<CalendarEntry>): EngineerCalendar => ({ ...calendar, entries: calendar.entries.map((e) => (e.bookingId === bookingId ? { ...e, ...patch } : e)) });

  return { read, readAll, change, withEntry, without, patched };
}

export type Calendars = ReturnType<typeof createCalendars>;
