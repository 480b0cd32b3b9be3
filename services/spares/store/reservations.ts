import { isDuplicateKeyError, PlatformError, UnprocessableError } from '@aftersales/platform';
import type { Logger } from 'pino';
import { claimKey, freeUnitNumbers, linesFromClaims, reservationOrder, stockLevel, type StockLevel } from '../domain/stock';
import type { ReservationDoc, ReservationLine, SparesStore, UnitClaimDoc } from './collections';
import { withEvent, type Cause, type EventContext } from './events';

/** How often one location is looked at again after losing races for its units. */
const claimPasses = 3;

export interface ReserveInput {
  reservationId: string;
  workOrderId: string;
  requestId: string;
  engineerId: string | null;
  lines: { partNumber: string; quantity: number }[];
  ttlMs: number;
  by: string;
}

export class InsufficientStock extends PlatformError {
  constructor(
    field: string,
    readonly partNumber: string,
    readonly short: number,
  ) {
    super(`not enough ${partNumber} in reach: ${short} short`, { status: 409, code: 'insufficient_stock', field });
  }
}

/**
 * Reservations that never oversell, on any Mongo: each reserved unit is an insert into its unit
 * number's unique key, so two reservations can never hold the same unit, whatever the
 * interleaving. A duplicate key means someone else took that unit: move on to the next number.
 */
