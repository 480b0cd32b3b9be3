import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { buildEvent, topicOf } from '@aftersales/contracts';
import { createKeyLocks, indexedOutbox, insertedOnce, insertWithOutbox, type OutboxFields } from '@aftersales/platform';
import { claimKey, type UnitState } from '../domain/stock';
import type { UnitRun } from '../domain/unit-ranges';
import { consumedByJob, countPart, daysBefore, daysBetween, unitsToRead, valuationDay, valuationId, valueParts, type UnitClaim, type UnitCursor, type ValuedLine } from '../domain/valuation';
import type { SparesStore } from './collections';
import type { EventContext } from './events';
import type { SparesModels } from './models';
import { loadPriceList, unitCostCents } from './prices';

/**
 * Above this many units to read by `_id`, a location's claims are read in one pass by filter
 * instead: a location's first valuation with a long consumption behind it, or a day that took more.
 */
const keyedReadLimit = 1000;

/** One location's valuation on one day, inserted once with its stock.valued@1 event. */
export interface StockValuationDoc extends OutboxFields {
  _id: string; // SV-<day>-<location>
  locationId: string;
  day: string;
  valuedAt: Date;
  previousValuedAt: Date | null;
  currency: string;
  valueCents: number;
  consumedCostCents: number;
  /** Each line with where its counting carries on from next time (not published). */
  lines: (ValuedLine & { cursor: UnitCursor })[];
  consumedBy: { requestId: string; workOrderId: string; partNumber: string; quantity: number }[];
}

/** The latest valuation of a location (`_id` = location), written after it: a hint the next run checks forward from. */
interface ValuationHeadDoc {
  _id: string;
  day: string;
}

/** How far back a location's previous valuation is looked for when no head names it (a crash before its first head). */
const lookBackDays = 31;
/** Claims read at once while counting (each by `_id`). */
const readsInFlight = 32;
/** Without a price list or a catalogue currency: as case costs fall back. */
const fallbackCurrency = 'EUR';

export type ValuationOutcome = { valuation: StockValuationDoc; published: boolean };
/** A part's stock at a location as the parts' stock holds it: received, in transit, and its card of the units gone. */
type PartAtLocation = { partNumber: string; received: number; inTransit: number; goneBelow: number; goneAbove: UnitRun[] };

/**
 * Values stock per location, once per UTC day. Reads the parts' stock (`partStock`, one document
 * per part in stock: a small collection scanned once per run, with each location's card of the
 * units gone) and the locations, then per location by `_id` the claims of the units gone since each
 * part's cursor (past `keyedReadLimit` units, the location's claims in one pass by filter), and the
 * jobs behind consumed units. Never on a request's path.
 * A location is valued under its lock; the insert keyed by location and day is what makes a second
 * run that day (another worker, the manager's button) publish nothing.
 */
