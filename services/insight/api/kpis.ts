import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { z } from 'zod';
import { defineRoute, identifier, NotFoundError, ValidationError, type Platform, type RouteSpec } from '@aftersales/platform';
import type { CaseRecord } from '../domain/case-record';
import { kpiDefinition, kpiDefinitions, type KpiValue } from '../domain/kpis';
import { machinesPerModel } from '../domain/machines';
import { buildReport, casesBehind, dimensions, exportColumns, exportLines, filterCases, type Filters, type ReportGroup } from '../domain/report';
import type { Generations } from '../store/generations';
import { loadPeriod } from '../store/reports';
import { type caseSummarySchema, drillDownSchema, kpiDefinitionSchema, kpiIdSchema, kpiReportSchema } from './responses';

export const readers = ['manager', 'auditor', 'platform'] as const;
const dayMs = 86_400_000;
/** A report reads 16 documents per month: two years is the longest period asked at once. */
const maxPeriodDays = 731;

const instant = z.iso.datetime({ offset: true });
const filterFields = Object.fromEntries(dimensions.map((d) => [d, identifier.optional()])) as Record<(typeof dimensions)[number], z.ZodOptional<typeof identifier>>;
const reportQuery = z.object({
  from: instant.optional().describe('Start of the period (inclusive); default: the first of this month, UTC'),
  to: instant.optional().describe('End of the period (exclusive); default: now'),
  groupBy: z.enum(dimensions as [string, ...string[]]).optional().describe('A figure per value of this dimension'),
  ...filterFields,
});
type ReportQuery = z.infer<typeof reportQuery>;
const drillQuery = reportQuery.extend({
  group: z.string().min(1).max(128).optional().describe('The group (a value of groupBy) whose figure to open; "all" without groupBy'),
  slice: z.string().min(1).max(128).optional().describe("A key of the figure's breakdown, to open only that slice"),
});

export interface Period {
  from: string;
  to: string;
  now: string;
}

/**
 * The span [from, to) a query asks for: `to` defaults to now and `from` to `defaultFrom(to)`; a
 * span must run forwards and stay within `maxDays` (400 naming the field otherwise).
 */
export function spanOf(query: { from?: string | undefined; to?: string | undefined }, now: Date, rule: { defaultFrom: (to: Date) => Date; maxDays: number; noun: string }): Period {
  const to = query.to ? new Date(query.to) : now;
  const from = query.from ? new Date(query.from) : rule.defaultFrom(to);
  if (to.getTime() <= from.getTime()) throw new ValidationError(query.to ? 'to' : 'from', 'to must come after from');
  if (to.getTime() - from.getTime() > rule.maxDays * dayMs) throw new ValidationError('to', `a ${rule.noun} spans at most ${rule.maxDays} days`);
  return { from: from.toISOString(), to: to.toISOString(), now: now.toISOString() };
}

/** A report's period: by default from the first of this month (UTC) to now. */
const periodOf = (query: ReportQuery, now: Date): Period =>
  spanOf(query, now, { defaultFrom: () => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)), maxDays: maxPeriodDays, noun: 'period' });

const filtersOf = (query: ReportQuery): Filters => Object.fromEntries(dimensions.filter((d) => query[d] !== undefined).map((d) => [d, query[d]!]));

const figureOf = (v: KpiValue) => {
  const def = kpiDefinition(v.id);
  return {
    id: v.id, label: def.label, unit: def.unit, better: def.better, value: v.value,
    ...(v.numerator !== undefined ? { numerator: v.numerator } : {}),
    ...(v.denominator !== undefined ? { denominator: v.denominator } : {}),
    caseCount: v.caseIds.length,
    ...(v.note ? { note: v.note } : {}),
    ...(v.breakdown ? { breakdown: v.breakdown.map((b) => ({ key: b.key, value: b.value, ...(b.numerator !== undefined ? { numerator: b.numerator } : {}), ...(b.denominator !== undefined ? { denominator: b.denominator } : {}), caseCount: b.caseIds.length })) } : {}),
  };
};

export const caseSummary = (c: CaseRecord): z.infer<typeof caseSummarySchema> => ({
  requestId: c.requestId, customerId: c.customerId, customerClass: c.customerClass, channel: c.channel, serialNumber: c.serialNumber, model: c.model, productLine: c.productLine,
  region: c.region, tier: c.tier, engineerId: c.engineerId, registeredAt: c.registeredAt, firstAssignedAt: c.firstAssignedAt, resolvedAt: c.resolvedAt, closedAt: c.closedAt,
  firstTimeFix: c.firstTimeFix, slaMet: c.slaMet,
});

