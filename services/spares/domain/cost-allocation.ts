/**
 * Who pays for a closed case: every part, labour and travel line goes to the factory, the sales
 * centre or the customer, with the reason. Pure functions over plain data, no I/O.
 *
 * Money is integer minor units (cents) throughout: inputs must be safe integers, a labour line is
 * worked minutes x hourly rate / 60 rounded half up to the cent once, in integers (never hours as
 * a binary fraction), and a split line gives one share the rounded value and
 * the other share the remainder, so allocated amounts always add up exactly to the case's cost.
 */
import { centsHalfUp, MoneyInputError } from './money';

export type CostCentre = 'factory' | 'sales-centre' | 'customer';
export const COST_CENTRES: readonly CostCentre[] = ['factory', 'sales-centre', 'customer'];
export type LineKind = 'part' | 'labour' | 'travel';

export interface EntitlementSnapshot {
  source: 'contract' | 'warranty' | 'none';
  /** What the contract or warranty pays for; ignored when source is 'none'. */
  covers: { parts: boolean; labour: boolean; travel: boolean };
  /** Contract exclusions: part numbers or part categories the contract does not pay for. */
  exclusions?: { partNumbers?: readonly string[]; categories?: readonly string[] };
  /** Consumables are the customer's unless the entitlement says otherwise. */
  coversConsumables?: boolean;
  /** ISO instant; for source 'warranty' the case is in warranty when closed at or before it. */
  warrantyEnd?: string | null;
}

export interface FailureClassification {
  /** Manufacturing or design defect: the factory's fault. False for wear and misuse. */
  qualityFailure: boolean;
  /** Damage by the customer: not covered; in warranty the cost rules say who pays (customer or sales-centre goodwill). */
  misuse?: boolean;
  /** The decided category it came from ('undecided' when nobody decided); shown in the reasons. */
  category?: 'quality-failure' | 'wear' | 'misuse' | 'no-fault-found' | 'other' | 'undecided';
}

/** Rules the business sets, not the code: who pays for misuse of a machine in warranty. */
export interface CostRules {
  misuseInWarrantyPayer: 'customer' | 'sales-centre';
}

export const DEFAULT_COST_RULES: CostRules = { misuseInWarrantyPayer: 'customer' };

export type CaseLine =
  | { kind: 'part'; lineId: string; partNumber: string; category?: string; quantity: number; unitCostCents: number; consumable: boolean }
  | { kind: 'labour'; lineId: string; minutes: number; rateCentsPerHour: number }
  | { kind: 'travel'; lineId: string; trips: number; costCentsPerTrip: number };

export interface ClosedCase {
  caseId: string;
  /** ISO instant; decides warranty cover, goodwill age and the accounting month (UTC). */
  closedAt: string;
  salesCentreId: string;
  factoryId: string;
  customerId?: string;
  entitlement: EntitlementSnapshot;
  classification: FailureClassification;
  lines: readonly CaseLine[];
}

/** A partial split as data: shortly after warranty end, a payer takes a share of some lines. */
export interface GoodwillRule {
  id: string;
  /** Applies when the case closed after warranty end by at most this many days. */
  withinDaysAfterWarrantyEnd: number;
  kinds: readonly LineKind[];
  payer: 'factory' | 'sales-centre';
  /** Payer's share in basis points (5000 = 50 %); the customer pays the rest. */
  shareBasisPoints: number;
  qualityFailureOnly: boolean;
}

/** Default goodwill: the factory pays half the parts of a quality failure within 30 days after warranty end, a quarter within 90. */
export const DEFAULT_GOODWILL_RULES: readonly GoodwillRule[] = [
  { id: 'goodwill-30d', withinDaysAfterWarrantyEnd: 30, kinds: ['part'], payer: 'factory', shareBasisPoints: 5000, qualityFailureOnly: true },
  { id: 'goodwill-90d', withinDaysAfterWarrantyEnd: 90, kinds: ['part'], payer: 'factory', shareBasisPoints: 2500, qualityFailureOnly: true },
];

export interface Share {
  costCentre: CostCentre;
  /** factoryId, salesCentreId or customerId (null when the case names no customer). */
  payerId: string | null;
  amountCents: number;
  reason: string;
}

export interface LineAllocation {
  lineId: string;
  kind: LineKind;
  /** The line's cost; its shares add up to it exactly. */
  amountCents: number;
  shares: Share[];
}

export interface CaseAllocation {
  caseId: string;
  closedAt: string;
  lines: LineAllocation[];
  totals: Record<CostCentre, number>;
  totalCents: number;
}

/** Bad input, naming the field so the API can answer 4xx. */
export class CostAllocationInputError extends MoneyInputError {}