export function createReservationBook(store: SparesStore, ctx: EventContext, log: Logger) {
  async function received(partNumber: string, locationId: string): Promise<number> {
    const receipts = await store.receipts.find({ partNumber, locationId }, { projection: { quantity: 1 } }).toArray();
    return receipts.reduce((sum, r) => sum + r.quantity, 0);
  }

  async function claimedNumbers(partNumber: string, locationId: string): Promise<number[]> {
    const claims = await store.claims.find({ partNumber, locationId }, { projection: { unitNo: 1 } }).toArray();
    return claims.map((c) => c.unitNo);
  }

  /** Claims up to `wanted` free units of a part at one location; returns the claims it won. */
  async function claimUnits(partNumber: string, locationId: string, wanted: number, owner: Pick<UnitClaimDoc, 'state' | 'reservationId' | 'workOrderId'>): Promise<UnitClaimDoc[]> {
    const won: UnitClaimDoc[] = [];
    const total = await received(partNumber, locationId);
    if (total === 0) return won;
    // Units seen free may be taken by the time we insert, and taken ones given back meanwhile:
    // after losing races, look again (a few times) before calling the location short.
    for (let pass = 0, lost = true; pass < claimPasses && lost && won.length < wanted; pass++) {
      lost = false;
      const mine = won.map((c) => c.unitNo);
      for (const unitNo of freeUnitNumbers(total, [...(await claimedNumbers(partNumber, locationId)), ...mine])) {
        if (won.length === wanted) break;
        const claim: UnitClaimDoc = { _id: claimKey(partNumber, locationId, unitNo), partNumber, locationId, unitNo, claimedAt: ctx.now(), ...owner };
        try {
          await store.claims.insertOne(claim);
          won.push(claim);
        } catch (error) {
          if (!isDuplicateKeyError(error)) throw error;
          lost = true;
        }
      }
    }
    return won;
  }

  async function locationsFor(engineerId: string | null) {
    const all = await store.locations.find({}).toArray();
    return reservationOrder(all.map((l) => ({ id: l._id, kind: l.kind, engineerId: l.engineerId })), engineerId);
  }

  async function dropClaims(ids: string[]): Promise<void> {
    if (ids.length) await store.claims.deleteMany({ _id: { $in: ids }, state: 'reserved' });
  }

  return {
    /**
     * Reserves every line, nearest location first and split across locations when one has too
     * few; all or nothing: a short line gives back what was claimed, records a backorder and
     * answers 409 naming the line.
     */
    async reserve(input: ReserveInput, cause: Cause): Promise<ReservationDoc> {
      const locations = await locationsFor(input.engineerId);
      const taken: UnitClaimDoc[] = [];
      try {
        for (const [i, line] of input.lines.entries()) {
          let need = line.quantity;
          for (const location of locations) {
            if (need === 0) break;
            const won = await claimUnits(line.partNumber, location.id, need, { state: 'reserved', reservationId: input.reservationId, workOrderId: input.workOrderId });
            taken.push(...won);
            need -= won.length;
          }
          if (need > 0) {
            await dropClaims(taken.map((c) => c._id));
            taken.length = 0;
            await store.backorders.insertOne({
              _id: `${input.reservationId}|${line.partNumber}`,
              workOrderId: input.workOrderId,
              requestId: input.requestId,
              partNumber: line.partNumber,
              quantity: need,
              at: ctx.now(),
              ...withEvent(ctx, 'parts.backordered@1', input.workOrderId, { workOrderId: input.workOrderId, requestId: input.requestId, partNumber: line.partNumber, quantity: need, expectedAt: null, at: ctx.now().toISOString() }, cause),
            }).catch((error: unknown) => {
              if (!isDuplicateKeyError(error)) throw error;
            });
            throw new InsufficientStock(`lines[${i}].quantity`, line.partNumber, need);
          }
        }
        const reservedAt = ctx.now();
        const expiresAt = new Date(reservedAt.getTime() + input.ttlMs);
        const lines: ReservationLine[] = linesFromClaims(taken);
        const doc: ReservationDoc = {
          _id: input.reservationId,
          workOrderId: input.workOrderId,
          requestId: input.requestId,
          lines,
          reservedAt,
          expiresAt,
          by: input.by,
          ...withEvent(ctx, 'parts.reserved@1', input.workOrderId, { reservationId: input.reservationId, workOrderId: input.workOrderId, requestId: input.requestId, lines, expiresAt: expiresAt.toISOString(), reservedAt: reservedAt.toISOString() }, cause),
        };
        await store.reservations.insertOne(doc);
        log.info({ reservationId: doc._id, workOrderId: doc.workOrderId, lines }, 'parts reserved');
        return doc;
      } catch (error) {
        await dropClaims(taken.map((c) => c._id)).catch((err: unknown) => log.warn({ err, reservationId: input.reservationId }, 'claims left for the expiry sweep'));
        throw error;
      }
    },

    /**
     * Ends a reservation once (the unique key on its end settles a release racing a consumption)
     * and gives its still-reserved units back. Returns false when it had already ended.
     */
    async release(reservationId: string, reason: 'cancelled' | 'expired' | 'replaced', cause: Cause): Promise<boolean> {
      const reservation = await store.reservations.findOne({ _id: reservationId });
      if (!reservation) throw new UnprocessableError('reservationId', `reservation ${reservationId} not found`);
      try {
        await store.reservationEnds.insertOne({
          _id: reservationId,
          workOrderId: reservation.workOrderId,
          kind: 'released',
          reason,
          at: ctx.now(),
          ...withEvent(ctx, 'parts.released@1', reservation.workOrderId, { reservationId, workOrderId: reservation.workOrderId, requestId: reservation.requestId, reason, at: ctx.now().toISOString() }, cause),
        });
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        // Ended before; a crash may have left its units claimed, so the give-back is repeated.
        const end = await store.reservationEnds.findOne({ _id: reservationId });
        if (end?.kind === 'released') await store.claims.deleteMany({ reservationId, state: 'reserved' });
        return false;
      }
      await store.claims.deleteMany({ reservationId, state: 'reserved' });
      log.info({ reservationId, workOrderId: reservation.workOrderId, reason }, 'reservation released');
      return true;
    },

    /** Open reservations of a work order (not yet consumed or released). */
    async openFor(workOrderId: string): Promise<ReservationDoc[]> {
      const reservations = await store.reservations.find({ workOrderId }).toArray();
      const ended = new Set((await store.reservationEnds.find({ _id: { $in: reservations.map((r) => r._id) } }, { projection: { _id: 1 } }).toArray()).map((e) => e._id));
      return reservations.filter((r) => !ended.has(r._id));
    },

    /** Marks a reservation consumed, once; false when it had ended already (expired or released). */
    async markConsumed(reservation: ReservationDoc): Promise<boolean> {
      try {
        await store.reservationEnds.insertOne({ _id: reservation._id, workOrderId: reservation.workOrderId, kind: 'consumed', reason: 'consumed', at: ctx.now() });
        return true;
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        const end = await store.reservationEnds.findOne({ _id: reservation._id });
        return end?.kind === 'consumed';
      }
    },

    claimUnits,
    locationsFor,

    async receive(partNumber: string, locationId: string, quantity: number, by: string): Promise<void> {
      // A receipt number is claimed like a unit: concurrent receipts never overwrite each other.
      for (let seq = (await store.receipts.countDocuments({ partNumber, locationId })) + 1; ; seq++) {
        try {
          await store.receipts.insertOne({ _id: `${partNumber}|${locationId}|${seq}`, partNumber, locationId, quantity, receivedAt: ctx.now(), by });
          return;
        } catch (error) {
          if (!isDuplicateKeyError(error)) throw error;
        }
      }
    },

    /** Ships units to another location: claimed at the origin now (all or nothing), received at the destination on arrival. */
    async ship(transferId: string, partNumber: string, fromLocationId: string, toLocationId: string, quantity: number, by: string): Promise<void> {
      const won = await claimUnits(partNumber, fromLocationId, quantity, { state: 'shipped', reservationId: null, workOrderId: transferId });
      if (won.length < quantity) {
        await store.claims.deleteMany({ _id: { $in: won.map((c) => c._id) }, state: 'shipped' });
        throw new InsufficientStock('quantity', partNumber, quantity - won.length);
      }
      await store.transfers.insertOne({ _id: transferId, partNumber, fromLocationId, toLocationId, quantity, shippedAt: ctx.now(), by });
    },

    /** The transfer arrived: its units become receipts at the destination, once (the receipt is keyed by the transfer). */
    async arrive(transferId: string, by: string): Promise<boolean> {
      const transfer = await store.transfers.findOne({ _id: transferId });
      if (!transfer) throw new UnprocessableError('id', `transfer ${transferId} not found`);
      try {
        await store.receipts.insertOne({ _id: `${transfer.partNumber}|${transfer.toLocationId}|transfer:${transferId}`, partNumber: transfer.partNumber, locationId: transfer.toLocationId, quantity: transfer.quantity, receivedAt: ctx.now(), by, transferId });
        return true;
      } catch (error) {
        if (isDuplicateKeyError(error)) return false;
        throw error;
      }
    },

    async levels(filter: { partNumber?: string; locationId?: string }): Promise<StockLevel[]> {
      const q = { ...(filter.partNumber ? { partNumber: filter.partNumber } : {}), ...(filter.locationId ? { locationId: filter.locationId } : {}) };
      const tq = { ...(filter.partNumber ? { partNumber: filter.partNumber } : {}), ...(filter.locationId ? { toLocationId: filter.locationId } : {}) };
      const [receipts, claims, transfers] = await Promise.all([
        store.receipts.find(q).toArray(),
        store.claims.find(q, { projection: { partNumber: 1, locationId: 1, state: 1 } }).toArray(),
        store.transfers.find(tq).toArray(),
      ]);
      const keys = new Map<string, { partNumber: string; locationId: string; received: number; reserved: number; consumed: number; shipped: number; inTransit: number }>();
      const at = (partNumber: string, locationId: string) => {
        const key = `${partNumber}|${locationId}`;
        const entry = keys.get(key) ?? { partNumber, locationId, received: 0, reserved: 0, consumed: 0, shipped: 0, inTransit: 0 };
        keys.set(key, entry);
        return entry;
      };
      for (const r of receipts) at(r.partNumber, r.locationId).received += r.quantity;
      for (const c of claims) at(c.partNumber, c.locationId)[c.state] += 1;
      const arrived = new Set(receipts.flatMap((r) => (r.transferId ? [r.transferId] : [])));
      for (const t of transfers) if (!arrived.has(t._id)) at(t.partNumber, t.toLocationId).inTransit += t.quantity;
      return [...keys.values()]
        .sort((a, b) => a.partNumber.localeCompare(b.partNumber) || a.locationId.localeCompare(b.locationId))
        .map((e) => stockLevel(e.partNumber, e.locationId, e.received, { reserved: e.reserved, consumed: e.consumed + e.shipped }, e.inTransit));
    },
  };
}

export type ReservationBook = ReturnType<typeof createReservationBook>;
