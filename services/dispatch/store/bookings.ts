/**
 * Engineer bookings that never overlap, even under concurrent assignment on a store that does not
 * serialise updates of one document (FerretDB v1): every booking inserts one claim document per
 * 15-minute slot it covers, `_id = engineerId|slotStart`, in time order. A duplicate key means
 * another booking holds that slot: the loser deletes the claims it inserted and reports the clash.
 *
 * The engineer's calendar (store/calendars.ts, in a few shard documents) is kept with the claims
 * under the engineer's lock: a booking first looks there and refuses a clash without writing
 * anything; ranking and schedules read it instead of querying the bookings, which grow for ever
 * (FerretDB v1 scans a collection for any filter but `_id`, and updates and deletes scan it too).
 * On the booking path only `_id` reads and inserts touch the growing collections.
 *
 * Crash safety: the booking document is inserted in state `pending`, then its claims, then its
 * calendar entry; the work order is committed, then the entry is confirmed. A process dying in
 * between leaves a pending entry; the next booking on that engineer sweeps pending entries older
 * than the orphan age: confirmed if the work order references it, released otherwise. A claim
 * whose booking is not on the calendar (a release that died half-way) is removed when a booking
 * runs into it.
 */
import type { Logger } from 'pino';
import { isDuplicateKeyError } from '@aftersales/platform';
import type { Interval } from '../domain/assignment';
import { clashIn, type CalendarEntry, type EngineerCalendar } from '../domain/calendar';
import { ceilToSlot, slotClaimKeys } from '../domain/schedule';
import { createCalendars } from './calendars';
import type { BookingDoc, DispatchCollections } from './models';

export const DEFAULT_ORPHAN_AGE_MS = 60_000;

export interface BookingRequest {
  bookingId: string;
  engineerId: string;
  workOrderId: string;
  departAt: Date;
  start: Date;
  end: Date;
}

export type BookingResult =
  | { ok: true; booking: BookingDoc }
  | { ok: false; reason: 'clash'; clashWith: string | null }
  | { ok: false; reason: 'round-taken' };

export interface BookingStoreDeps {
  collections: Pick<DispatchCollections, 'bookings' | 'slotClaims' | 'workOrders' | 'closedWorkOrders' | 'calendars' | 'calendarLocks'>;
  now: () => Date;
  logger: Logger;
  orphanAgeMs?: number;
}

function asBooking(engineerId: string, e: CalendarEntry): BookingDoc {
  return { _id: e.bookingId, engineerId, workOrderId: e.workOrderId, departAt: e.departAt, start: e.start, end: e.end, state: e.state, createdAt: e.createdAt };
}

