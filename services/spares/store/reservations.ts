import { faultInjector, insertedOnce, isDuplicateKeyError, NotFoundError, PlatformError, UnprocessableError, bulkWriteInChunks } from '@aftersales/platform';
import type { Logger } from 'pino';
import { cardKey, claimKey, freeUnitNumbers, isFresh, linesFromClaims, nextUnit, reservationOrder, unitOfClaim, type StockLevel, type StockLocation, type UnitHint } from '../domain/stock';
import type { ReservationDoc, ReservationLine, SparesStore, UnitClaimDoc } from './collections';
import { withEvent, type Cause, type EventContext } from './events';
import type { SparesFaultPoint } from './fault-points';
import { createOpenReservations } from './open-reservations';
import { createStockCards, type PartStockEntry } from './stock-cards';
import { stockLevels, wholePartStock } from './stock-levels';
import { unitsOf, type UnitRanges } from '../domain/unit-ranges';

/** How often one location's units are tried again after losing races for them (a unit taken may be given back meanwhile). */
const claimPasses = 2;
/** Contenders start at one of the lowest this many free numbers (at random), so they collide less. */
const spread = 8;
/**
 * How long a reservation may go by this process's copy of the locations and of a part's stock
 * before reading them again (changes made through this process update the copy at once).
 */
export const defaultStockCopyMaxAgeMs = 1000;

