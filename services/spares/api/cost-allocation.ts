import { z } from 'zod';
import { defineRoute, type RouteSpec } from '@aftersales/platform';
import { COST_CENTRES, monthlyTotals, monthTotals } from '../domain/cost-allocation';
import { createCostLedger, inBookingOrder } from '../store/cost-ledger';
import { id, type SparesDeps } from './common';
import { costAllocationView } from './responses';

/** The most entries one answer lists (the console says so when a page is full). */
const maxEntries = 5000;

export function costAllocationRoutes({ store, platform }: SparesDeps): RouteSpec[] {
  const ledger = createCostLedger(store, platform.now);
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
        const found = query.caseId ? (await ledger.ofCase(query.caseId)).docs.filter((e) => (!from || e.closedAt >= from) && (!to || e.closedAt < to)).sort(inBookingOrder) : await ledger.between(from, to);
        const docs = query.costCentre ? found.filter((e) => e.costCentre === query.costCentre) : found;
        // payerId null comes back missing from an upsert's $setOnInsert on FerretDB v1 (the demo entries).
        const entries = docs.slice(0, query.limit).map(({ _id: _ignored, ...e }) => ({ ...e, payerId: e.payerId ?? null, closedAt: e.closedAt.toISOString() }));
        // The totals count every entry in the range; the entries listed stop at `limit` (0: the totals alone).
        return { status: 200, body: { entries, totals: monthlyTotals(docs), months: monthTotals(docs) } };
      },
    }),
  ];
}
