import { z } from 'zod';
import { defineRoute, type RouteSpec } from '@aftersales/platform';
import { COST_CENTRES, monthlyTotals } from '../domain/cost-allocation';
import { id, type SparesDeps } from './common';
import { costAllocationView } from './responses';

export function costAllocationRoutes({ store }: SparesDeps): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/cost-allocation',
      summary: 'Who pays for each part, hour and trip of closed cases, with the reason; totals per cost centre per month',
      tags: ['cost allocation'],
      roles: ['finance', 'spares', 'manager', 'auditor'],
      query: z.object({ from: z.iso.datetime().optional(), to: z.iso.datetime().optional(), costCentre: z.enum(COST_CENTRES as [string, ...string[]]).optional(), caseId: id.optional() }),
      responses: { 200: { description: 'Entries (closedAt in [from, to)) and monthly totals', schema: costAllocationView } },
      handler: async ({ query }) => {
        const closedAt = { ...(query.from ? { $gte: new Date(query.from) } : {}), ...(query.to ? { $lt: new Date(query.to) } : {}) };
        const q = { ...(Object.keys(closedAt).length ? { closedAt } : {}), ...(query.costCentre ? { costCentre: query.costCentre as (typeof COST_CENTRES)[number] } : {}), ...(query.caseId ? { caseId: query.caseId } : {}) };
        const docs = await store.allocations.find(q).sort({ closedAt: 1, _id: 1 }).limit(5000).toArray();
        // payerId null comes back missing from an upsert's $setOnInsert on FerretDB v1 (the demo entries).
        const entries = docs.map(({ _id: _ignored, ...e }) => ({ ...e, payerId: e.payerId ?? null, closedAt: e.closedAt.toISOString() }));
        return { status: 200, body: { entries, totals: monthlyTotals(entries) } };
      },
    }),
  ];
}
