/**
 * Engineers' calendars (domain/calendar.ts), one document per engineer in a collection as small as
 * the workforce: ranking reads them all at once, an assignment reads one, and neither depends on
 * how many bookings were stored over the years.
 *
 * FerretDB v1 does not serialise concurrent updates of one document (two writers read, both
 * write, one write is lost), so a calendar changes only under its engineer's lock: a unique-key
 * insert into `calendarLocks` (`_id = engineerId`), deleted when done. A lock left by a process
 * that died is taken over once it has expired. The slot claims stay the guard against overlapping
 * bookings; the lock keeps the calendar a true copy of them.
 */
import { isDuplicateKeyError } from '@aftersales/platform';
import { compact, emptyCalendar, type CalendarEntry, type EngineerCalendar } from '../domain/calendar';
import type { DispatchCollections } from './models';

export const LOCK_LEASE_MS = 15_000;
const LOCK_WAIT_MS = 20_000;

export interface CalendarDoc extends EngineerCalendar {
  _id: string; // engineer id
  updatedAt: Date;
}

export interface CalendarLockDoc {
  _id: string; // engineer id
  owner: string;
  until: Date;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createCalendars(c: Pick<DispatchCollections, 'calendars' | 'calendarLocks'>, now: () => Date) {
  let seq = 0;
  const processTag = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

  async function lock(engineerId: string): Promise<string> {
    const owner = `${processTag}-${++seq}`;
    const gaveUpAt = Date.now() + LOCK_WAIT_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        await c.calendarLocks.insertOne({ _id: engineerId, owner, until: new Date(now().getTime() + LOCK_LEASE_MS) });
        return owner;
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
      const held = await c.calendarLocks.findOne({ _id: engineerId });
      // Expired: its holder died. Deleting by owner too, so two takers cannot both remove a fresh lock.
      if (held && held.until.getTime() < now().getTime()) await c.calendarLocks.deleteOne({ _id: engineerId, owner: held.owner });
      else if (Date.now() > gaveUpAt) throw new Error(`calendar of ${engineerId} stayed locked for ${LOCK_WAIT_MS} ms`);
      else await sleep(Math.min(50, 2 + attempt * 2) * (0.5 + Math.random()));
    }
  }

  async function unlock(engineerId: string, owner: string): Promise<void> {
    await c.calendarLocks.deleteOne({ _id: engineerId, owner });
  }

  function fromDoc(doc: CalendarDoc | null): EngineerCalendar {
    return doc ? { entries: doc.entries ?? [], pastEnds: doc.pastEnds ?? [] } : emptyCalendar();
  }

  async function read(engineerId: string): Promise<EngineerCalendar> {
    return fromDoc(await c.calendars.findOne({ _id: engineerId }));
  }

  /** Every engineer's calendar: one read of a collection with a document per engineer. */
  async function readAll(): Promise<Map<string, EngineerCalendar>> {
    const docs = await c.calendars.find({}).toArray();
    return new Map(docs.map((d) => [d._id, fromDoc(d)]));
  }

  async function write(engineerId: string, calendar: EngineerCalendar): Promise<void> {
    const next = compact(calendar, now());
    await c.calendars.replaceOne({ _id: engineerId }, { entries: next.entries, pastEnds: next.pastEnds, updatedAt: now() }, { upsert: true });
  }

  /**
   * Runs `change` on the engineer's calendar under the lock and stores what it returns (null: no
   * change). `change` may do other writes first (the booking, its claims); they happen under the lock too.
   */
  async function change<T>(engineerId: string, fn: (calendar: EngineerCalendar) => Promise<{ calendar: EngineerCalendar | null; result: T }>): Promise<T> {
    const owner = await lock(engineerId);
    try {
      const { calendar, result } = await fn(await read(engineerId));
      if (calendar) await write(engineerId, calendar);
      return result;
    } finally {
      await unlock(engineerId, owner);
    }
  }

  const withEntry = (calendar: EngineerCalendar, entry: CalendarEntry): EngineerCalendar => ({ ...calendar, entries: [...calendar.entries.filter((e) => e.bookingId !== entry.bookingId), entry] });
  const without = (calendar: EngineerCalendar, bookingId: string): EngineerCalendar => ({ ...calendar, entries: calendar.entries.filter((e) => e.bookingId !== bookingId) });
  const patched = (calendar: EngineerCalendar, bookingId: string, patch: Partial<CalendarEntry>): EngineerCalendar => ({ ...calendar, entries: calendar.entries.map((e) => (e.bookingId === bookingId ? { ...e, ...patch } : e)) });

  return { read, readAll, change, withEntry, without, patched };
}

export type Calendars = ReturnType<typeof createCalendars>;
