/**
 * The money figures: what warranty parts cost and who bears it, what a case costs, whether service
 * revenue covers service cost, and which customers cost more to serve than they buy. Every figure
 * counts the requests closed in the period: by then their cost lines are final. Amounts are minor
 * units (cents/fen) and are never added across currencies.
 */
import type { CaseRecord } from './case-record';
import type { KpiBreakdown, KpiValue } from './kpi-definitions';
import { groupBy, inPeriod, Money, type Period } from './kpi-support';

const closedInPeriod = (cases: readonly CaseRecord[], period: Period) => cases.filter((c) => inPeriod(c.closedAt, period));
const ids = (cases: readonly CaseRecord[]) => cases.map((c) => c.requestId);
const mixedNote = (money: Money) => `mixed currencies (${money.currencies.join(', ')}): no total is given`;

export function inWarrantyPartsCost(cases: readonly CaseRecord[], period: Period): KpiValue {
  const closed = closedInPeriod(cases, period);
  const lines = closed.flatMap((c) => c.costLines.filter((l) => l.kind === 'part' && l.inWarranty).map((line) => ({ c, line })));
  const all = new Money();
  for (const { line } of lines) all.add(line.currency, line.amountCents);
  const mixed = all.currencies.length > 1;
  // One slice per cost centre; per cost centre and currency when currencies are mixed.
  const slices = groupBy(lines, ({ line }) => (mixed ? `${line.costCentre} ${line.currency}` : line.costCentre));
  const breakdown: KpiBreakdown[] = [...slices].map(([key, group]) => ({
    key,
    value: group.reduce((sum, { line }) => sum + line.amountCents, 0),
    caseIds: [...new Set(group.map(({ c }) => c.requestId))],
  }));
  return {
    id: 'in-warranty-parts-cost',
    value: all.total(),
    caseIds: [...new Set(lines.map(({ c }) => c.requestId))],
    breakdown,
    ...(mixed ? { note: mixedNote(all) } : {}),
  };
}

export function costPerCase(cases: readonly CaseRecord[], period: Period): KpiValue {
  const closed = closedInPeriod(cases, period);
  const cost = closed.reduce((m, c) => {
    for (const l of c.costLines) m.add(l.currency, l.amountCents);
    return m;
  }, new Money());
  const total = cost.total();
  return {
    id: 'cost-per-case',
    value: total === null || closed.length === 0 ? null : total / closed.length,
    ...(total === null ? {} : { numerator: total }),
    denominator: closed.length,
    caseIds: ids(closed),
    ...(total === null ? { note: mixedNote(cost) } : {}),
  };
}

export function revenueToCost(cases: readonly CaseRecord[], period: Period): KpiValue {
  const closed = closedInPeriod(cases, period);
  const revenue = new Money();
  const cost = new Money();
  for (const c of closed) {
    if (c.revenueCents !== 0) revenue.add(c.revenueCurrency, c.revenueCents);
    for (const l of c.costLines) cost.add(l.currency, l.amountCents);
  }
  const currencies = new Set([...revenue.currencies, ...cost.currencies]);
  if (currencies.size > 1) {
    return { id: 'revenue-to-cost', value: null, caseIds: ids(closed), note: `revenue and cost in different currencies (${[...currencies].sort().join(', ')})` };
  }
  const r = revenue.total() ?? 0;
  const k = cost.total() ?? 0;
  return { id: 'revenue-to-cost', value: k === 0 ? null : r / k, numerator: r, denominator: k, caseIds: ids(closed), ...(k === 0 ? { note: 'no service cost recorded' } : {}) };
}

/** Revenue minus cost of a set of cases, per currency. */
function margin(cases: readonly CaseRecord[]): Money {
  const m = new Money();
  for (const c of cases) {
    if (c.revenueCents !== 0) m.add(c.revenueCurrency, c.revenueCents);
    for (const l of c.costLines) m.add(l.currency, -l.amountCents);
  }
  return m;
}

export function costToServe(cases: readonly CaseRecord[], period: Period): KpiValue {
  const closed = closedInPeriod(cases, period);
  const total = margin(closed);
  const breakdown: KpiBreakdown[] = [...groupBy(closed, (c) => c.customerId)]
    .map(([customerId, group]) => ({ key: customerId, value: margin(group).total(), caseIds: ids(group) }))
    // Worst first: the accounts that cost most to serve are what the business head asks about.
    .sort((a, b) => (a.value ?? 0) - (b.value ?? 0));
  return {
    id: 'cost-to-serve-margin',
    value: total.total(),
    caseIds: ids(closed),
    breakdown,
    ...(total.total() === null ? { note: mixedNote(total) } : {}),
  };
}