/** What a reservation reads of a location's card: units 1..received, those below the hint and in `goneAbove` gone for good. */
type CardView = { received: number; goneBelow: number; goneAbove?: UnitRanges };
type PartCards = Map<string, CardView>;

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
export function createReservationBook(store: SparesStore, ctx: EventContext, log: Logger, options: { stockCopyMaxAgeMs?: number; faultKillAfter?: SparesFaultPoint | null } = {}) {
  const fault = faultInjector(options.faultKillAfter ?? null);
  const maxAgeMs = options.stockCopyMaxAgeMs ?? defaultStockCopyMaxAgeMs;
  /**
   * Copies of what a reservation reads besides its own writes, so a reservation is its writes
   * alone: the locations (rarely changed) and each part's stock (received units and hints only
   * ever grow, so an old copy can only hide units, never offer one that does not exist: the claim's
   * unique key still decides every unit). A line short on a copy reads both again before refusing.
   */
  const copies = { locations: null as { at: number; all: StockLocation[] } | null, parts: new Map<string, { at: number; cards: PartCards }>() };
  const asCards = (locations: PartStockEntry[]): PartCards => new Map(locations.map((l) => [l.locationId, { received: l.received, goneBelow: l.goneBelow, goneAbove: l.goneAbove ?? [] }]));
  const cards = createStockCards(store, () => ctx.now(), (partNumber, locations) => copies.parts.set(partNumber, { at: Date.now(), cards: asCards(locations) }));
  /** The whole parts' stock for the desk's table: this process's copy, kept up by the change list (stock-levels.ts). */
  const wholeStock = wholePartStock(store);
  /** The reservations not yet ended (open-reservations.ts): what the sweep reads instead of every reservation and claim. */
  const openList = createOpenReservations(store, () => ctx.now());
  /**
   * What this process last learnt of units (by card): which to try first, never which to skip. A
   * unit is marked held before its insert goes out and until its claim's delete has come back, so
   * the process's other contenders try it last (nextUnit).
   */
  const hints = new Map<string, Map<number, UnitHint>>();
  const hintsOf = (card: string) => {
    const known = hints.get(card) ?? new Map<number, UnitHint>();
    hints.set(card, known);
    return known;
  };
  const hint = (claimId: string, state: UnitHint['state']) => {
    const { card, unitNo } = unitOfClaim(claimId);
    hintsOf(card).set(unitNo, { state, at: Date.now() });
  };

  /**
   * Claims up to `wanted` free units of a part at one location, near the lowest numbers above the
   * card's hint; returns the claims it won. `card` when the caller has read it already;
   * `beforeClaim` runs before each unit is tried (a write-off lists the unit first: CaseFlow.consume).
   */
  async function claimUnits(partNumber: string, locationId: string, wanted: number, owner: Pick<UnitClaimDoc, 'state' | 'reservationId' | 'workOrderId'>, card?: CardView | null, held: number[] = [], beforeClaim?: (claimId: string) => Promise<void>): Promise<UnitClaimDoc[]> {
    const won: UnitClaimDoc[] = [];
    if (wanted <= 0) return won;
    const known = card === undefined ? await cards.read(partNumber, locationId) : card;
    if (!known?.received) return won;
    // A unit held now may be given back by the time the last number was tried: after losing
    // races, try once more before calling the location short (all but the units this process
    // holds: it would know if it gave them back, and the first pass tried them). Each unit is
    // chosen afresh from what the process knows just then and marked held before its insert goes
    // out, so the process's contenders do not follow one another through the same units.
    const hinted = hintsOf(cardKey(partNumber, locationId));
    // Units gone for good above the hint are never tried: their claims stay.
    const gone = unitsOf(known.goneAbove ?? []);
    for (let pass = 0, lost = true; pass < claimPasses && lost && won.length < wanted; pass++) {
      lost = false;
      const tried = new Set<number>(pass === 0 ? [] : [...hinted].flatMap(([n, h]) => (h.state === 'held' ? [n] : [])));
      const offset = Math.random() * Math.max(1, Math.min(known.received - known.goneBelow + 1, spread));
      while (won.length < wanted) {
        const free = freeUnitNumbers(known.received, [...gone, ...held, ...won.map((c) => c.unitNo)], known.goneBelow);
        const unitNo = nextUnit(free, tried, hinted, offset);
        if (unitNo === undefined) break;
        tried.add(unitNo);
        const before = hinted.get(unitNo);
        const claim: UnitClaimDoc = { _id: claimKey(partNumber, locationId, unitNo), partNumber, locationId, unitNo, claimedAt: ctx.now(), ...owner };
        hint(claim._id, 'held');
        try {
          await beforeClaim?.(claim._id);
          await store.claims.insertOne(claim);
          won.push(claim);
        } catch (error) {
          if (!isDuplicateKeyError(error)) {
            if (before) hinted.set(unitNo, before);
            else hinted.delete(unitNo);
            throw error;
          }
          // Lost: someone holds it; still this process's, when another of its reservations did.
          if (before?.state === 'held') hinted.set(unitNo, before);
          else hint(claim._id, 'taken');
          lost = true;
        }
      }
    }
    return won;
  }

  /** The locations: this process's copy while fresh, else read (a small collection). */
  async function locationCopy(fresh: boolean): Promise<{ all: StockLocation[]; copy: boolean }> {
    if (!fresh && copies.locations && isFresh(copies.locations.at, Date.now(), maxAgeMs)) return { all: copies.locations.all, copy: true };
    const at = Date.now();
    const all = (await store.locations.find({}).toArray()).map((l) => ({ id: l._id, kind: l.kind, engineerId: l.engineerId ?? null }));
    copies.locations = { at, all };
    return { all, copy: false };
  }

  async function locationsFor(engineerId: string | null) {
    return reservationOrder((await locationCopy(false)).all, engineerId);
  }

  /** A part's stock by location: this process's copy while fresh, else read by `_id`. */
  async function partCards(partNumber: string, fresh: boolean): Promise<{ cards: PartCards; copy: boolean }> {
    const copy = copies.parts.get(partNumber);
    if (!fresh && copy && isFresh(copy.at, Date.now(), maxAgeMs)) return { cards: copy.cards, copy: true };
    const at = Date.now();
    const read = await cards.stockOf(partNumber);
    copies.parts.set(partNumber, { at, cards: read });
    return { cards: read, copy: false };
  }

  /**
   * Claims up to `need` units of a part, nearest location first. Went by copies and left short, it
   * reads the locations and the part's stock again and tries what the copies did not show (units
   * received since, locations added or now in reach) before the line is short: so a refusal rests
   * on fresh reads, and every unit is tried as often as before.
   */
  async function claimLine(partNumber: string, need: number, engineerId: string | null, owner: Pick<UnitClaimDoc, 'state' | 'reservationId' | 'workOrderId'>): Promise<UnitClaimDoc[]> {
    const won: UnitClaimDoc[] = [];
    let tried: PartCards | null = null;
    let triedIn: Set<string> | null = null;
    for (let fresh = false; ; fresh = true) {
      const [stock, where] = await Promise.all([partCards(partNumber, fresh), locationCopy(fresh)]);
      for (const location of reservationOrder(where.all, engineerId)) {
        if (won.length === need) break;
        const card = stock.cards.get(location.id);
        if (!card) continue;
        const before = triedIn?.has(location.id) ? tried?.get(location.id) : undefined;
        // Units a copy offered were tried already (twice over, as any unit): only those beyond it now.
        const from = before ? Math.max(card.goneBelow, before.received + 1) : card.goneBelow;
        if (from > card.received) continue;
        const held = won.filter((c) => c.locationId === location.id).map((c) => c.unitNo);
        won.push(...(await claimUnits(partNumber, location.id, need - won.length, owner, { ...card, goneBelow: from }, held)));
      }
      if (won.length === need || fresh || (!stock.copy && !where.copy)) return won;
      tried = stock.cards;
      triedIn = new Set(reservationOrder(where.all, engineerId).map((l) => l.id));
    }
  }

  /** Claims this process won and nobody else deletes (see release), given back by `_id`, in one command. */
  async function dropClaims(ids: string[]): Promise<void> {
    if (ids.length === 1) await store.claims.deleteOne({ _id: ids[0]! });
    else if (ids.length > 1) await bulkWriteInChunks(store.claims, ids.map((_id) => ({ deleteOne: { filter: { _id } } })), { ordered: false });
    // Given back once the delete is in: before, a contender of this process would lose a race to it.
    for (const id of ids) hint(id, 'given-back');
  }

  /** Lists a reservation under its work order: the first free entry `work order|n`. A work order has few. */
  async function listReservation(workOrderId: string, reservationId: string): Promise<void> {
    for (let n = 1; !(await insertedOnce(store.workOrderReservations.insertOne({ _id: `${workOrderId}|${n}`, workOrderId, reservationId }))); n++);
  }

  /** A work order's stored reservations, in the order they were made (entries of refused or failed attempts name none stored). */
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
      const taken: UnitClaimDoc[] = [];
      // Listed beside the claims, not after them: the entry holds no unit, and a unit claimed is
      // held until the reservation is stored, so each write after the claims keeps every unit out
      // of reach a round trip longer (bench:spares). Still listed before it is stored, so a
      // reservation stored is always found from its work order (cancel, report). The price: a
      // refused attempt leaves its entry, naming a reservation never stored (skipped when read).
      // Its open entry beside it, for the same reason (before the claims: see open-reservations.ts).
      const listed = Promise.all([listReservation(input.workOrderId, input.reservationId), openList.open(input.reservationId, input.workOrderId, ctx.now())]);
      listed.catch(() => undefined); // awaited below on every path; this only keeps a failure from going unhandled meanwhile
      // Once its insert went out the reservation may be stored whatever the answer: its entry then stays (the sweep reads it).
      let storing = false;
      try {
        for (const [i, line] of input.lines.entries()) {
          const won = await claimLine(line.partNumber, line.quantity, input.engineerId, { state: 'reserved', reservationId: input.reservationId, workOrderId: input.workOrderId });
          taken.push(...won);
          const need = line.quantity - won.length;
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
        await listed;
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
        storing = true;
        await store.reservations.insertOne(doc);
        log.info({ reservationId: doc._id, workOrderId: doc.workOrderId, lines }, 'parts reserved');
        return doc;
      } catch (error) {
        const left = (err: unknown) => log.warn({ err, reservationId: input.reservationId }, 'claims left for the sweep');
        const [, dropped] = await Promise.all([listed.catch(() => undefined), dropClaims(taken.map((c) => c._id)).then(() => !storing, (err: unknown) => void left(err))]);
        // Off the list only once its claims are back and it was never sent to be stored: else the sweep settles it.
        if (dropped) await openList.close(input.reservationId).catch(left);
        throw error;
      }
    },

    /**
     * Ends a reservation once (the unique key on its end settles a release racing a consumption)
     * and gives its units back by `_id`. Returns false when it had already ended. A crash between
     * the end and the give-back leaves claims that the sweep gives back (dropOrphanClaims): giving
     * them back here again could delete a unit another reservation claimed meanwhile. It leaves the
     * open list after the give-back.
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
      await openList.close(reservationId);
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
    openList,

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

    /** A location was created or changed through this process: the next reservation reads them all again. */
    locationsChanged(): void {
      copies.locations = null;
    },

    /** A receipt is stored and counted on its stock card, under the card's lock. */
    async receive(partNumber: string, locationId: string, quantity: number, by: string): Promise<void> {
      await cards.receive(partNumber, locationId, quantity, by);
    },

    /** Ships units to another location: claimed at the origin now (all or nothing), received at the destination on arrival. */
    async ship(transferId: string, partNumber: string, fromLocationId: string, toLocationId: string, quantity: number, by: string): Promise<void> {
      // Noted as uncounted before its units are claimed: a crash anywhere after leaves the entry to the
      // sweep, which notes a stored transfer on both cards and gives back the units of one never stored.
      await cards.note('transfer', transferId);
      const won = await claimUnits(partNumber, fromLocationId, quantity, { state: 'shipped', reservationId: null, workOrderId: transferId });
      if (won.length < quantity) {
        await dropClaims(won.map((c) => c._id));
        await cards.counted('transfer', [transferId]);
        throw new InsufficientStock('quantity', partNumber, quantity - won.length);
      }
      fault('transfer-claims');
      const unitNos = won.map((c) => c.unitNo);
      await store.transfers.insertOne({ _id: transferId, partNumber, fromLocationId, toLocationId, quantity, unitNos, shippedAt: ctx.now(), by });
      fault('transfer-stored');
      await cards.expect(partNumber, toLocationId, transferId, quantity);
      await cards.passConsumed(partNumber, fromLocationId, unitNos);
      await cards.counted('transfer', [transferId]);
    },

    /** The transfer arrived: its units become receipts at the destination, once (the receipt is keyed by the transfer), counted on its card. */
    async arrive(transferId: string, by: string): Promise<boolean> {
      const transfer = await store.transfers.findOne({ _id: transferId });
      if (!transfer) throw new NotFoundError('transfer', transferId, 'id');
      const id = `${transfer.partNumber}|${transfer.toLocationId}|transfer:${transferId}`;
      await cards.note('receipt', id);
      const first = await insertedOnce(store.receipts.insertOne({ _id: id, partNumber: transfer.partNumber, locationId: transfer.toLocationId, quantity: transfer.quantity, receivedAt: ctx.now(), by, transferId }));
      // Counted on the card either way: an earlier arrival may have died before counting it.
      await cards.count(transfer.partNumber, transfer.toLocationId, [{ id, quantity: transfer.quantity }]);
      await cards.counted('receipt', [id]);
      return first;
    },

    /** Stock levels from the units the open reservations hold, read first, and the parts' stock (see stockLevels). */
    async levels(filter: { partNumber?: string; locationId?: string }): Promise<StockLevel[]> {
      const held = await openList.heldUnits();
      return stockLevels(store, filter, held, wholeStock);
    },
  };
}

export type ReservationBook = ReturnType<typeof createReservationBook>;
