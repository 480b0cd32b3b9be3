import { insertedOnce, isDuplicateKeyError, NotFoundError, PlatformError, UnprocessableError } from '@aftersales/platform';
import type { Logger } from 'pino';
import { claimKey, freeUnitNumbers, linesFromClaims, probeOrder, reservationOrder, stockLevel, type StockLevel } from '../domain/stock';
import type { ReservationDoc, ReservationLine, SparesStore, UnitClaimDoc } from './collections';
import { withEvent, type Cause, type EventContext } from './events';
import { createStockCards } from './stock-cards';

/** How often one location's units are tried again after losing races for them (a unit taken may be given back meanwhile). */
const claimPasses = 2;
/** Contenders start at one of the lowest this many free numbers (at random), so they collide less. */
const spread = 8;

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
 *
 * Every read and write here is by `_id` or a unique insert (FerretDB v1 scans any other filter,
 * so a path that filtered by part and location cost more with every unit ever received or
 * consumed): what a location holds comes from its stock card, the units are tried by inserting
 * their claims from the card's hint up, a reservation keeps its claims' ids to give them back,
 * and a work order's reservations are listed in entries `work order|n`.
 */
export function createReservationBook(store: SparesStore, ctx: EventContext, log: Logger) {
  const cards = createStockCards(store, () => ctx.now());

  /**
   * Claims up to `wanted` free units of a part at one location, near the lowest numbers above the
   * card's hint; returns the claims it won. `card` when the caller has read it already.
   */
  async function claimUnits(partNumber: string, locationId: string, wanted: number, owner: Pick<UnitClaimDoc, 'state' | 'reservationId' | 'workOrderId'>, card?: { received: number; goneBelow: number } | null): Promise<UnitClaimDoc[]> {
    const won: UnitClaimDoc[] = [];
    if (wanted <= 0) return won;
    const known = card === undefined ? await cards.read(partNumber, locationId) : card;
    if (!known?.received) return won;
    // A unit held now may be given back by the time the last number was tried: after losing
    // races, try once more before calling the location short.
    for (let pass = 0, lost = true; pass < claimPasses && lost && won.length < wanted; pass++) {
      lost = false;
      const mine = won.map((c) => c.unitNo);
      const free = freeUnitNumbers(known.received, mine, known.goneBelow);
      for (const unitNo of probeOrder(free, Math.random() * Math.min(free.length, spread))) {
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

  /** Claims this process won and nobody else deletes (see release), given back by `_id`. */
  async function dropClaims(ids: string[]): Promise<void> {
    await Promise.all(ids.map((_id) => store.claims.deleteOne({ _id })));
  }

  /** Lists a reservation under its work order: the first free entry `work order|n`. A work order has few. */
  async function listReservation(workOrderId: string, reservationId: string): Promise<void> {
    for (let n = 1; !(await insertedOnce(store.workOrderReservations.insertOne({ _id: `${workOrderId}|${n}`, workOrderId, reservationId }))); n++);
  }

  /** A work order's stored reservations, in the order they were made (entries of failed attempts name none). */
  async function reservationsOf(workOrderId: string): Promise<ReservationDoc[]> {
    const ids: string[] = [];
    for (let n = 1; ; n++) {
      const entry = await store.workOrderReservations.findOne({ _id: `${workOrderId}|${n}` });
      if (!entry) break;
      if (!ids.includes(entry.reservationId)) ids.push(entry.reservationId);
    }
    const found = await Promise.all(ids.map((_id) => store.reservations.findOne({ _id })));
    return found.flatMap((r) => (r ? [r] : [])).sort((a, b) => a.reservedAt.getTime() - b.reservedAt.getTime());
  }

  /** A reservation's claims as they stand (by `_id`); reservations stored before claim ids were kept are looked up by filter. */
  async function claimsOf(reservation: ReservationDoc): Promise<UnitClaimDoc[]> {
    if (!reservation.claimIds) return store.claims.find({ reservationId: reservation._id }).toArray();
    const claims = await Promise.all(reservation.claimIds.map((_id) => store.claims.findOne({ _id })));
    return claims.flatMap((c) => (c?.reservationId === reservation._id ? [c] : []));
  }

  /** Gives back a reservation's units still reserved, after its end was stored by this caller (so nobody else gives them back or consumes them). */
  async function giveBack(reservation: ReservationDoc): Promise<void> {
    if (reservation.claimIds) await dropClaims(reservation.claimIds);
    else await store.claims.deleteMany({ reservationId: reservation._id, state: 'reserved' });
  }

  return {
    /**
     * Reserves every line, nearest location first and split across locations when one has too
     * few; all or nothing: a short line gives back what was claimed, records a backorder and
     * answers 409 naming the line.
     */
    async reserve(input: ReserveInput, cause: Cause): Promise<ReservationDoc> {
      const locations = await locationsFor(input.engineerId);
      // Listed first, so a reservation stored is always found from its work order (cancel, report).
      await listReservation(input.workOrderId, input.reservationId);
      const taken: UnitClaimDoc[] = [];
      try {
        for (const [i, line] of input.lines.entries()) {
          let need = line.quantity;
          const stock = await cards.stockOf(line.partNumber);
          for (const location of locations) {
            if (need === 0) break;
            const card = stock.get(location.id);
            if (!card) continue;
            const won = await claimUnits(line.partNumber, location.id, need, { state: 'reserved', reservationId: input.reservationId, workOrderId: input.workOrderId }, card);
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
          claimIds: taken.map((c) => c._id),
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
     * and gives its units back by `_id`. Returns false when it had already ended. A crash between
     * the end and the give-back leaves claims that the sweep gives back (dropOrphanClaims): giving
     * them back here again could delete a unit another reservation claimed meanwhile.
     */
    async release(reservationId: string, reason: 'cancelled' | 'expired' | 'replaced', cause: Cause, read?: ReservationDoc): Promise<boolean> {
      // `read`: the reservation as the caller has just read it (a stored reservation never changes but for its outbox).
      const reservation = read ?? (await store.reservations.findOne({ _id: reservationId }));
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
        return false;
      }
      await giveBack(reservation);
      log.info({ reservationId, workOrderId: reservation.workOrderId, reason }, 'reservation released');
      return true;
    },

    /** Open reservations of a work order (not yet consumed or released). */
    async openFor(workOrderId: string): Promise<ReservationDoc[]> {
      const reservations = await reservationsOf(workOrderId);
      const ends = await Promise.all(reservations.map((r) => store.reservationEnds.findOne({ _id: r._id }, { projection: { _id: 1 } })));
      return reservations.filter((_, i) => !ends[i]);
    },

    reservationsOf,
    claimsOf,
    cards,

    /**
     * Lists reservations stored before work orders listed theirs (they are the ones without claim
     * ids) under their work orders, once; reads every such reservation by filter: run at start.
     */
    async listEarlierReservations(): Promise<number> {
      let listed = 0;
      for (const r of await store.reservations.find({ claimIds: { $exists: false } }, { projection: { workOrderId: 1 } }).toArray()) {
        if ((await reservationsOf(r.workOrderId)).some((known) => known._id === r._id)) continue;
        await listReservation(r.workOrderId, r._id);
        listed++;
      }
      return listed;
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

    /** A receipt is stored and counted on its stock card, under the card's lock. */
    async receive(partNumber: string, locationId: string, quantity: number, by: string): Promise<void> {
      await cards.receive(partNumber, locationId, quantity, by);
    },

    /** Ships units to another location: claimed at the origin now (all or nothing), received at the destination on arrival. */
    async ship(transferId: string, partNumber: string, fromLocationId: string, toLocationId: string, quantity: number, by: string): Promise<void> {
      const won = await claimUnits(partNumber, fromLocationId, quantity, { state: 'shipped', reservationId: null, workOrderId: transferId });
      if (won.length < quantity) {
        await dropClaims(won.map((c) => c._id));
        throw new InsufficientStock('quantity', partNumber, quantity - won.length);
      }
      await store.transfers.insertOne({ _id: transferId, partNumber, fromLocationId, toLocationId, quantity, shippedAt: ctx.now(), by });
    },

    /** The transfer arrived: its units become receipts at the destination, once (the receipt is keyed by the transfer), counted on its card. */
    async arrive(transferId: string, by: string): Promise<boolean> {
      const transfer = await store.transfers.findOne({ _id: transferId });
      if (!transfer) throw new NotFoundError('transfer', transferId, 'id');
      const id = `${transfer.partNumber}|${transfer.toLocationId}|transfer:${transferId}`;
      const first = await insertedOnce(store.receipts.insertOne({ _id: id, partNumber: transfer.partNumber, locationId: transfer.toLocationId, quantity: transfer.quantity, receivedAt: ctx.now(), by, transferId }));
      // Counted on the card either way: an earlier arrival may have died before counting it.
      await cards.count(transfer.partNumber, transfer.toLocationId, [{ id, quantity: transfer.quantity }]);
      return first;
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
