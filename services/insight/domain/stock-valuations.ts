/**
 * Spares' stock valuations (stock.valued@1) as insight keeps them: one record per location and
 * day, filed under the month of its instant so a period's report reads them by `_id`. Pure; a
 * valuation seen again (a redelivery, a rebuild overlapping the live consumer) replaces itself.
 */
import { contractFor, type KnownEvent } from '@aftersales/contracts';
import { monthsBetween } from './placement';

export interface StockValuation {
  valuationId: string;
  locationId: string;
  valuedAt: string;
  /** The location's valuation before this one; null on its first. */
  previousValuedAt: string | null;
  currency: string;
  /** Stock held at unit cost. */
  valueCents: number;
  /** Cost of the units consumed since the previous valuation. */
  consumedCostCents: number;
  /** The requests whose jobs consumed them. */
  caseIds: string[];
}

/** The read model's document of a month's valuations: `stock:2026-12`. */
export function stockMonthKey(valuedAt: string): string {
  return `stock:${valuedAt.slice(0, 7)}`;
}

export function valuationFrom(event: KnownEvent<'stock.valued@1'>): StockValuation {
  const parsed = contractFor(event.type, event.version)!.schema.safeParse(event.data);
  if (!parsed.success) throw new TypeError(`stock.valued@1 data does not match its contract: ${parsed.error.message}`);
  const d = parsed.data as KnownEvent<'stock.valued@1'>['data'];
  return {
    valuationId: d.valuationId,
    locationId: d.locationId,
    valuedAt: new Date(d.valuedAt).toISOString(),
    previousValuedAt: d.previousValuedAt === null ? null : new Date(d.previousValuedAt).toISOString(),
    currency: d.currency,
    valueCents: d.valueCents,
    consumedCostCents: d.consumedCostCents,
    caseIds: [...new Set(d.consumedBy.map((c) => c.requestId))].sort(),
  };
}

/** A batch's valuations by the month document they belong in (keys in order). */
export function valuationsByMonth(events: readonly KnownEvent<'stock.valued@1'>[]): Map<string, StockValuation[]> {
  const byMonth = new Map<string, StockValuation[]>();
  for (const event of events) {
    const v = valuationFrom(event);
    const key = stockMonthKey(v.valuedAt);
    byMonth.set(key, [...(byMonth.get(key) ?? []), v]);
  }
  return new Map([...byMonth].sort(([a], [b]) => a.localeCompare(b)));
}

/** A month's valuations with more set by id: the same valuation twice is stored once. */
export function withValuations(stored: Readonly<Record<string, StockValuation>>, more: readonly StockValuation[]): Record<string, StockValuation> {
  const next = { ...stored };
  for (const v of more) next[v.valuationId] = v;
  return next;
}

/** The month documents a period's valuations are in (`stock:2026-11`, ...). */
export function stockMonthsBetween(from: string, to: string): string[] {
  return monthsBetween(from, to).map((key) => key.replace(/^month:/, 'stock:'));
}
