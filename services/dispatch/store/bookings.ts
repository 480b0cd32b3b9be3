/**
 * Engineer bookings that never overlap, even under concurrent assignment on a store that does not
 * serialise updates of one document (FerretDB v1): every booking inserts one claim document per
 * 15-minute slot it covers, `_id = engineerId|slotStart`, in time order. A duplicate key means
 * another booking holds that slot: the loser deletes the claims it inserted and reports the clash.
 *
 * Crash safety: the booking document is inserted first in state `pending`, then its claims, then
 * the work order is committed, then the booking is confirmed. A process dying in between leaves a
 * pending booking; the next booking attempt on that engineer sweeps pending bookings older than the
 * orphan age: confirmed if the work order references it, released otherwise. A claim whose booking
 * is gone (a release that died half-way) is removed when a booking runs into it.
 */
import type { Logger } from 'pino';
import { isDuplicateKeyError } from '@aftersales/platform';
import type { Interval } from '../domain/assignment';
import { ceilToSlot, slotClaimKeys } from '../domain/schedule';
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
  collections: Pick<DispatchCollections, 'bookings' | 'slotClaims' | 'workOrders'>;
  now: () => Date;
  logger: Logger;
  orphanAgeMs?: number;
}

export function createBookingStore({ collections: c, now, logger, orphanAgeMs = DEFAULT_ORPHAN_AGE_MS }: BookingStoreDeps) {
  const log = logger.child({ module: 'bookings' });

  /** Deletes a booking, then its claims: a claim left behind is recognised as orphaned by its missing booking. */
  async function release(bookingId: string): Promise<void> {
    await c.bookings.deleteOne({ _id: bookingId });
    await c.slotClaims.deleteMany({ bookingId });
  }

  async function sweepOrphans(engineerId: string): Promise<number> {
    const stale = await c.bookings.find({ engineerId, state: 'pending', createdAt: { $lt: new Date(now().getTime() - orphanAgeMs) } }).toArray();
    let released = 0;
    for (const b of stale) {
      const owner = await c.workOrders.findOne({ _id: b.workOrderId, bookingId: b._id }, { projection: { _id: 1 } });
      if (owner) {
        await c.bookings.updateOne({ _id: b._id }, { $set: { state: 'confirmed' } });
      } else {
        await release(b._id);
        released++;
        log.warn({ bookingId: b._id, engineerId, workOrderId: b.workOrderId }, 'orphaned pending booking released');
      }
    }
    return released;
  }

  /** Inserts the claims in order; on the first duplicate removes what it inserted. Null when all are held. */
  async function claimSlots(req: BookingRequest, keys: string[]): Promise<string | null> {
    const docs = keys.map((key) => ({ _id: key, bookingId: req.bookingId, engineerId: req.engineerId, slotStart: new Date(key.slice(key.indexOf('|') + 1)) }));
    try {
      await c.slotClaims.insertMany(docs, { ordered: true });
      return null;
    } catch (error) {
      if (!isDuplicateKeyError(error) && !hasDuplicateWriteError(error)) throw error;
      await c.slotClaims.deleteMany({ bookingId: req.bookingId });
      // The first slot not ours is the one that clashed (ordered insert stopped there).
      const held = await c.slotClaims.find({ _id: { $in: keys } }).toArray();
      const blocking = held.filter((h) => h.bookingId !== req.bookingId).sort((a, b) => (a._id < b._id ? -1 : 1))[0];
      return blocking?.bookingId ?? 'unknown';
    }
  }

  async function book(req: BookingRequest): Promise<BookingResult> {
    await sweepOrphans(req.engineerId);
    const booking: BookingDoc = { _id: req.bookingId, engineerId: req.engineerId, workOrderId: req.workOrderId, departAt: req.departAt, start: req.start, end: req.end, state: 'pending', createdAt: now() };
    try {
      await c.bookings.insertOne(booking);
    } catch (error) {
      if (isDuplicateKeyError(error)) return { ok: false, reason: 'round-taken' };
      throw error;
    }
    const keys = slotClaimKeys(req.engineerId, { start: req.departAt, end: req.end });
    for (let attempt = 0; attempt < 2; attempt++) {
      const clashWith = await claimSlots(req, keys);
      if (clashWith === null) return { ok: true, booking };
      // A claim whose booking no longer exists is debris of a release that died half-way: clear it and try once more.
      const holder = clashWith === 'unknown' ? null : await c.bookings.findOne({ _id: clashWith }, { projection: { _id: 1 } });
      if (holder || attempt === 1) {
        await c.bookings.deleteOne({ _id: req.bookingId });
        return { ok: false, reason: 'clash', clashWith: holder?._id ?? clashWith };
      }
      await c.slotClaims.deleteMany({ bookingId: clashWith });
      log.warn({ orphanBookingId: clashWith, engineerId: req.engineerId }, 'claims of a missing booking removed');
    }
    return { ok: false, reason: 'clash', clashWith: null };
  }

  /**
   * The job ended early: the slots after `at` go back to the engineer. Claims first, then the booking's
   * end: dying in between leaves a booking longer than its claims (shown busy, never blocking for ever).
   */
  async function trim(bookingId: string, at: Date): Promise<void> {
    await c.slotClaims.deleteMany({ bookingId, slotStart: { $gte: new Date(ceilToSlot(at.getTime())) } });
    await c.bookings.updateOne({ _id: bookingId, end: { $gt: at } }, { $set: { end: at } });
  }

  /**
   * The job overruns: claim the slots up to `until` for the same booking, then move its end. A slot
   * another booking still holds stops the extension and is reported (the caller re-plans that one first).
   */
  async function extend(bookingId: string, until: Date): Promise<{ ok: true } | { ok: false; clashWith: string }> {
    const booking = await c.bookings.findOne({ _id: bookingId });
    if (!booking) throw new Error(`booking ${bookingId} not found`);
    for (const key of slotClaimKeys(booking.engineerId, { start: booking.end, end: until })) {
      try {
        await c.slotClaims.insertOne({ _id: key, bookingId, engineerId: booking.engineerId, slotStart: new Date(key.slice(key.indexOf('|') + 1)) });
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        const holder = await c.slotClaims.findOne({ _id: key });
        if (holder && holder.bookingId !== bookingId) return { ok: false, clashWith: holder.bookingId };
      }
    }
    await c.bookings.updateOne({ _id: bookingId }, { $set: { end: until } });
    return { ok: true };
  }

  async function confirm(bookingId: string): Promise<void> {
    await c.bookings.updateOne({ _id: bookingId }, { $set: { state: 'confirmed' } });
  }

  /** Bookings (pending ones too: they may hold slots) of these engineers touching [from, to). */
  async function busyOf(engineerIds: readonly string[] | null, window: Interval): Promise<Map<string, BookingDoc[]>> {
    const filter = { ...(engineerIds ? { engineerId: engineerIds.length === 1 ? engineerIds[0]! : { $in: [...engineerIds] } } : {}), end: { $gt: window.start }, departAt: { $lt: window.end } };
    const rows = await c.bookings.find(filter).toArray();
    const byEngineer = new Map<string, BookingDoc[]>();
    for (const r of rows) byEngineer.set(r.engineerId, [...(byEngineer.get(r.engineerId) ?? []), r]);
    return byEngineer;
  }

  return { book, confirm, trim, extend, release, sweepOrphans, busyOf };
}

export type BookingStore = ReturnType<typeof createBookingStore>;

function hasDuplicateWriteError(error: unknown): boolean {
  const writeErrors = (error as { writeErrors?: { code?: number }[] | { code?: number } }).writeErrors;
  const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
  return list.some((e) => e.code === 11000);
}