const DAY_MS = 86_400_000;

function instant(value: string | null | undefined, field: string): number {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw new CostAllocationInputError(field, 'must be an ISO instant');
  return ms;
}

function nonNegative(value: number, field: string, integer: boolean): number {
  if (!Number.isFinite(value) || value < 0 || (integer && !Number.isSafeInteger(value))) {
    throw new CostAllocationInputError(field, integer ? 'must be a non-negative integer' : 'must be a non-negative number');
  }
  return value;
}

function checkedCents(value: number, field: string): number {
  if (!Number.isSafeInteger(value)) throw new CostAllocationInputError(field, 'amount exceeds safe integer cents');
  return value;
}

/** A line's cost in cents; labour is minutes x rate / 60 rounded half up to the cent, once. */
export function lineCostCents(line: CaseLine, field = 'line'): number {
  switch (line.kind) {
    case 'part':
      return checkedCents(centsHalfUp(nonNegative(line.quantity, `${field}.quantity`, true), nonNegative(line.unitCostCents, `${field}.unitCostCents`, true)), field);
    case 'labour':
      return checkedCents(labourCents(nonNegative(line.minutes, `${field}.minutes`, true), nonNegative(line.rateCentsPerHour, `${field}.rateCentsPerHour`, true)), field);
    case 'travel':
      return checkedCents(centsHalfUp(nonNegative(line.trips, `${field}.trips`, true), nonNegative(line.costCentsPerTrip, `${field}.costCentsPerTrip`, true)), field);
  }
}

/** minutes x cents per hour / 60, half up, in integers: 11 minutes at 100.50/h is 18.43. */
export function labourCents(minutes: number, rateCentsPerHour: number): number {
  return centsHalfUp(minutes, rateCentsPerHour, 60);
}

/** Rounds amount x bps / 10000 half up, in integers. */
function shareOf(amountCents: number, basisPoints: number): number {
  return centsHalfUp(amountCents, basisPoints, 10_000);
}

const KIND_COVER: Record<LineKind, 'parts' | 'labour' | 'travel'> = { part: 'parts', labour: 'labour', travel: 'travel' };

