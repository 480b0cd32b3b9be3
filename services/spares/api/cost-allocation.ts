import { z } from 'zod';
import { defineRoute, type RouteSpec } from '@aftersales/platform';
import { COST_CENTRES, monthlyTotals, monthTotals, type CostCentre, type MonthlyTotal, type MonthTotal } from '../domain/cost-allocation';
import type { AllocationEntryDoc } from '../store/collections';
import { createCostLedger, inBookingOrder, type LedgerMonth } from '../store/cost-ledger';
import { id, type SparesDeps } from './common';
import { costAllocationView } from './responses';

/** The most entries one answer lists (the console says so when a page is full). */
const maxEntries = 5000;

interface Totals {
  totals: MonthlyTotal[];
  months: MonthTotal[];
}

/** A range's entries of one month (or a case's few) summed, one cost centre or all. */
const totalsOf = (docs: readonly AllocationEntryDoc[], costCentre?: string): Totals => {
  const filter = costCentre ? { costCentre: costCentre as CostCentre } : {};
  return { totals: monthlyTotals(docs, filter), months: monthTotals(docs, filter) };
};

export function costAllocationRoutes({ store, platform }: SparesDeps): RouteSpec[] {
  const ledger = createCostLedger(store, platform.now);
  /**
   * A whole month's totals, kept while the ledger hands out the same array for it (until the month's
   * next page): a range of whole months, the finance screen's six, is then summed once per booking
   * instead of on every call.
   */
  const summed = new WeakMap<readonly AllocationEntryDoc[], Map<string, Totals>>();
  const wholeMonthTotals = (entries: readonly AllocationEntryDoc[], costCentre?: string): Totals => {
    const byCentre = summed.get(entries) ?? new Map<string, Totals>();
    summed.set(entries, byCentre);
    const known = byCentre.get(costCentre ?? '') ?? totalsOf(entries, costCentre);
    byCentre.set(costCentre ?? '', known);
    return known;
  };
  return [
    defineRoute({
      method: 'get',
      path: '/v1/cost-allocation',
      summary: 'Who pays for each part, hour and trip of closed cases, with the reason; totals per cost centre per month',
      tags: ['cost allocation'],
      roles: ['finance', 'spares', 'manager', 'auditor'],
      query: z.object({ from: z.iso.datetime().optional(), to: z.iso.datetime().optional(), costCentre: z.enum(COST_CENTRES as [string, ...string[]]).optional(), caseId: id.optional(), limit: z.coerce.number().int().min(0).max(maxEntries).default(maxEntries) }),
      responses: { 200: { description: 'Entries (closedAt in [from, to)), at most `limit` (5,000), oldest first; totals per month and cost centre, and per month, over all of them', schema: costAllocationView } },
      handler: async ({ query }) => {
        const from = query.from ? new Date(query.from) : undefined;
        const to = query.to ? new Date(query.to) : undefined;
        // By `_id` either way: a case's entries from its list, a range month by month from the ledger.
        // A range comes in booking order from the ledger; a case's few entries are sorted here.
        const months: LedgerMonth[] = query.caseId
          ? [{ month: '', whole: false, entries: (await ledger.ofCase(query.caseId)).docs.filter((e) => (!from || e.closedAt >= from) && (!to || e.closedAt < to)).sort(inBookingOrder) }]
          : await ledger.monthsBetween(from, to);
        const listed: AllocationEntryDoc[] = [];
        const totals: Totals = { totals: [], months: [] };
        // Month by month, oldest first: the totals count every entry in the range; the entries listed stop at `limit` (0: the totals alone).
        for (const m of months) {
          const these = m.whole ? wholeMonthTotals(m.entries, query.costCentre) : totalsOf(m.entries, query.costCentre);
          totals.totals.push(...these.totals);
          totals.months.push(...these.months);
          for (const e of m.entries) {
            if (listed.length >= query.limit) break;
            if (!query.costCentre || e.costCentre === query.costCentre) listed.push(e);
          }
        }
        // payerId null comes back missing from an upsert's $setOnInsert on FerretDB v1 (the demo entries).
        const entries = listed.map(({ _id: _ignored, ...e }) => ({ ...e, payerId: e.payerId ?? null, closedAt: e.closedAt.toISOString() }));
        return { status: 200, body: { entries, ...totals } };
      },
    }),
  ];
}
