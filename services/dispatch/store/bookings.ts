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
 * Crash safety: the booking document is inserted in state `pending`, then its claims. An
 * assignment (a `commit` given) then stores its work order's change under the same lock (beside
 * the shard's next stamp, store/calendars.ts) and only then writes the calendar entry, already
 * `confirmed`: one lock round, and the calendar never shows a booking nobody accepted; what follows
 * (`accepted`: the work order settled) starts beside the lock's release. A process dying after the work order's change but before the
 * calendar write leaves claims the calendar does not show; a booking that runs into them asks the
 * work order (its open copy, then its next change) whether it holds them: if so, the entry is put
 * back on the calendar and the booking refused as a clash, otherwise they are debris and cleared.
 * A retry of the assignment collides on the round's booking and calls `resume`, which decides under
 * that booking's engineer's lock (domain/round-recovery.ts): a booking the work order's change
 * names is finished (entry confirmed, the caller settles the work order); one nobody holds is its
 * dead attempt's and is released (claims, then the booking), and the retry books afresh.
 * A booking without `commit` (seeding, tests) writes a `pending` entry that `confirm` confirms;
 * the next booking on that engineer sweeps pending entries older than the orphan age: confirmed if
 * the work order holds them, released otherwise.
 */
import type { Logger } from 'pino';
import { isDuplicateKeyError, bulkWriteInChunks } from '@aftersales/platform';
import type { Interval } from '../domain/assignment';
import { clashIn, type CalendarEntry, type EngineerCalendar } from '../domain/calendar';
import { recoverRound, type RoundHold } from '../domain/round-recovery';
import { ceilToSlot, slotClaimKeys } from '../domain/schedule';
import { createCalendars } from './calendars';
import type { DispatchFaultPoint } from './fault-points';
import type { BookingDoc, DispatchCollections, WorkOrderDoc } from './models';

export const DEFAULT_ORPHAN_AGE_MS = 60_000;

export interface BookingRequest {
  bookingId: string;
  engineerId: string;
  workOrderId: string;
  departAt: Date;
  start: Date;
  end: Date;
}

/** A booking whose slot is chosen on the calendar as read under the lock, and whose work order is committed there too. */
export interface PlannedBooking {
  bookingId: string;
  engineerId: string;
  workOrderId: string;
  /** The slot on the engineer's calendar (read under the lock); a throw refuses the booking before anything is written. */
  slot: (calendar: EngineerCalendar) => Pick<BookingRequest, 'departAt' | 'start' | 'end'>;
  /** Stores the work order's side once the slots are held; a throw gives the slots back and is passed on. */
  commit: (booking: BookingDoc) => Promise<void>;
  /** What follows once the calendar shows the booking (the work order settled): started beside the lock's release. */
  accepted?: (booking: BookingDoc) => Promise<void>;
}

export type BookingResult =
  | { ok: true; booking: BookingDoc }
  | { ok: false; reason: 'clash'; clashWith: string | null; over?: Interval }
  | { ok: false; reason: 'round-taken' };

/** What `resume` found on a round an earlier attempt claimed (see domain/round-recovery.ts). */
export type RoundResume =
  /** No booking holds the round (any more): book it afresh. */
  | { kind: 'free' }
  /** Accepted: the calendar shows it confirmed now; `change` is the work order's stored change still to settle (null: settled). */
  | { kind: 'accepted'; booking: BookingDoc; change: WorkOrderDoc | null }
  /** Shown pending and held by no work order, not yet stale. */
  | { kind: 'busy'; retryInMs: number };

export interface BookingStoreDeps {
  collections: Pick<DispatchCollections, 'bookings' | 'slotClaims' | 'workOrders' | 'closedWorkOrders' | 'workOrderChanges' | 'calendars' | 'calendarLocks' | 'calendarStamps'>;
  now: () => Date;
  logger: Logger;
  orphanAgeMs?: number;
  /** Fault injection (tests only): called at named points of the booking's writes. */
  fault?: (point: DispatchFaultPoint) => void;
}