/** Allocates every line of a closed case to one or more cost centres. */
export function allocateCaseCost(closed: ClosedCase, goodwillRules: readonly GoodwillRule[] = DEFAULT_GOODWILL_RULES, costRules: CostRules = DEFAULT_COST_RULES): CaseAllocation {
  const closedMs = instant(closed.closedAt, 'closedAt');
  const { entitlement: ent, classification } = closed;
  const payerId = (c: CostCentre): string | null => (c === 'factory' ? closed.factoryId : c === 'sales-centre' ? closed.salesCentreId : (closed.customerId ?? null));
  const whole = (costCentre: CostCentre, amountCents: number, reason: string): Share[] => [{ costCentre, payerId: payerId(costCentre), amountCents, reason }];

  // Out of cover: no entitlement, or a warranty that ended before the case closed.
  let outOfCover: string | null = null;
  let daysAfterEnd: number | null = null;
  if (ent.source === 'none') outOfCover = 'no contract or warranty';
  else if (ent.source === 'warranty') {
    // `warrantyEnd` is the first instant no longer covered, as intake resolves it: closing at it is out.
    const endMs = instant(ent.warrantyEnd, 'entitlement.warrantyEnd');
    if (closedMs >= endMs) {
      outOfCover = `out of warranty (ended ${new Date(endMs).toISOString()})`;
      daysAfterEnd = (closedMs - endMs) / DAY_MS;
    }
  }
  const ageDays = daysAfterEnd;
  const excludedParts = new Set(ent.exclusions?.partNumbers ?? []);
  const excludedCategories = new Set(ent.exclusions?.categories ?? []);
  const rules = [...goodwillRules].sort((a, b) => a.withinDaysAfterWarrantyEnd - b.withinDaysAfterWarrantyEnd);
  rules.forEach((r, i) => {
    if (!Number.isSafeInteger(r.shareBasisPoints) || r.shareBasisPoints < 0 || r.shareBasisPoints > 10_000) {
      throw new CostAllocationInputError(`goodwillRules[${i}].shareBasisPoints`, 'must be an integer from 0 to 10000');
    }
  });

  const seen = new Set<string>();
  const lines = closed.lines.map((line, i): LineAllocation => {
    const field = `lines[${i}]`;
    if (seen.has(line.lineId)) throw new CostAllocationInputError(`${field}.lineId`, `duplicate line id ${line.lineId}`);
    seen.add(line.lineId);
    const amountCents = lineCostCents(line, field);
    const result = (shares: Share[]): LineAllocation => ({ lineId: line.lineId, kind: line.kind, amountCents, shares });

    if (outOfCover !== null) {
      const consumable = line.kind === 'part' && line.consumable;
      const rule =
        ageDays === null || classification.misuse || consumable
          ? undefined
          : rules.find((r) => ageDays <= r.withinDaysAfterWarrantyEnd && r.kinds.includes(line.kind) && (!r.qualityFailureOnly || classification.qualityFailure));
      if (!rule) return result(whole('customer', amountCents, outOfCover));
      const payerShare = shareOf(amountCents, rule.shareBasisPoints);
      const age = `${Math.ceil(ageDays ?? 0)} days after warranty end`;
      return result([
        { costCentre: rule.payer, payerId: payerId(rule.payer), amountCents: payerShare, reason: `goodwill ${rule.id}: ${rule.shareBasisPoints / 100}% ${age}` },
        { costCentre: 'customer', payerId: payerId('customer'), amountCents: amountCents - payerShare, reason: `${outOfCover}; remainder after goodwill ${rule.id}` },
      ]);
    }
    if (classification.misuse) {
      if (ent.source === 'warranty' && costRules.misuseInWarrantyPayer === 'sales-centre') return result(whole('sales-centre', amountCents, 'misuse in warranty: sales centre goodwill by the cost rules'));
      return result(whole('customer', amountCents, 'misuse is not covered'));
    }
    if (line.kind === 'part') {
      if (excludedParts.has(line.partNumber)) return result(whole('customer', amountCents, `part ${line.partNumber} excluded by the ${ent.source}`));
      if (line.category !== undefined && excludedCategories.has(line.category)) {
        return result(whole('customer', amountCents, `category ${line.category} excluded by the ${ent.source}`));
      }
    }
    if (!ent.covers[KIND_COVER[line.kind]]) return result(whole('customer', amountCents, `${KIND_COVER[line.kind]} not covered by the ${ent.source}`));
    if (line.kind === 'part' && line.consumable && !ent.coversConsumables) return result(whole('customer', amountCents, `consumable ${line.partNumber} not covered`));
    return classification.qualityFailure
      ? result(whole('factory', amountCents, `quality failure covered by the ${ent.source}${classification.category === 'undecided' ? ' (no failure decision recorded)' : ''}`))
      : result(whole('sales-centre', amountCents, `covered by the ${ent.source}, not a quality failure${classification.category ? ` (${classification.category})` : ''}`));
  });

  const totals: Record<CostCentre, number> = { factory: 0, 'sales-centre': 0, customer: 0 };
  let totalCents = 0;
  for (const l of lines) {
    totalCents += l.amountCents;
    for (const s of l.shares) totals[s.costCentre] += s.amountCents;
  }
  return { caseId: closed.caseId, closedAt: closed.closedAt, lines, totals, totalCents };
}

/** One share of one line, flat, as stored and reported. */
export interface AllocationEntry {
  caseId: string;
  lineId: string;
  /** What the line is; absent on entries stored before entries carried it (see kindOfLine). */
  kind?: LineKind;
  closedAt: string;
  costCentre: CostCentre;
  payerId: string | null;
  amountCents: number;
  reason: string;
}

export function allocationEntries(allocation: CaseAllocation): AllocationEntry[] {
  return allocation.lines.flatMap((l) =>
    l.shares.map((s) => ({ caseId: allocation.caseId, lineId: l.lineId, kind: l.kind, closedAt: allocation.closedAt, costCentre: s.costCentre, payerId: s.payerId, amountCents: s.amountCents, reason: s.reason })),
  );
}

export interface MonthTotal {
  /** Calendar month in UTC, 'YYYY-MM'. */
  month: string;
  amountCents: number;
  entries: number;
  /** Cases with at least one entry counted here. */
  cases: number;
}

export interface MonthlyTotal extends MonthTotal {
  costCentre: CostCentre;
}

type TotalsFilter = { costCentre?: CostCentre; from?: string; to?: string };
/** What a total reads of an entry; its instant as an ISO string or, as stored, a Date. */
type Totalled = Pick<AllocationEntry, 'caseId' | 'costCentre' | 'amountCents'> & { closedAt: string | Date };

