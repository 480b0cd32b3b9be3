import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addCents, casesIn, centsToDecimal, COST_CENTRES, currentMonth, describeLine, formatMoney, monthLabel, monthOf, monthRange, monthRowsFrom, monthsEndingAt, shiftMonth, sumCents, type AllocationEntry, type CentreTotal, type MonthTotal } from './who-pays';

const months = ['2026-10', '2026-11', '2026-12'];
/** Instants from 2026-09 to 2027-01, so some fall outside the months shown. */
const instant = fc.integer({ min: Date.UTC(2026, 8, 1), max: Date.UTC(2027, 1, 1) - 1 }).map((ms) => new Date(ms).toISOString());
const entry = fc.record({
  caseId: fc.constantFrom('SR-1', 'SR-2', 'SR-3', 'SR-4'),
  lineId: fc.constantFrom('part-1-P-LENS-B', 'part-2-P-NOZZLE-15', 'labour', 'travel', 'labour#review-1', 'part-1-P-LENS-B#analysis'),
  closedAt: instant,
  costCentre: fc.constantFrom(...COST_CENTRES),
  payerId: fc.option(fc.constantFrom('FACTORY', 'SC-1', 'CUST-0001'), { nil: null }),
  // Corrections book negative amounts; amounts up to the service's ceiling (10^10 cents).
  amountCents: fc.integer({ min: -10_000_000_000, max: 10_000_000_000 }),
  reason: fc.string({ maxLength: 20 }),
}) as fc.Arbitrary<AllocationEntry>;

describe('who pays per month and cost centre, from spares\u2019 totals', () => {
  const cell = fc.record({ amountCents: fc.integer({ min: -10_000_000_000, max: 10_000_000_000 }), entries: fc.nat(50_000), cases: fc.nat(20_000) });
  /** An answer's totals over 2026-09 to 2027-01, so some months fall outside the ones shown; each cell at most once, as spares answers. */
  const answered = fc.record({
    totals: fc.uniqueArray(fc.record({ month: fc.constantFrom('2026-09', ...months, '2027-01'), costCentre: fc.constantFrom(...COST_CENTRES) }), { selector: (t) => `${t.month}|${t.costCentre}` }),
    months: fc.uniqueArray(fc.constantFrom('2026-09', ...months, '2027-01')),
  }).chain(({ totals, months: answeredMonths }) =>
    fc.record({
      totals: fc.tuple(...totals.map((t) => cell.map((c): CentreTotal => ({ ...t, ...c })))),
      months: fc.tuple(...answeredMonths.map((month) => cell.map((c): MonthTotal => ({ month, ...c })))),
    }),
  );

  it('every month shown, in order; each cell spares\u2019 figure or zero, the month\u2019s total spares\u2019 own', () => {
    fc.assert(
      fc.property(answered, ({ totals, months: monthTotals }) => {
        const rows = monthRowsFrom(totals, monthTotals, months);
        expect(rows.map((r) => r.month)).toEqual(months);
        for (const row of rows) {
          for (const centre of COST_CENTRES) {
            const answer = totals.find((t) => t.month === row.month && t.costCentre === centre);
            expect(row.byCentre[centre]).toEqual(answer ? { amountCents: answer.amountCents, entries: answer.entries, cases: answer.cases } : { amountCents: 0, entries: 0, cases: 0 });
            expect(Number.isSafeInteger(row.byCentre[centre].amountCents)).toBe(true);
          }
          const month = monthTotals.find((m) => m.month === row.month);
          expect(row.total).toEqual(month ? { amountCents: month.amountCents, entries: month.entries, cases: month.cases } : { amountCents: 0, entries: 0, cases: 0 });
        }
      }),
    );
  });

  it('a month absent from the answer is all zeros; the month\u2019s cases count a case two centres pay once', () => {
    // SR-1 pays the factory (lens, labour) and the customer (nozzle); SR-2 the customer only.
    const totals: CentreTotal[] = [
      { month: '2026-12', costCentre: 'factory', amountCents: 30_000, entries: 2, cases: 1 },
      { month: '2026-12', costCentre: 'customer', amountCents: 1_700, entries: 2, cases: 2 },
    ];
    const monthTotals: MonthTotal[] = [{ month: '2026-12', amountCents: 31_700, entries: 4, cases: 2 }];
    const [october, november, december] = monthRowsFrom(totals, monthTotals, months);
    const zero = { amountCents: 0, entries: 0, cases: 0 };
    for (const row of [october!, november!]) expect(row).toEqual({ month: row.month, byCentre: { factory: zero, 'sales-centre': zero, customer: zero }, total: zero });
    expect(december!.byCentre.factory).toEqual({ amountCents: 30_000, entries: 2, cases: 1 });
    expect(december!.byCentre.customer).toEqual({ amountCents: 1_700, entries: 2, cases: 2 });
    expect(december!.byCentre['sales-centre']).toEqual(zero);
    // Not 1 + 2 = 3 cases: spares' month figure, where SR-1 is one case.
    expect(december!.total).toEqual({ amountCents: 31_700, entries: 4, cases: 2 });
  });

  it('refuses amounts that are not integer minor units', () => {
    expect(() => monthRowsFrom([{ month: '2026-12', costCentre: 'factory', amountCents: 12.5, entries: 1, cases: 1 }], [], months)).toThrow(RangeError);
    expect(() => monthRowsFrom([], [{ month: '2026-12', amountCents: Number.MAX_SAFE_INTEGER + 2, entries: 1, cases: 1 }], months)).toThrow(RangeError);
  });

  it('refuses sums that would no longer be exact', () => {
    expect(() => addCents(Number.MAX_SAFE_INTEGER, 1)).toThrow(RangeError);
    expect(() => addCents(0.5, 1)).toThrow(RangeError);
  });
});