export function createBookingStore({ collections: c, now, logger, orphanAgeMs = DEFAULT_ORPHAN_AGE_MS }: BookingStoreDeps) {
  const log = logger.child({ module: 'bookings' });
  const calendars = createCalendars(c, now);

  /** Frees a booking's slots: its calendar entry first (the truth ranking reads), then its claims. */
  async function release(bookingId: string): Promise<void> {
    const booking = await c.bookings.findOne({ _id: bookingId }, { projection: { engineerId: 1 } });
    if (booking) await calendars.change(booking.engineerId, async (cal) => ({ calendar: calendars.without(cal, bookingId), result: undefined }));
    await c.bookings.deleteOne({ _id: bookingId });
    await c.slotClaims.deleteMany({ bookingId });
  }

  /** Pending entries older than the orphan age: confirmed if their work order holds them, released otherwise. Runs under the lock. */
  async function sweep(engineerId: string, cal: EngineerCalendar): Promise<{ calendar: EngineerCalendar; released: number; changed: boolean }> {
    const cutoff = now().getTime() - orphanAgeMs;
    let calendar = cal;
    let released = 0;
    let changed = false;
    for (const e of cal.entries.filter((x) => x.state === 'pending' && x.createdAt.getTime() < cutoff)) {
      changed = true;
      const owner = (await c.workOrders.findOne({ _id: e.workOrderId }, { projection: { bookingId: 1 } })) ?? (await c.closedWorkOrders.findOne({ _id: e.workOrderId }, { projection: { bookingId: 1 } }));
      if (owner?.bookingId === e.bookingId) {
        calendar = calendars.patched(calendar, e.bookingId, { state: 'confirmed' });
      } else {
        calendar = calendars.without(calendar, e.bookingId);
        await c.bookings.deleteOne({ _id: e.bookingId });
        await c.slotClaims.deleteMany({ bookingId: e.bookingId });
        released++;
        log.warn({ bookingId: e.bookingId, engineerId, workOrderId: e.workOrderId }, 'orphaned pending booking released');
      }
    }
    return { calendar, released, changed };
  }

  async function sweepOrphans(engineerId: string): Promise<number> {
    return calendars.change(engineerId, async (cal) => {
      const swept = await sweep(engineerId, cal);
      return { calendar: swept.changed ? swept.calendar : null, result: swept.released };
    });
  }

  /** Inserts the claims in order; on the first duplicate removes what it inserted. Null when all are held. */
  async function claimSlots(req: BookingRequest, keys: string[]): Promise<string | null> {
    const docs = keys.map((key) => ({ _id: key, bookingId: req.bookingId, engineerId: req.engineerId, slotStart: new Date(key.slice(key.indexOf('|') + 1)) }));
    try {
      await c.slotClaims.insertMany(docs, { ordered: true });
      return null;
    } catch (error) {
      if (!isDuplicateKeyError(error) && !hasDuplicateWriteError(error)) throw error;
      const inserted = (error as { insertedCount?: number; result?: { insertedCount?: number } }).insertedCount ?? 0;
      // The ordered insert stopped at the first slot held by another booking.
      const blocking = await c.slotClaims.findOne({ _id: keys[inserted] ?? keys[0]! });
      await c.slotClaims.deleteMany({ bookingId: req.bookingId });
      return blocking && blocking.bookingId !== req.bookingId ? blocking.bookingId : 'unknown';
    }
  }

  async function book(req: BookingRequest): Promise<BookingResult> {
    return calendars.change(req.engineerId, async (cal): Promise<{ calendar: EngineerCalendar | null; result: BookingResult }> => {
      const swept = await sweep(req.engineerId, cal);
      const unchanged = swept.changed ? swept.calendar : null;
      // The calendar is the claims' copy: a clash there is refused before anything is written.
      const clash = clashIn(swept.calendar, { start: req.departAt, end: req.end });
      if (clash) return { calendar: unchanged, result: { ok: false, reason: 'clash', clashWith: clash.bookingId } };
      const booking: BookingDoc = { _id: req.bookingId, engineerId: req.engineerId, workOrderId: req.workOrderId, departAt: req.departAt, start: req.start, end: req.end, state: 'pending', createdAt: now() };
      try {
        await c.bookings.insertOne(booking);
      } catch (error) {
        if (isDuplicateKeyError(error)) return { calendar: unchanged, result: { ok: false, reason: 'round-taken' } };
        throw error;
      }
      const keys = slotClaimKeys(req.engineerId, { start: req.departAt, end: req.end });
      for (let attempt = 0; attempt < 2; attempt++) {
        const clashWith = await claimSlots(req, keys);
        if (clashWith === null) {
          const entry: CalendarEntry = { bookingId: booking._id, workOrderId: booking.workOrderId, departAt: booking.departAt, start: booking.start, end: booking.end, state: 'pending', createdAt: booking.createdAt };
          return { calendar: calendars.withEntry(swept.calendar, entry), result: { ok: true, booking } };
        }
        // A claim of a booking not on the calendar is debris of a release that died half-way: clear it and try once more.
        const holder = swept.calendar.entries.find((e) => e.bookingId === clashWith) ?? null;
        if (holder || clashWith === 'unknown' || attempt === 1) {
          await c.bookings.deleteOne({ _id: req.bookingId });
          return { calendar: unchanged, result: { ok: false, reason: 'clash', clashWith: holder?.bookingId ?? clashWith } };
        }
        await c.slotClaims.deleteMany({ bookingId: clashWith });
        log.warn({ orphanBookingId: clashWith, engineerId: req.engineerId }, 'claims of a missing booking removed');
      }
      await c.bookings.deleteOne({ _id: req.bookingId });
      return { calendar: unchanged, result: { ok: false, reason: 'clash', clashWith: null } };
    });
  }

  async function engineerOf(bookingId: string): Promise<BookingDoc> {
    const booking = await c.bookings.findOne({ _id: bookingId });
    if (!booking) throw new Error(`booking ${bookingId} not found`);
    return booking;
  }

  /**
   * The job ended early: the slots after `at` go back to the engineer. Calendar first, then the
   * claims: dying in between leaves claims the calendar no longer shows, cleared as debris.
   */
  async function trim(bookingId: string, at: Date): Promise<void> {
    const booking = await engineerOf(bookingId);
    await calendars.change(booking.engineerId, async (cal) => {
      const entry = cal.entries.find((e) => e.bookingId === bookingId);
      return { calendar: entry && entry.end > at ? calendars.patched(cal, bookingId, { end: at }) : null, result: undefined };
    });
    await c.slotClaims.deleteMany({ bookingId, slotStart: { $gte: new Date(ceilToSlot(at.getTime())) } });
    if (booking.end > at) await c.bookings.updateOne({ _id: bookingId }, { $set: { end: at } });
  }

  /**
   * The job overruns: claim the slots up to `until` for the same booking, then move its end. A slot
   * another booking still holds stops the extension and is reported (the caller re-plans that one first).
   */
  async function extend(bookingId: string, until: Date): Promise<{ ok: true } | { ok: false; clashWith: string }> {
    const booking = await engineerOf(bookingId);
    return calendars.change(booking.engineerId, async (cal): Promise<{ calendar: EngineerCalendar | null; result: { ok: true } | { ok: false; clashWith: string } }> => {
      const current = cal.entries.find((e) => e.bookingId === bookingId)?.end ?? booking.end;
      for (const key of slotClaimKeys(booking.engineerId, { start: current, end: until })) {
        try {
          await c.slotClaims.insertOne({ _id: key, bookingId, engineerId: booking.engineerId, slotStart: new Date(key.slice(key.indexOf('|') + 1)) });
        } catch (error) {
          if (!isDuplicateKeyError(error)) throw error;
          const holder = await c.slotClaims.findOne({ _id: key });
          if (holder && holder.bookingId !== bookingId) return { calendar: null, result: { ok: false, clashWith: holder.bookingId } };
        }
      }
      await c.bookings.updateOne({ _id: bookingId }, { $set: { end: until } });
      return { calendar: calendars.patched(cal, bookingId, { end: until }), result: { ok: true } };
    });
  }

  /** The work order holds the booking: its calendar entry is confirmed. */
  async function confirm(bookingId: string, engineerId?: string): Promise<void> {
    const owner = engineerId ?? (await engineerOf(bookingId)).engineerId;
    await calendars.change(owner, async (cal) => ({ calendar: calendars.patched(cal, bookingId, { state: 'confirmed' }), result: undefined }));
  }

  /** Bookings (pending ones too: they may hold slots) of these engineers touching [from, to), from their calendars. */
  async function busyOf(engineerIds: readonly string[] | null, window: Interval): Promise<Map<string, BookingDoc[]>> {
    const byEngineer = new Map<string, BookingDoc[]>();
    const all = engineerIds ? new Map(await Promise.all(engineerIds.map(async (id) => [id, await calendars.read(id)] as const))) : await calendars.readAll();
    for (const [engineerId, cal] of all) {
      const rows = cal.entries.filter((e) => e.end > window.start && e.departAt < window.end).map((e) => asBooking(engineerId, e));
      if (rows.length > 0) byEngineer.set(engineerId, rows);
    }
    return byEngineer;
  }

  return { book, confirm, trim, extend, release, sweepOrphans, busyOf, calendars };
}

export type BookingStore = ReturnType<typeof createBookingStore>;

function hasDuplicateWriteError(error: unknown): boolean {
  const writeErrors = (error as { writeErrors?: { code?: number }[] | { code?: number } }).writeErrors;
  const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
  return list.some((e) => e.code === 11000);
}
