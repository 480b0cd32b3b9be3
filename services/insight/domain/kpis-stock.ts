/**
 * Parts turnover from spares' stock valuations (stock.valued@1): how many times a year the stock
 * held is consumed. Pure, checked by hand in kpis-stock.unit.test.ts.
 *
 *   turnover = C / A x 365.25 / D
 *
 * C: the cost of the parts consumed that the period's valuations counted (each valuation counts
 *    what was consumed at its location since the location's previous valuation);
 * A: the average value of stock held: the mean, over the days valued in the period, of the day's
 *    stock value summed over the locations valued that day;
 * D: the days C covers: from the earliest previous valuation of the period's valuations (the
 *    period's start for a location valued for the first time) to the latest valuation.
 * Per location the same with that location's valuations only.
 */
import type { KpiBreakdown, KpiValue } from './kpi-definitions';
import { dayMs, groupBy, inPeriod, ms, type Period } from './kpi-support';
import type { StockValuation } from './stock-valuations';

/** Days in a year, as the yearly target counts them (leap years do not shift a rate). */
export const daysPerYear = 365.25;

export interface StockContext {
  valuations: readonly StockValuation[];
  /** Set when the report is split or filtered by a case dimension, which stock is not held by. */
  slicedBy?: string;
}

interface Turnover {
  value: number | null;
  consumedCents: number;
  averageCents: number;
  note?: string;
}

function turnoverOf(valuations: readonly StockValuation[], period: Period): Turnover {
  const consumedCents = valuations.reduce((sum, v) => sum + v.consumedCostCents, 0);
  const days = groupBy(valuations, (v) => v.valuedAt.slice(0, 10));
  const dayTotals = [...days.values()].map((vs) => vs.reduce((sum, v) => sum + v.valueCents, 0));
  const averageCents = dayTotals.reduce((a, b) => a + b, 0) / dayTotals.length;
  const start = Math.min(...valuations.map((v) => (v.previousValuedAt === null ? period.fromMs : ms(v.previousValuedAt))));
  const end = Math.max(...valuations.map((v) => ms(v.valuedAt)));
  const coveredDays = (end - start) / dayMs;
  if (averageCents === 0) return { value: null, consumedCents, averageCents, note: 'no stock held at the valuations in the period' };
  if (coveredDays <= 0) return { value: null, consumedCents, averageCents, note: 'the valuations cover no time yet' };
  return { value: (consumedCents / averageCents) * (daysPerYear / coveredDays), consumedCents, averageCents };
}

export function partsTurnover(stock: StockContext | undefined, period: Period): KpiValue {
  const id = 'parts-turnover' as const;
  if (!stock) return { id, value: null, caseIds: [], note: 'stock valuations were not read for this figure' };
  if (stock.slicedBy) return { id, value: null, caseIds: [], note: `stock is valued per location, not per ${stock.slicedBy}: read parts turnover without grouping or filters (its breakdown is per location)` };
  const valuations = stock.valuations.filter((v) => inPeriod(v.valuedAt, period));
  if (valuations.length === 0) return { id, value: null, caseIds: [], note: 'no stock valuation in the period: spares values each location\u2019s stock once a day' };
  const currencies = [...new Set(valuations.map((v) => v.currency))].sort();
  const caseIds = (vs: readonly StockValuation[]) => [...new Set(vs.flatMap((v) => v.caseIds))].sort();
  if (currencies.length > 1) return { id, value: null, caseIds: caseIds(valuations), note: `stock valued in different currencies (${currencies.join(', ')}): no total is given` };
  const total = turnoverOf(valuations, period);
  const breakdown: KpiBreakdown[] = [...groupBy(valuations, (v) => v.locationId)].map(([locationId, vs]) => {
    const t = turnoverOf(vs, period);
    return { key: locationId, value: t.value, numerator: t.consumedCents, denominator: t.averageCents, caseIds: caseIds(vs) };
  });
  return {
    id,
    value: total.value,
    numerator: total.consumedCents,
    denominator: total.averageCents,
    caseIds: caseIds(valuations),
    breakdown,
    ...(total.note ? { note: total.note } : {}),
  };
}