/** The KPIs per group, their drill-down to the cases behind each figure, and the exports. */
export function kpiRoutes(platform: Platform, generations: Generations): RouteSpec[] {
  async function report(query: ReportQuery) {
    const period = periodOf(query, platform.now());
    const generation = await generations.current();
    const { cases, machines, base, stock } = await loadPeriod(generation, period.from, period.to);
    const groupBy = (query.groupBy ?? null) as (typeof dimensions)[number] | null;
    const filters = filtersOf(query);
    const groups = buildReport(cases, machines, { ...period, groupBy, filters, stock });
    return { period, generation: generation.number, groupBy, filters, groups, cases, base };
  }
  const fileName = (p: Period, ext: string) => `insight-kpis_${p.from.slice(0, 10)}_${p.to.slice(0, 10)}.${ext}`;

  return [
    defineRoute({
      method: 'get',
      path: '/v1/kpis/definitions',
      summary: 'What each KPI means: the cases it counts and its unit',
      tags: ['kpis'],
      roles: readers,
      responses: { 200: { description: 'Every KPI, in report order', schema: z.object({ items: z.array(kpiDefinitionSchema) }) } },
      handler: async () => ({ status: 200, body: { items: kpiDefinitions } }),
    }),
    defineRoute({
      method: 'get',
      path: '/v1/kpis',
      summary: 'The KPIs over a period, for the cases matching the filters, per group of a dimension',
      tags: ['kpis'],
      roles: readers,
      query: reportQuery,
      responses: {
        200: {
          description: 'One group ("all" without groupBy) with every figure, its numerator and denominator and how many cases are behind it',
          schema: kpiReportSchema,
          links: { getCases: { operationId: 'getKpisByKpiIdCases', parameters: { kpiId: '$response.body#/groups/0/kpis/0/id', from: '$response.body#/from', to: '$response.body#/to' } } },
        },
      },
      handler: async ({ query }) => {
        const r = await report(query);
        const body = {
          ...r.period, generation: r.generation, groupBy: r.groupBy, filters: r.filters,
          groups: r.groups.map((g) => ({ key: g.key, caseCount: g.caseCount, kpis: g.kpis.map(figureOf) })),
          installedBase: machinesPerModel(r.base),
        };
        return { status: 200, body };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/kpis/:kpiId/cases',
      summary: 'The cases behind one figure (drill-down), for the same period, filters and group',
      tags: ['kpis'],
      roles: readers,
      params: z.object({ kpiId: kpiIdSchema }),
      query: drillQuery,
      responses: { 200: { description: 'The figure and its cases', schema: drillDownSchema }, 404: { description: 'No such group or slice in the report' } },
      handler: async ({ params, query }) => {
        const r = await report(query);
        const groupKey = query.group ?? 'all';
        const group: ReportGroup | undefined = r.groups.find((g) => g.key === groupKey);
        if (!group) throw new NotFoundError('group', groupKey, 'group');
        const value = group.kpis.find((k) => k.id === params.kpiId)!;
        const cases = casesBehind(filterCases(r.cases, r.filters), value, query.slice ?? null);
        if (!cases) throw new NotFoundError('slice', query.slice!, 'slice');
        return { status: 200, body: { kpiId: params.kpiId, ...r.period, group: groupKey, slice: query.slice ?? null, value: value.value, cases: cases.map(caseSummary) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/kpis/export.csv',
      summary: 'The same report as CSV: one line per group and figure, and per slice of a breakdown',
      tags: ['kpis'],
      roles: readers,
      query: reportQuery,
      responses: { 200: { description: 'The figures as CSV (UTF-8, header line first)', contentType: 'text/csv' } },
      handler: async ({ query }) => {
        const r = await report(query);
        const csv = stringify(exportLines(r.groups, r.period.from, r.period.to), { header: true, columns: [...exportColumns] });
        return { status: 200, headers: { 'content-disposition': `attachment; filename="${fileName(r.period, 'csv')}"` }, raw: { contentType: 'text/csv; charset=utf-8', content: csv } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/kpis/export.xlsx',
      summary: 'The same report as an Excel workbook: the figures, and what each KPI means',
      tags: ['kpis'],
      roles: readers,
      query: reportQuery,
      responses: { 200: { description: 'An XLSX workbook with the sheets KPIs and Definitions', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } },
      handler: async ({ query }) => {
        const r = await report(query);
        const book = new ExcelJS.Workbook();
        book.created = new Date(r.period.now);
        const figures = book.addWorksheet('KPIs');
        figures.columns = exportColumns.map((key) => ({ header: key, key, width: key === 'label' ? 40 : 16 }));
        figures.addRows(exportLines(r.groups, r.period.from, r.period.to));
        figures.getRow(1).font = { bold: true };
        const defs = book.addWorksheet('Definitions');
        defs.columns = (['id', 'label', 'unit', 'better', 'definition'] as const).map((key) => ({ header: key, key, width: key === 'definition' ? 100 : 24 }));
        defs.addRows(kpiDefinitions.map((d) => ({ ...d })));
        const content = Buffer.from(await book.xlsx.writeBuffer());
        return {
          status: 200,
          headers: { 'content-disposition': `attachment; filename="${fileName(r.period, 'xlsx')}"` },
          raw: { contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', content },
        };
      },
    }),
  ];
}