/** Sums the entries in [from, to) (on closedAt, UTC months) by the group each one's key names. */
function totalsBy<G extends MonthTotal>(entries: readonly Totalled[], filter: TotalsFilter, groupOf: (month: string, e: Totalled) => { key: string; group: () => G }): G[] {
  const fromMs = filter.from === undefined ? -Infinity : instant(filter.from, 'from');
  const toMs = filter.to === undefined ? Infinity : instant(filter.to, 'to');
  const groups = new Map<string, { total: G; cases: Set<string> }>();
  entries.forEach((e, i) => {
    const ms = e.closedAt instanceof Date ? e.closedAt.getTime() : instant(e.closedAt, `entries[${i}].closedAt`);
    if (Number.isNaN(ms)) throw new CostAllocationInputError(`entries[${i}].closedAt`, 'must be an ISO instant');
    if (ms < fromMs || ms >= toMs || (filter.costCentre !== undefined && e.costCentre !== filter.costCentre)) return;
    const { key, group } = groupOf(new Date(ms).toISOString().slice(0, 7), e);
    const found = groups.get(key) ?? { total: group(), cases: new Set<string>() };
    found.total.amountCents += e.amountCents;
    found.total.entries += 1;
    found.cases.add(e.caseId);
    found.total.cases = found.cases.size;
    groups.set(key, found);
  });
  return [...groups.values()].map((g) => g.total);
}

/** Totals per cost centre per UTC calendar month; `from` inclusive, `to` exclusive, on closedAt. */
export function monthlyTotals(entries: readonly Totalled[], filter: TotalsFilter = {}): MonthlyTotal[] {
  const totals = totalsBy(entries, filter, (month, e) => ({ key: `${month}|${e.costCentre}`, group: () => ({ month, costCentre: e.costCentre, amountCents: 0, entries: 0, cases: 0 }) }));
  return totals.sort((a, b) => a.month.localeCompare(b.month) || COST_CENTRES.indexOf(a.costCentre) - COST_CENTRES.indexOf(b.costCentre));
}

/** Totals per UTC calendar month over every cost centre (a case paid by two counts once). */
export function monthTotals(entries: readonly Totalled[], filter: TotalsFilter = {}): MonthTotal[] {
  return totalsBy(entries, filter, (month) => ({ key: month, group: () => ({ month, amountCents: 0, entries: 0, cases: 0 }) })).sort((a, b) => a.month.localeCompare(b.month));
}

// ---- Red flag: requisitions far above the engineer's own history or their peers ----

export interface RequisitionQuantity {
  requisitionId?: string;
  engineerId: string;
  partNumber: string;
  /** When given on a requisition, its baseline uses only history for the same model. */
  model?: string;
  quantity: number;
}

export interface OutlierRules {
  /** Flag when quantity > median + k x max(MAD, madFloor). */
  k: number;
  /** Keeps a flat history (MAD 0) from flagging every quantity one above the median. */
  madFloor: number;
  /** Fewer past requisitions than this give no baseline. */
  minSamples: number;
}

export const DEFAULT_OUTLIER_RULES: OutlierRules = { k: 3, madFloor: 1, minSamples: 5 };

export interface OutlierFlag {
  requisitionId: string | undefined;
  engineerId: string;
  partNumber: string;
  quantity: number;
  basis: 'own-history' | 'peers';
  samples: number;
  median: number;
  mad: number;
  k: number;
  threshold: number;
  reason: string;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median absolute deviation from the median. */
export function mad(values: readonly number[]): number {
  const m = median(values);
  return median(values.map((v) => Math.abs(v - m)));
}

export function requisitionOutliers(
  requisitions: readonly RequisitionQuantity[],
  history: readonly RequisitionQuantity[],
  rules: OutlierRules = DEFAULT_OUTLIER_RULES,
): OutlierFlag[] {
  const flags: OutlierFlag[] = [];
  requisitions.forEach((r, i) => {
    nonNegative(r.quantity, `requisitions[${i}].quantity`, true);
    const comparable = history.filter((h) => h.partNumber === r.partNumber && (r.model === undefined || h.model === r.model));
    const baselines: Array<[OutlierFlag['basis'], number[]]> = [
      ['own-history', comparable.filter((h) => h.engineerId === r.engineerId).map((h) => h.quantity)],
      ['peers', comparable.filter((h) => h.engineerId !== r.engineerId).map((h) => h.quantity)],
    ];
    for (const [basis, quantities] of baselines) {
      if (quantities.length < Math.max(1, rules.minSamples)) continue;
      const m = median(quantities);
      const d = mad(quantities);
      const threshold = m + rules.k * Math.max(d, rules.madFloor);
      if (r.quantity <= threshold) continue;
      flags.push({
        requisitionId: r.requisitionId,
        engineerId: r.engineerId,
        partNumber: r.partNumber,
        quantity: r.quantity,
        basis,
        samples: quantities.length,
        median: m,
        mad: d,
        k: rules.k,
        threshold,
        reason: `quantity ${r.quantity} above ${basis} threshold ${threshold} (median ${m} + ${rules.k} x max(MAD ${d}, ${rules.madFloor}), ${quantities.length} samples)`,
      });
    }
  });
  return flags;
}
