import { z } from 'zod';
import { defineRoute, type Platform, type RouteSpec } from '@aftersales/platform';
import { drawAuditSample, seededRandom } from '../domain/audit-sample';
import { computeKpis } from '../domain/kpis';
import { findRedFlags } from '../domain/red-flags';
import { defaultTargets, monthlyScorecard } from '../domain/targets';
import type { Generations } from '../store/generations';
import { loadPeriod } from '../store/reports';
import { readers, spanOf } from './kpis';

const at = z.string();
const instant = z.iso.datetime({ offset: true });
const dayMs = 86_400_000;
/** Red flags compare a case with its peers and the engineer's history: a year is the widest window read. */
const maxWindowDays = 366;

const windowQuery = z.object({
  from: instant.optional().describe('Start (inclusive); default: 90 days before now'),
  to: instant.optional().describe('End (exclusive); default: now'),
});

/** A window of `defaultDays` up to now unless the query names its ends. */
const windowOf = (query: { from?: string | undefined; to?: string | undefined }, now: Date, defaultDays: number) =>
  spanOf(query, now, { defaultFrom: (to) => new Date(to.getTime() - defaultDays * dayMs), maxDays: maxWindowDays, noun: 'window' });

const redFlagsSchema = z.object({
  from: at,
  to: at,
  items: z.array(z.object({ rule: z.string(), subject: z.string(), caseIds: z.array(z.string()), detail: z.string() })),
});

const stepStatus = z.enum(['done', 'missing', 'not-yet-due', 'not-applicable']);
const auditSampleSchema = z.object({
  from: at,
  to: at,
  seed: z.number().int(),
  population: z.number().int(),
  strata: z.array(z.object({ tier: z.string(), channel: z.string(), population: z.number().int(), sampled: z.number().int() })),
  cases: z.array(
    z.object({
      requestId: z.string(),
      stratum: z.object({ tier: z.string(), channel: z.string() }),
      steps: z.array(z.object({ step: z.string(), at: at.nullable(), status: stepStatus })),
      gaps: z.array(z.object({ code: z.string(), detail: z.string() })),
      proved: z.boolean(),
      inProgress: z.boolean(),
      missingAtRegistration: z.array(z.string()),
    }),
  ),
});

const scorecardSchema = z.object({
  month: z.string(),
  departments: z.array(
    z.object({
      owner: z.string(),
      lines: z.array(z.object({ kpiId: z.string(), breakdownKey: z.string().optional(), target: z.number().nullable(), actual: z.number().nullable(), status: z.enum(['met', 'missed', 'not-measured']), note: z.string() })),
    }),
  ),
});

/** The month [first instant, first instant of the next) of `YYYY-MM`, and the same month a year before. */
function monthBounds(month: string): { from: string; to: string; lastYear: { from: string; to: string } } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const bounds = (year: number) => ({ from: new Date(Date.UTC(year, m - 1, 1)).toISOString(), to: new Date(Date.UTC(year, m, 1)).toISOString() });
  return { ...bounds(y), lastYear: bounds(y - 1) };
}

/** The auditor's and the business head's lists: red flags, the lifecycle sample, the monthly scorecard. */
export function evidenceRoutes(platform: Platform, generations: Generations): RouteSpec[] {
  async function casesIn(from: string, to: string) {
    return loadPeriod(await generations.current(), from, to);
  }
  return [
    defineRoute({
      method: 'get',
      path: '/v1/red-flags',
      summary: 'Red flags over the cases registered in a window: parts far above peers or history, returns never made, records changed after close, self-approved parts, implausible time reports',
      tags: ['audit'],
      roles: readers,
      query: windowQuery,
      responses: { 200: { description: 'Every flag with the cases behind it, in rule order', schema: redFlagsSchema } },
      handler: async ({ query }) => {
        const window = windowOf(query, platform.now(), 90);
        const { cases } = await casesIn(window.from, window.to);
        const inWindow = cases.filter((c) => c.registeredAt < window.to);
        return { status: 200, body: { from: window.from, to: window.to, items: findRedFlags(inWindow, { since: window.from }) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/audit-sample',
      summary: "The auditor's sample of requests registered in a window, stratified by tier and channel, each one's lifecycle proved or its gaps listed",
      tags: ['audit'],
      roles: readers,
      query: windowQuery.extend({
        size: z.coerce.number().int().min(1).max(500).default(25).describe('How many requests to draw'),
        seed: z.coerce.number().int().min(0).max(2 ** 31 - 1).default(1).describe('The same seed over the same window draws the same sample'),
      }),
      responses: { 200: { description: 'The sample, its strata and each drawn request audited', schema: auditSampleSchema } },
      handler: async ({ query }) => {
        const window = windowOf(query, platform.now(), 30);
        const { cases } = await casesIn(window.from, window.to);
        const sample = drawAuditSample(cases, { ...window, size: query.size }, seededRandom(query.seed));
        return { status: 200, body: { from: window.from, to: window.to, seed: query.seed, ...sample } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/scorecard',
      summary: "A month's figures against their targets per department (met, missed or not measured), targets improved on the same month last year",
      tags: ['audit'],
      roles: readers,
      query: z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month as YYYY-MM').optional().describe('Default: this month (UTC)') }),
      responses: { 200: { description: 'One scorecard per department', schema: scorecardSchema } },
      handler: async ({ query }) => {
        const now = platform.now();
        const month = query.month ?? now.toISOString().slice(0, 7);
        const bounds = monthBounds(month);
        const [current, lastYear] = await Promise.all([casesIn(bounds.from, bounds.to), casesIn(bounds.lastYear.from, bounds.lastYear.to)]);
        const values = computeKpis(current.cases, { from: bounds.from, to: bounds.to, now: now.toISOString(), machines: current.machines, stock: { valuations: current.stock } });
        const before = computeKpis(lastYear.cases, { ...bounds.lastYear, now: now.toISOString(), machines: lastYear.machines, stock: { valuations: lastYear.stock } });
        return { status: 200, body: { month, departments: monthlyScorecard(values, defaultTargets, before) } };
      },
    }),
  ];
}