function asBooking(engineerId: string, e: CalendarEntry): BookingDoc {
  return { _id: e.bookingId, engineerId, workOrderId: e.workOrderId, departAt: e.departAt, start: e.start, end: e.end, state: e.state, createdAt: e.createdAt };
}

export function createBookingStore({ collections: c, now, logger, orphanAgeMs = DEFAULT_ORPHAN_AGE_MS, fault = () => undefined }: BookingStoreDeps) {
  const log = logger.child({ module: 'bookings' });
  const calendars = createCalendars(c, now);

  /** Frees a booking's slots: its calendar entry first (the truth ranking reads), then its claims. */
  async function release(bookingId: string): Promise<void> {
    const booking = await c.bookings.findOne({ _id: bookingId }, { projection: { engineerId: 1 } });
    // The calendar's entry says which slots are the booking's now (a trim moves its end there first).
    const entry = booking ? await calendars.change(booking.engineerId, async (cal) => ({ calendar: calendars.without(cal, bookingId), result: cal.entries.find((e) => e.bookingId === bookingId) ?? null })) : null;
    await c.bookings.deleteOne({ _id: bookingId });
    // By key: a filter on bookingId reads every claim ever stored. Claims past the entry's end (an
    // extension that died before moving it) are debris, cleared when a booking runs into them.
    if (booking && entry) await unclaim(slotClaimKeys(booking.engineerId, { start: entry.departAt, end: entry.end }));
    else await c.slotClaims.deleteMany({ bookingId });
  }

  /** Deletes claims this booking holds by their keys, in one command of `_id` deletes. */
  async function unclaim(keys: readonly string[]): Promise<void> {
    if (keys.length > 0) await bulkWriteInChunks(c.slotClaims, keys.map((key) => ({ deleteOne: { filter: { _id: key } } })), { ordered: false });
  }

  /**
   * Whether a work order holds a booking: its open copy says so, or its next change (stored by a
   * process that died before updating the work order) does. Reads by `_id` only; recovery paths only.
   */
  async function heldByWorkOrder(workOrderId: string, bookingId: string): Promise<boolean> {
    return (await holdOf(workOrderId, bookingId)).hold !== 'none';
  }

  /** How far the work order holds the booking, with the change that names it when the work order does not yet. */
  async function holdOf(workOrderId: string, bookingId: string): Promise<{ hold: RoundHold; change: WorkOrderDoc | null }> {
    const open = await c.workOrders.findOne({ _id: workOrderId });
    const wo = open ?? (await c.closedWorkOrders.findOne({ _id: workOrderId }));
    if (!wo) return { hold: 'none', change: null };
    if (wo.bookingId === bookingId) return { hold: 'settled', change: null };
    const ahead = await c.workOrderChanges.findOne({ _id: `${workOrderId}#${wo.version + 1}` });
    return ahead?.snapshot.bookingId === bookingId ? { hold: 'recorded', change: ahead.snapshot } : { hold: 'none', change: null };
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
        await unclaim(slotClaimKeys(engineerId, { start: e.departAt, end: e.end }));
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
  async function claimSlots(booking: BookingDoc, keys: string[]): Promise<{ bookingId: string; key: string } | 'unknown' | null> {
    const docs = keys.map((key) => ({ _id: key, bookingId: booking._id, engineerId: booking.engineerId, slotStart: new Date(key.slice(key.indexOf('|') + 1)) }));
    try {
      await c.slotClaims.insertMany(docs, { ordered: true });
      return null;
    } catch (error) {
      if (!isDuplicateKeyError(error) && !hasDuplicateWriteError(error)) throw error;
      const inserted = (error as { insertedCount?: number; result?: { insertedCount?: number } }).insertedCount ?? 0;
      // The ordered insert stopped at the first slot held by another booking: the ones before it are ours.
      const key = keys[inserted] ?? keys[0]!;
      const blocking = await c.slotClaims.findOne({ _id: key });
      await unclaim(keys.slice(0, inserted));
      return blocking && blocking.bookingId !== booking._id ? { bookingId: blocking.bookingId, key } : 'unknown';
    }
  }

  /**
   * A claim whose booking the calendar does not show. Its booking accepted (its work order holds it;
   * a process died before writing the calendar) and still holding that slot: the entry goes back
   * on the calendar. A claim outside what its booking holds (a trim or release that died half-way,
   * a job over) or of a booking nobody holds is debris and is cleared. Under the lock; a recovery
   * path, so `_id` reads of what grows are fine here.
   */
  async function strayClaim(cal: EngineerCalendar, claim: { bookingId: string; key: string }): Promise<{ calendar: EngineerCalendar; accepted: boolean }> {
    const { bookingId, key } = claim;
    const stray = await c.bookings.findOne({ _id: bookingId });
    const slotStart = new Date(key.slice(key.indexOf('|') + 1));
    const holds = stray !== null && slotClaimKeys(stray.engineerId, { start: stray.departAt, end: stray.end }).includes(key) && ceilToSlot(stray.end.getTime()) > now().getTime();
    if (stray && holds && (await heldByWorkOrder(stray.workOrderId, bookingId))) {
      log.warn({ bookingId, engineerId: stray.engineerId }, 'accepted booking missing from the calendar put back');
      const entry: CalendarEntry = { bookingId, workOrderId: stray.workOrderId, departAt: stray.departAt, start: stray.start, end: stray.end, state: 'confirmed', createdAt: stray.createdAt };
      return { calendar: calendars.withEntry(cal, entry), accepted: true };
    }
    if (stray) await unclaim([key]);
    else await c.slotClaims.deleteMany({ bookingId });
    log.warn({ orphanBookingId: bookingId, slotStart }, stray ? 'claim outside its booking removed' : 'claims of a missing booking removed');
    return { calendar: cal, accepted: false };
  }

  /**
   * Books the engineer: refuses a clash on the calendar before writing anything, then inserts the
   * booking (the claim on the work order's round) and its slot claims; with `commit`, stores the
   * work order's change before the calendar entry is written (confirmed), all under one lock.
   */
  async function book(req: BookingRequest | PlannedBooking): Promise<BookingResult> {
    return calendars.change(req.engineerId, async (cal, stampAhead): Promise<{ calendar: EngineerCalendar | null; result: BookingResult; afterWrite?: () => Promise<void> }> => {
      const swept = await sweep(req.engineerId, cal);
      let calendar = swept.calendar;
      let changed = swept.changed;
      const refuse = (result: BookingResult) => ({ calendar: changed ? calendar : null, result });
      // An entry of this very round is an earlier attempt's: the booking insert below collides with
      // it and the caller resumes that attempt (`resume`), so it neither moves the slot nor clashes.
      const slot = 'slot' in req ? req.slot(calendars.without(calendar, req.bookingId)) : req;
      // The calendar is the claims' copy: a clash there is refused before anything is written.
      const clash = clashIn(calendar, { start: slot.departAt, end: slot.end }, req.bookingId);
      if (clash) return refuse({ ok: false, reason: 'clash', clashWith: clash.bookingId, over: { start: slot.departAt, end: slot.end } });
      const booking: BookingDoc = { _id: req.bookingId, engineerId: req.engineerId, workOrderId: req.workOrderId, departAt: slot.departAt, start: slot.start, end: slot.end, state: 'pending', createdAt: now() };
      try {
        await c.bookings.insertOne(booking);
      } catch (error) {
        if (isDuplicateKeyError(error)) return refuse({ ok: false, reason: 'round-taken' });
        throw error;
      }
      fault('booking-insert');
      const keys = slotClaimKeys(req.engineerId, { start: slot.departAt, end: slot.end });
      let blocked = await claimSlots(booking, keys);
      // Each stray claim cleared lets the insert go one slot further; a booking holds few slots.
      for (let tries = 0; blocked !== null && blocked !== 'unknown' && tries < keys.length; tries++) {
        const { bookingId: holder, key } = blocked;
        const known = calendar.entries.find((e) => e.bookingId === holder);
        // The calendar shows that booking holding this slot: a true clash (another process's, just written).
        if (known && slotClaimKeys(req.engineerId, { start: known.departAt, end: known.end }).includes(key)) break;
        const stray = await strayClaim(calendar, blocked);
        calendar = stray.calendar;
        changed ||= stray.accepted;
        if (stray.accepted) break;
        blocked = await claimSlots(booking, keys);
      }
      if (blocked !== null) {
        await c.bookings.deleteOne({ _id: req.bookingId });
        return refuse({ ok: false, reason: 'clash', clashWith: blocked === 'unknown' ? null : blocked.bookingId, over: { start: slot.departAt, end: slot.end } });
      }
      if ('commit' in req) {
        // The change and the shard's next stamp side by side: the stamp only says "read this shard again".
        const [committed, stamped] = await Promise.allSettled([req.commit(booking), stampAhead()]);
        if (committed.status === 'rejected') {
          await unclaim(keys);
          await c.bookings.deleteOne({ _id: req.bookingId });
          throw committed.reason;
        }
        fault('work-order-change');
        // The change is stored, so the booking is accepted: a retry resumes the round (finishes it).
        if (stamped.status === 'rejected') throw stamped.reason;
      }
      const entry: CalendarEntry = { bookingId: booking._id, workOrderId: booking.workOrderId, departAt: booking.departAt, start: booking.start, end: booking.end, state: 'commit' in req ? 'confirmed' : 'pending', createdAt: booking.createdAt };
      const accepted = 'accepted' in req ? req.accepted : undefined;
      return { calendar: calendars.withEntry(calendar, entry), result: { ok: true, booking }, ...(accepted ? { afterWrite: () => accepted(booking) } : {}) };
    });
  }

  /**
   * The round's booking left by an earlier attempt (the booking insert collided): decided under its
   * engineer's lock, where no live attempt can be half-way (domain/round-recovery.ts). Accepted: its
   * entry goes on the calendar, confirmed, and the caller settles the work order with `change`.
   * Never accepted: its claims (those still its own), then the booking itself are deleted, the
   * round's key last, so a crash in between leaves the same decision for the next retry.
   */
  async function resume(bookingId: string): Promise<RoundResume> {
    const found = await c.bookings.findOne({ _id: bookingId }, { projection: { engineerId: 1 } });
    if (!found) return { kind: 'free' };
    const outcome = await calendars.change(found.engineerId, async (cal): Promise<{ calendar: EngineerCalendar | null; result: RoundResume | { kind: 'release'; booking: BookingDoc } }> => {
      const swept = await sweep(found.engineerId, cal);
      const keep = swept.changed ? swept.calendar : null;
      const booking = await c.bookings.findOne({ _id: bookingId });
      if (!booking) return { calendar: keep, result: { kind: 'free' } };
      const entry = swept.calendar.entries.find((e) => e.bookingId === bookingId) ?? null;
      const { hold, change } = await holdOf(booking.workOrderId, bookingId);
      const decision = recoverRound({ hold, entry: entry?.state ?? null, ageMs: now().getTime() - booking.createdAt.getTime() }, orphanAgeMs);
      log.warn({ bookingId, engineerId: booking.engineerId, hold, entry: entry?.state ?? null, action: decision.action }, 'assignment round resumed');
      switch (decision.action) {
        case 'finish': {
          const confirmed: CalendarEntry = { bookingId, workOrderId: booking.workOrderId, departAt: booking.departAt, start: booking.start, end: booking.end, state: 'confirmed', createdAt: booking.createdAt };
          return { calendar: decision.writeEntry ? calendars.withEntry(swept.calendar, confirmed) : keep, result: { kind: 'accepted', booking: { ...booking, state: 'confirmed' }, change: decision.settle ? change : null } };
        }
        case 'wait':
          return { calendar: keep, result: { kind: 'busy', retryInMs: decision.retryInMs } };
        case 'release':
          // Off the calendar first (written when this returns), then the claims and the round's key.
          return { calendar: entry ? calendars.without(swept.calendar, bookingId) : keep, result: { kind: 'release', booking } };
      }
    });
    if (outcome.kind !== 'release') return outcome;
    const { booking } = outcome;
    // Only claims still this booking's: a stray-claim sweep may have given one to another booking since.
    const keys = slotClaimKeys(booking.engineerId, { start: booking.departAt, end: booking.end });
    await bulkWriteInChunks(c.slotClaims, keys.map((key) => ({ deleteOne: { filter: { _id: key, bookingId } } })), { ordered: false });
    await c.bookings.deleteOne({ _id: bookingId });
    log.warn({ bookingId, engineerId: booking.engineerId, workOrderId: booking.workOrderId }, 'unaccepted booking of a dead attempt released');
    return { kind: 'free' };
  }

  async function engineerOf(bookingId: string): Promise<BookingDoc> {
    const booking = await c.bookings.findOne({ _id: bookingId });
    if (!booking) throw new Error(`booking ${bookingId} not found`);
    return booking;
  }

  /**
   * The job ended early: the slots after `at` go back to the engineer. Calendar and booking first,
   * then the claims: dying in between leaves claims outside the booking, which a booking that runs
   * into them clears as debris (with the booking's end moved last, they would look held and its
   * entry would be put back on the calendar).
   * The claims go by key (a filter on bookingId reads every claim ever stored): the slots from the
   * first one starting at or after `at` to the later of the booking's and its entry's ends.
   */
  async function trim(bookingId: string, at: Date): Promise<void> {
    const booking = await engineerOf(bookingId);
    const entryEnd = await calendars.change(booking.engineerId, async (cal) => {
      const entry = cal.entries.find((e) => e.bookingId === bookingId);
      return { calendar: entry && entry.end > at ? calendars.patched(cal, bookingId, { end: at }) : null, result: entry?.end ?? null };
    });
    const end = entryEnd && entryEnd > booking.end ? entryEnd : booking.end;
    const from = new Date(Math.max(ceilToSlot(at.getTime()), booking.departAt.getTime()));
    if (booking.end > at) await c.bookings.updateOne({ _id: bookingId }, { $set: { end: at } });
    if (from < end) await unclaimOwn(booking.engineerId, bookingId, slotClaimKeys(booking.engineerId, { start: from, end }));
  }

  /**
   * Deletes those of `keys` this booking still holds, each by `_id`, under the engineer's lock: a
   * key another booking took (after a stray-claim sweep gave it back) stays, and no booking can take
   * one between the check and the delete, since claims are inserted under that lock too.
   */
  async function unclaimOwn(engineerId: string, bookingId: string, keys: readonly string[]): Promise<void> {
    await calendars.change(engineerId, async () => {
      const claims = await Promise.all(keys.map((key) => c.slotClaims.findOne({ _id: key }, { projection: { bookingId: 1 } })));
      await unclaim(keys.filter((_, i) => claims[i]?.bookingId === bookingId));
      return { calendar: null, result: undefined };
    });
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

  return { book, resume, confirm, trim, extend, release, sweepOrphans, busyOf, calendars };
}

export type BookingStore = ReturnType<typeof createBookingStore>;

function hasDuplicateWriteError(error: unknown): boolean {
  const writeErrors = (error as { writeErrors?: { code?: number }[] | { code?: number } }).writeErrors;
  const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
  return list.some((e) => e.code === 11000);
}
