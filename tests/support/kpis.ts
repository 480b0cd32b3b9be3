/**
 * Readers of insight's KPI answers, shared by the e2e tests that check its figures: the shape of
 * `GET /v1/kpis`, one figure of it, and a KPI's line in the CSV and XLSX exports.
 */
import ExcelJS from 'exceljs';

/** A KPI figure as `GET /v1/kpis` answers it (a ratio's parts when it is one; a breakdown when the KPI has slices). */
export interface KpiFigure {
  id: string;
  value: number | null;
  numerator?: number;
  denominator?: number;
  caseCount: number;
  note?: string;
  breakdown?: { key: string; value: number | null; numerator?: number; denominator?: number; caseCount: number }[];
}

/** `GET /v1/kpis`: the figures per group (`all` when not grouped) of one generation of the read model. */
export interface KpiReport {
  generation: number;
  groups: { key: string; caseCount: number; kpis: KpiFigure[] }[];
  installedBase: Record<string, number>;
}

/** The figure `id` of a group (the first group when none is named); undefined when the report has none. */
export function kpiFigure(report: KpiReport, id: string, group?: string): KpiFigure | undefined {
  const found = group === undefined ? report.groups[0] : report.groups.find((g) => g.key === group);
  return found?.kpis.find((k) => k.id === id);
}

/** The header of the KPI exports, CSV and the XLSX sheet `KPIs` alike. */
export const kpiExportColumns = ['from', 'to', 'group', 'kpi', 'label', 'unit', 'slice', 'value', 'numerator', 'denominator', 'cases', 'note'];

/** The CSV export's lines, split into cells (the exports' figures hold no commas). */
export function kpiCsvRows(csv: string): string[][] {
  return csv.trim().split('\n').map((line) => line.split(','));
}

/** The XLSX export: its sheets' names and the rows of the sheet `KPIs`. */
export async function kpiWorkbook(xlsx: ArrayBuffer): Promise<{ sheets: string[]; rows: unknown[][] }> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(xlsx);
  const rows: unknown[][] = [];
  book.getWorksheet('KPIs')?.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return { sheets: book.worksheets.map((s) => s.name), rows };
}

/** A KPI's whole-group row (no slice) among the export's rows: `kpi` is column 4, `slice` column 7. */
export function kpiExportRow<T>(rows: T[][], kpiId: string): T[] | undefined {
  return rows.find((r) => r[3] === kpiId && r[6] === '');
}
