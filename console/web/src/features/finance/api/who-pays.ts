import { useResource } from '../../../lib/api';
import { monthRange, type AllocationEntry, type CentreTotal, type MonthTotal, type Scope } from '../who-pays';

export interface CostAllocationAnswer {
  /** At most ALLOCATION_PAGE_LIMIT, oldest first (closedAt, then id). */
  entries: AllocationEntry[];
  /** Per month and cost centre over every entry of the range, however many were listed. */
  totals: CentreTotal[];
  /** Per month over every cost centre (a case two centres pay counts once). */
  months: MonthTotal[];
}

/** The most entries spares answers at once (its route's limit): a full page means some may be missing. */
export const ALLOCATION_PAGE_LIMIT = 5000;

/** Spares' totals of the cost allocation booked in [from, to), which count every entry; no entries listed (the table needs none). */
export function useCostAllocation(range: { from: string; to: string }) {
  const query = new URLSearchParams({ ...range, limit: '0' });
  return useResource<CostAllocationAnswer>('spares', `/v1/cost-allocation?${query}`);
}

/** The entries behind one cell: its month and, unless the cell is the month's total, its cost centre only. */
export function useCellAllocation(month: string, scope: Scope) {
  const query = new URLSearchParams(monthRange(month));
  if (scope !== 'all') query.set('costCentre', scope);
  return useResource<CostAllocationAnswer>('spares', `/v1/cost-allocation?${query}`);
}

interface PriceListsAnswer {
  items: { id: string; currency: string }[];
}

/** Costs are priced from spares' default price list, so its currency is the costs' currency. */
export function useCostCurrency(): string | null {
  const lists = useResource<PriceListsAnswer>('spares', '/v1/price-lists');
  return lists.data?.status === 200 ? (lists.data.body.items.find((l) => l.id === 'default')?.currency ?? null) : null;
}

export interface GoodwillRule {
  id: string;
  withinDaysAfterWarrantyEnd: number;
  kinds: ('part' | 'labour' | 'travel')[];
  payer: 'factory' | 'sales-centre';
  shareBasisPoints: number;
  qualityFailureOnly: boolean;
}

export interface CostRulesVersion {
  id: string;
  version: number;
  effectiveFrom: string;
  changedAt: string;
  changedBy: string;
  reason: string;
  body: { misuseInWarrantyPayer: 'customer' | 'sales-centre'; goodwill: GoodwillRule[] };
}

/** The cost rules in force at an instant: a case is split by the rules in force when it closed. */
export function useCostRulesAt(at: string) {
  return useResource<CostRulesVersion>('spares', `/v1/cost-rules/default?${new URLSearchParams({ at })}`);
}

/** When each version of the cost rules took effect, to say whether they changed within a month. */
export function useCostRuleVersions() {
  return useResource<{ items: Omit<CostRulesVersion, 'id' | 'body'>[] }>('spares', '/v1/cost-rules/default/versions');
}