describe('the cases behind one cell', () => {
  it('each case the exact sum of its lines, the cell\u2019s lines all there and no others', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 60 }), (entries) => {
        for (const month of months) {
          for (const scope of [...COST_CENTRES, 'all'] as const) {
            const lines = entries.filter((e) => monthOf(e.closedAt) === month && (scope === 'all' || e.costCentre === scope));
            const cases = casesIn(entries, month, scope);
            expect(cases.map((c) => c.caseId).sort()).toEqual([...new Set(lines.map((e) => e.caseId))].sort());
            expect(cases.flatMap((c) => c.lines)).toHaveLength(lines.length);
            const exact = lines.reduce((sum, e) => sum + BigInt(e.amountCents), 0n);
            expect(BigInt(sumCents(cases.map((c) => c.amountCents)))).toBe(exact);
            for (const c of cases) expect(sumCents(c.lines.map((l) => l.amountCents))).toBe(c.amountCents);
            for (let i = 1; i < cases.length; i++) expect(cases[i - 1]!.amountCents).toBeGreaterThanOrEqual(cases[i]!.amountCents);
          }
        }
      }),
    );
  });

  it('a case\u2019s lines in booked order', () => {
    const at = '2026-12-03T10:00:00.000Z';
    const e = (lineId: string, costCentre: AllocationEntry['costCentre'], amountCents: number, caseId = 'SR-1'): AllocationEntry => ({ caseId, lineId, closedAt: at, costCentre, payerId: null, amountCents, reason: 'r' });
    expect(casesIn([e('labour', 'factory', 9_000), e('part-1-P-LENS-B', 'factory', 21_000)], '2026-12', 'factory')[0]!.lines.map((l) => l.lineId)).toEqual(['labour', 'part-1-P-LENS-B']);
    expect(casesIn([e('labour', 'customer', 500, 'SR-2'), e('labour', 'factory', 9_000)], '2026-12', 'all').map((c) => [c.caseId, c.amountCents])).toEqual([['SR-1', 9_000], ['SR-2', 500]]);
  });
});

describe('money shown exactly, with its currency', () => {
  it('a decimal string that reads back as the same integer minor units', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (cents) => {
        const decimal = centsToDecimal(cents);
        expect(decimal).toMatch(/^-?\d+\.\d\d$/);
        expect(BigInt(decimal.replace('.', ''))).toBe(BigInt(cents));
      }),
    );
    expect(centsToDecimal(5)).toBe('0.05');
    expect(centsToDecimal(-1205)).toBe('-12.05');
  });

  it('formats every digit of large amounts, where cents / 100 in floating point would drift', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (cents) => {
        const shown = formatMoney(cents, 'EUR', 'en-GB');
        expect(shown).toContain('€');
        expect(shown.replace(/\D/g, '')).toBe(String(Math.abs(cents)).padStart(3, '0'));
        expect(shown.startsWith('-')).toBe(cents < 0);
      }),
    );
    expect(formatMoney(1_234_50, 'EUR', 'en-GB')).toBe('€1,234.50');
    expect(formatMoney(9_007_199_254_740_991, 'EUR', 'en-GB')).toBe('€90,071,992,547,409.91');
    expect(formatMoney(-500, 'CNY', 'zh-CN')).toBe('-¥5.00');
    expect(formatMoney(1_200, null, 'en-GB')).toBe('12.00');
  });
});

describe('months as spares books them (UTC)', () => {
  it('opens on the current UTC month and ranges over it exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) }), (now) => {
        const month = currentMonth(now);
        const { from, to } = monthRange(month);
        expect(Date.parse(from)).toBeLessThanOrEqual(now);
        expect(Date.parse(to)).toBeGreaterThan(now);
        expect(monthOf(from)).toBe(month);
        expect(monthOf(new Date(Date.parse(to) - 1).toISOString())).toBe(month);
        expect(monthRange(shiftMonth(month, 1)).from).toBe(to);
      }),
    );
    expect(currentMonth(Date.UTC(2026, 11, 31, 23, 59))).toBe('2026-12');
    expect(currentMonth(Date.UTC(2027, 0, 1))).toBe('2027-01');
  });

  it('steps across years', () => {
    expect(shiftMonth('2026-12', 1)).toBe('2027-01');
    expect(shiftMonth('2026-01', -1)).toBe('2025-12');
    expect(monthsEndingAt('2027-02', 4)).toEqual(['2026-11', '2026-12', '2027-01', '2027-02']);
    expect(() => shiftMonth('2026-13', 1)).toThrow(RangeError);
    expect(monthLabel('2026-12', 'en-GB')).toBe('December 2026');
  });
});

describe('line ids in the users\u2019 words', () => {
  it('names the part, and the correction booked later', () => {
    expect(describeLine('part-1-P-LENS-B')).toEqual({ kind: 'part', partNumber: 'P-LENS-B', correction: null });
    expect(describeLine('part-2-P-NOZZLE-15#analysis')).toEqual({ kind: 'part', partNumber: 'P-NOZZLE-15', correction: 'analysis' });
    expect(describeLine('labour#review-2')).toEqual({ kind: 'labour', partNumber: null, correction: 'review-2' });
    expect(describeLine('travel')).toEqual({ kind: 'travel', partNumber: null, correction: null });
    expect(describeLine('something')).toEqual({ kind: 'other', partNumber: null, correction: null });
  });
});
