/**
 * Who pays, per month and cost centre, from spares' totals of the range; the cases behind one cell
 * from its allocation entries (one share of one line of one case each). Money stays in integer minor units (cents) from the API to the screen: sums are
 * integer additions checked to stay exact, and amounts reach Intl as decimal strings, never as a
 * float divided by 100.
 */

export type CostCentre = 'factory' | 'sales-centre' | 'customer';
/** In the order spares reports them. */
export const COST_CENTRES: readonly CostCentre[] = ['factory', 'sales-centre', 'customer'];

/** One entry as GET /v1/cost-allocation answers it; closedAt is when it was booked (a correction's own date). */
export interface AllocationEntry {
  caseId: string;
  lineId: string;
  closedAt: string;
  costCentre: CostCentre;
  payerId: string | null;
  amountCents: number;
  reason: string;
}

export interface CellTotal {
  amountCents: number;
  entries: number;
  cases: number;
}

export interface MonthRow {
  /** 'YYYY-MM', UTC, as spares books months. */
  month: string;
  byCentre: Record<CostCentre, CellTotal>;
  total: CellTotal;
}

/** A month × cost-centre cell, or the month's total over every cost centre. */
export type Scope = CostCentre | 'all';

export interface CaseLines {
  caseId: string;
  amountCents: number;
  lines: AllocationEntry[];
}

/** Adds integer minor units; refuses anything that would not stay exact in a double. */
export function addCents(a: number, b: number): number {
  const sum = a + b;
  if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b) || !Number.isSafeInteger(sum)) throw new RangeError(`amounts must be integer minor units within ±2^53 (${a} + ${b})`);
  return sum;
}

export function sumCents(amounts: readonly number[]): number {
  return amounts.reduce(addCents, 0);
}

/** The UTC calendar month of an instant. */
export function monthOf(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`not an instant: ${iso}`);
  return new Date(ms).toISOString().slice(0, 7);
}

/** The month the picker opens on: the current one, in UTC like the books. */
export function currentMonth(nowMs: number): string {
  return new Date(nowMs).toISOString().slice(0, 7);
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isMonth(value: string): boolean {
  return MONTH.test(value);
}

function parts(month: string): [number, number] {
  const m = MONTH.exec(month);
  if (!m) throw new RangeError(`not a month (YYYY-MM): ${month}`);
  return [Number(m[1]), Number(m[2]) - 1];
}

/** The month `by` months after (negative: before) `month`. */
export function shiftMonth(month: string, by: number): string {
  const [year, index] = parts(month);
  return new Date(Date.UTC(year, index + by, 1)).toISOString().slice(0, 7);
}

/** [from, to) as the API's query wants them: the first instant of the month and of the next. */
export function monthRange(month: string): { from: string; to: string } {
  const [year, index] = parts(month);
  return { from: new Date(Date.UTC(year, index, 1)).toISOString(), to: new Date(Date.UTC(year, index + 1, 1)).toISOString() };
}

/** `count` months ending with `last`, oldest first. */
export function monthsEndingAt(last: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => shiftMonth(last, i - count + 1));
}

const emptyCell = (): CellTotal => ({ amountCents: 0, entries: 0, cases: 0 });

/** One month × cost-centre cell of spares' totals, over every entry of the range (not only the entries listed). */
export interface CentreTotal extends CellTotal {
  month: string;
  costCentre: CostCentre;
}

/** One month over every cost centre, as spares counts it: a case two centres pay is one case. */
export interface MonthTotal extends CellTotal {
  month: string;
}

/** A cell's figures as the screen keeps them: amounts refused unless integer minor units. */
function cellOf(total: CellTotal): CellTotal {
  return { amountCents: addCents(0, total.amountCents), entries: total.entries, cases: total.cases };
}

/**
 * The table's rows from spares' totals: one per month of `monthsShown` (in that order), a month or a
 * cell absent from the answer all zeros, months not shown left out. The month's total is spares' own
 * figure over every cost centre, not the sum of the cells: a case two centres pay counts once there.
 */
export function monthRowsFrom(totals: readonly CentreTotal[], months: readonly MonthTotal[], monthsShown: readonly string[]): MonthRow[] {
  const rows = new Map(monthsShown.map((month) => [month, { month, byCentre: { factory: emptyCell(), 'sales-centre': emptyCell(), customer: emptyCell() }, total: emptyCell() } as MonthRow]));
  for (const t of totals) {
    const row = rows.get(t.month);
    if (row) row.byCentre[t.costCentre] = cellOf(t);
  }
  for (const m of months) {
    const row = rows.get(m.month);
    if (row) row.total = cellOf(m);
  }
  return [...rows.values()];
}

/** The cases behind one cell, each with its lines (booked order), the case with the largest amount first. */
export function casesIn(entries: readonly AllocationEntry[], month: string, scope: Scope): CaseLines[] {
  const byCase = new Map<string, CaseLines>();
  for (const e of entries) {
    if (monthOf(e.closedAt) !== month || (scope !== 'all' && e.costCentre !== scope)) continue;
    const group = byCase.get(e.caseId) ?? { caseId: e.caseId, amountCents: 0, lines: [] };
    group.amountCents = addCents(group.amountCents, e.amountCents);
    group.lines.push(e);
    byCase.set(e.caseId, group);
  }
  for (const group of byCase.values()) {
    group.lines.sort((a, b) => a.closedAt.localeCompare(b.closedAt) || a.lineId.localeCompare(b.lineId) || COST_CENTRES.indexOf(a.costCentre) - COST_CENTRES.indexOf(b.costCentre));
  }
  return [...byCase.values()].sort((a, b) => b.amountCents - a.amountCents || a.caseId.localeCompare(b.caseId));
}

/** What a line id says: `part-1-P-LENS-B`, `labour`, `travel`, each maybe with `#analysis` or `#review-2` for a correction booked later. */
export interface LineShown {
  kind: 'part' | 'labour' | 'travel' | 'other';
  partNumber: string | null;
  correction: string | null;
}

export function describeLine(lineId: string): LineShown {
  const [base = '', ...tags] = lineId.split('#');
  const correction = tags.length ? tags.join('#') : null;
  const part = /^part-\d+-(.+)$/.exec(base);
  if (part) return { kind: 'part', partNumber: part[1]!, correction };
  if (base === 'labour' || base === 'travel') return { kind: base, partNumber: null, correction };
  return { kind: 'other', partNumber: null, correction };
}

/** Integer minor units as an exact decimal string with two places: -1205 → '-12.05'. */
export function centsToDecimal(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`not integer minor units: ${cents}`);
  const digits = String(Math.abs(cents)).padStart(3, '0');
  return `${cents < 0 ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** An amount with its currency (ISO 4217), in the reader's language; without a known currency, the number alone. */
export function formatMoney(cents: number, currency: string | null, locale: string): string {
  const decimal = centsToDecimal(cents) as `${number}`;
  const digits = { minimumFractionDigits: 2, maximumFractionDigits: 2 };
  return new Intl.NumberFormat(locale, currency ? { style: 'currency', currency, ...digits } : digits).format(decimal);
}

/** 'YYYY-MM' as the reader says a month ('December 2026', '2026年12月'). */
export function monthLabel(month: string, locale: string): string {
  const [year, index] = parts(month);
  return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', timeZone: 'UTC' }).format(Date.UTC(year, index, 1));
}
