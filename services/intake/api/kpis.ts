import { z } from 'zod';
import { defineRoute, type RouteSpec } from '@aftersales/platform';
import { dateInput } from './common';
import { computeKpis, defaultKpiOptions, type RequestFacts } from '../domain/kpis';
import type { IntakeModels, ServiceRequestDoc } from '../store/models';

const readers = ['manager', 'auditor', 'quality', 'platform'] as const;
const day = 86_400_000;

const rate = z.object({ numerator: z.number().int(), denominator: z.number().int(), rate: z.number().nullable() });
const summary = z.object({ count: z.number().int(), meanMinutes: z.number().nullable(), medianMinutes: z.number().nullable() });
/** The KpiReport of the period, with its bounds. */
const kpiReport = z.object({
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  requests: z.number().int(),
  valid: z.number().int(),
  responseTime: summary,
  validToDispatch: summary,
  dispatchedShare: rate,
  firstTimeFix: rate,
  repairSuccess: rate,
  repeatFailure: rate,
  meanTimeToRepair: summary,
  slaAttainment: z.record(z.string(), z.record(z.string(), rate)),
  complaintRate: z.record(z.string(), rate),
  satisfaction: z.object({ answers: z.number().int(), mean: z.number().nullable(), lowShare: rate }),
});

export const kpiQuery = z
  .strictObject({
    from: dateInput,
    to: dateInput,
    repeatWindowDays: z.coerce.number().int().min(1).max(365).default(defaultKpiOptions.repeatWindowDays),
  })
  .refine((q) => q.to.getTime() > q.from.getTime(), { path: ['to'], message: 'to must be after from' })
  .refine((q) => q.to.getTime() - q.from.getTime() <= 366 * day, { path: ['to'], message: 'a period of at most 366 days' });

type StoredClock = { name: string; status: string; stoppedAt: string | null };
type Stored = ServiceRequestDoc & {
  tier?: RequestFacts['tier'];
  sla?: StoredClock[];
  screening?: { outcome: 'valid' | 'invalid'; at: string } | null;
  resolution?: { firstTimeFix: boolean } | null;
  survey?: { score: number } | null;
  reopened?: number;
};

/** A stored record as the facts the KPIs read; the workflow's projection fills most of them. */
export function toRequestFacts(doc: Stored): RequestFacts {
  const clocks = (doc.sla ?? []).map((c) => ({ name: c.name, status: c.status, stoppedAt: c.stoppedAt ? new Date(c.stoppedAt) : null }));
  const firstResponse = clocks.find((c) => c.name === 'first-response');
  return {
    id: doc._id,
    serialNumber: doc.serialNumber,
    raisedAt: new Date(doc.raisedAt),
    registeredAt: new Date(doc.registeredAt),
    status: doc.status,
    tier: doc.tier ?? null,
    screening: doc.screening ? { outcome: doc.screening.outcome, at: new Date(doc.screening.at) } : null,
    firstResponseAt: firstResponse?.stoppedAt ?? null,
    dispatchedAt: doc.dispatchedAt ? new Date(doc.dispatchedAt) : null,
    solvedAt: doc.solvedAt ? new Date(doc.solvedAt) : null,
    acceptedAt: doc.acceptedAt ? new Date(doc.acceptedAt) : null,
    firstTimeFix: doc.resolution?.firstTimeFix ?? null,
    reopened: doc.reopened ?? 0,
    clocks,
    surveyScore: doc.survey?.score ?? null,
    complaintOf: doc.complaint?.of ?? null,
  };
}

/** The service KPIs of a period, from intake's records. */
export function kpiRoutes(models: IntakeModels): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/kpis',
      summary: 'Service KPIs of the requests raised in [from, to): response, dispatch, first-time fix, repeat failures, SLA attainment per tier, complaints, satisfaction',
      tags: ['kpis'],
      roles: readers,
      query: kpiQuery,
      responses: { 200: { description: 'The figures, each rate with its numerator and denominator', schema: kpiReport } },
      handler: async ({ query }) => {
        // Repeat failures and complaints look past the period's end by the repeat window.
        const until = new Date(query.to.getTime() + query.repeatWindowDays * day);
        const docs = await models.serviceRequests
          .find({ raisedAt: { $gte: query.from, $lt: until } }, { outbox: 0, contact: 0, knownFixes: 0, entitlement: 0 })
          .lean<Stored[]>();
        const report = computeKpis(docs.map(toRequestFacts), query.from, query.to, { ...defaultKpiOptions, repeatWindowDays: query.repeatWindowDays });
        return { status: 200, body: { from: query.from.toISOString(), to: query.to.toISOString(), ...report } };
      },
    }),
  ];
}