export function createStockValuations(connection: Connection, store: SparesStore, models: SparesModels, ctx: EventContext, log: Logger) {
  const valuations = indexedOutbox(connection.collection<StockValuationDoc>('stockValuations') as unknown as Collection<StockValuationDoc>);
  const heads = connection.collection<ValuationHeadDoc>('stockValuationHeads') as unknown as Collection<ValuationHeadDoc>;
  const locks = createKeyLocks(store.locks, { what: 'stock valuation', now: () => ctx.now(), leaseMs: 120_000 });

  const read = (locationId: string, day: string) => valuations.findOne({ _id: valuationId(locationId, day) });

  /** The location's latest valuation before `day`: from its head forward (a crash may have left the head behind), else looking back. */
  async function previous(locationId: string, day: string): Promise<StockValuationDoc | null> {
    const head = await heads.findOne({ _id: locationId });
    if (head && head.day < day) {
      let found = await read(locationId, head.day);
      for (const d of daysBetween(head.day, daysBefore(day, 1)[0]!)) found = (await read(locationId, d)) ?? found;
      if (found) return found;
    }
    for (const d of daysBefore(day, lookBackDays)) {
      const found = await read(locationId, d);
      if (found) return found;
    }
    return null;
  }

  /** The claims of the units asked, by key: `_id` reads, or one pass over the location's claims when there are many. */
  async function claimsOf(locationId: string, keys: string[]): Promise<Map<string, UnitClaim>> {
    const claims = new Map<string, UnitClaim>();
    const keep = (c: { _id: string; state: UnitState; workOrderId: string } | null) => c && claims.set(c._id, { state: c.state, workOrderId: c.workOrderId });
    if (keys.length > keyedReadLimit) {
      const wanted = new Set(keys);
      for (const c of await store.claims.find({ locationId }, { projection: { state: 1, workOrderId: 1 } }).toArray()) if (wanted.has(c._id)) keep(c);
      return claims;
    }
    for (let from = 0; from < keys.length; from += readsInFlight) {
      const found = await Promise.all(keys.slice(from, from + readsInFlight).map((_id) => store.claims.findOne({ _id }, { projection: { state: 1, workOrderId: 1 } })));
      for (const c of found) keep(c);
    }
    return claims;
  }

  async function valueLocation(locationId: string, parts: PartAtLocation[], day: string, at: Date, costOf: (partNumber: string) => Promise<number>, currency: string): Promise<ValuationOutcome> {
    return locks.holding(`stock-valuation|${locationId}`, async () => {
      const existing = await read(locationId, day);
      if (existing) return { valuation: existing, published: false };
      const before = await previous(locationId, day);
      const cursors = new Map((before?.lines ?? []).map((l) => [l.partNumber, l.cursor]));
      const keys = parts.flatMap((p) => unitsToRead(p.received, cursors.get(p.partNumber) ?? null, p).map((n) => claimKey(p.partNumber, locationId, n)));
      const claims = await claimsOf(locationId, keys);
      const counts = parts.map((p) => ({ ...p, count: countPart(p.received, cursors.get(p.partNumber) ?? null, (n) => claims.get(claimKey(p.partNumber, locationId, n)) ?? null) }));
      const held = await Promise.all(counts.map(async (p) => ({ partNumber: p.partNumber, onHand: p.count.onHand, inTransit: p.inTransit, consumedUnits: p.count.consumed.length, unitCostCents: await costOf(p.partNumber) })));
      const valued = valueParts(held);
      const cursorOf = new Map(counts.map((p) => [p.partNumber, p.count.cursor]));
      const jobs = consumedByJob(counts.map((p) => ({ partNumber: p.partNumber, consumed: p.count.consumed })));
      const requestOf = new Map<string, string | null>();
      for (const workOrderId of new Set(jobs.map((j) => j.workOrderId))) requestOf.set(workOrderId, (await store.workOrders.findOne({ _id: workOrderId }, { projection: { requestId: 1 } }))?.requestId ?? null);
      // A unit written off to a job spares never heard of is valued but cannot be drilled into.
      const consumedBy = jobs.flatMap((j) => (requestOf.get(j.workOrderId) ? [{ requestId: requestOf.get(j.workOrderId)!, ...j }] : []));
      const doc: StockValuationDoc = {
        _id: valuationId(locationId, day),
        locationId,
        day,
        valuedAt: at,
        previousValuedAt: before?.valuedAt ?? null,
        currency,
        valueCents: valued.valueCents,
        consumedCostCents: valued.consumedCostCents,
        lines: valued.lines.map((l) => ({ ...l, cursor: cursorOf.get(l.partNumber)! })),
        consumedBy,
      };
      const event = buildEvent(
        'stock.valued@1',
        {
          valuationId: doc._id, locationId, day, valuedAt: at.toISOString(), previousValuedAt: doc.previousValuedAt?.toISOString() ?? null, currency,
          valueCents: doc.valueCents, consumedCostCents: doc.consumedCostCents, lines: valued.lines, consumedBy,
        },
        // The event's id is the valuation's: even a second write could not make a second fact.
        { id: `stock.valued:${doc._id}`, occurredAt: at, source: 'spares', subject: locationId, correlationId: doc._id, causationId: null },
      );
      const inserted = await insertedOnce(insertWithOutbox(valuations, doc, [{ topic: ctx.topic(topicOf('stock.valued@1')), event }], ctx.now()));
      if (!inserted) return { valuation: (await read(locationId, day))!, published: false };
      await heads.replaceOne({ _id: locationId }, { day }, { upsert: true });
      ctx.nudgeOutbox?.();
      log.info({ valuationId: doc._id, valueCents: doc.valueCents, consumedCostCents: doc.consumedCostCents }, 'stock valued');
      return { valuation: doc, published: true };
    });
  }

  return {
    collection: valuations,
    read: (id: string) => valuations.findOne({ _id: id }),

    /** Whether a location is known: stored, or holding stock. */
    async knows(locationId: string): Promise<boolean> {
      return Boolean(await store.locations.findOne({ _id: locationId }, { projection: { _id: 1 } }));
    },

    /** Values every location (or the one asked) for today, unless valued today already. */
    async run(only?: string): Promise<{ day: string; outcomes: ValuationOutcome[] }> {
      const at = ctx.now();
      const day = valuationDay(at);
      const byLocation = new Map<string, PartAtLocation[]>();
      const locations = only ? [only] : (await store.locations.find({}, { projection: { _id: 1 } }).toArray()).map((l) => l._id);
      for (const id of locations) byLocation.set(id, []);
      for (const part of await store.partStock.find({}).toArray()) {
        for (const l of part.locations) {
          if (only && l.locationId !== only) continue;
          const here = byLocation.get(l.locationId) ?? [];
          here.push({ partNumber: part._id, received: l.received, inTransit: l.inTransit ?? 0, goneBelow: l.goneBelow, goneAbove: l.goneAbove ?? [] });
          byLocation.set(l.locationId, here);
        }
      }
      const list = await loadPriceList(store);
      const costs = new Map<string, Promise<number>>();
      const costOf = (partNumber: string) => {
        if (!costs.has(partNumber)) costs.set(partNumber, unitCostCents(store, models.parts, list, partNumber));
        return costs.get(partNumber)!;
      };
      // Priced as case costs are: the list's currency, else the catalogue's.
      let currency = list?.currency;
      if (!currency) {
        const anyPart = [...byLocation.values()].flat()[0];
        currency = (anyPart ? (await models.parts.findById(anyPart.partNumber).lean())?.currency : undefined) ?? fallbackCurrency;
      }
      const outcomes: ValuationOutcome[] = [];
      for (const [locationId, parts] of [...byLocation].sort(([a], [b]) => a.localeCompare(b))) {
        outcomes.push(await valueLocation(locationId, parts, day, at, costOf, currency));
      }
      return { day, outcomes };
    },
  };
}

export type StockValuations = ReturnType<typeof createStockValuations>;
