import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addCents, casesIn, centsToDecimal, COST_CENTRES, currentMonth, describeLine, formatMoney, monthLabel, monthOf, monthRange, monthsEndingAt, shiftMonth, sumCents, whoPays, type AllocationEntry } from './who-pays';

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

describe('who pays per month and cost centre', () => {
  it('each cell is the exact sum of its lines, and each month total the sum of its cells', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 60 }), (entries) => {
        const rows = whoPays(entries, months);
        expect(rows.map((r) => r.month)).toEqual(months);
        for (const row of rows) {
          for (const centre of COST_CENTRES) {
            const lines = entries.filter((e) => monthOf(e.closedAt) === row.month && e.costCentre === centre);
            const exact = lines.reduce((sum, e) => sum + BigInt(e.amountCents), 0n);
            expect(BigInt(row.byCentre[centre].amountCents)).toBe(exact);
            expect(row.byCentre[centre].entries).toBe(lines.length);
            expect(row.byCentre[centre].cases).toBe(new Set(lines.map((e) => e.caseId)).size);
            // The drill-down shows the same amount: its cases' sums, and their lines'.
            const cases = casesIn(entries, row.month, centre);
            expect(sumCents(cases.map((c) => c.amountCents))).toBe(row.byCentre[centre].amountCents);
            expect(cases.flatMap((c) => c.lines)).toHaveLength(lines.length);
            for (const c of cases) expect(sumCents(c.lines.map((l) => l.amountCents))).toBe(c.amountCents);
          }
          expect(row.total.amountCents).toBe(sumCents(COST_CENTRES.map((c) => row.byCentre[c].amountCents)));
          expect(row.total.entries).toBe(COST_CENTRES.reduce((n, c) => n + row.byCentre[c].entries, 0));
          expect(sumCents(casesIn(entries, row.month, 'all').map((c) => c.amountCents))).toBe(row.total.amountCents);
        }
        // Nothing outside the months shown is counted, nothing inside is lost.
        const inside = entries.filter((e) => months.includes(monthOf(e.closedAt)));
        expect(rows.reduce((n, r) => n + r.total.entries, 0)).toBe(inside.length);
      }),
    );
  });

  it('counts a case once per cell however many lines it has there', () => {
    const at = '2026-12-03T10:00:00.000Z';
    const e = (lineId: string, costCentre: AllocationEntry['costCentre'], amountCents: number, caseId = 'SR-1'): AllocationEntry => ({ caseId, lineId, closedAt: at, costCentre, payerId: null, amountCents, reason: 'r' });
    const [row] = whoPays([e('part-1-P-LENS-B', 'factory', 21_000), e('labour', 'factory', 9_000), e('part-2-P-NOZZLE-15', 'customer', 1_200), e('labour', 'customer', 500, 'SR-2')], ['2026-12']);
    expect(row!.byCentre.factory).toEqual({ amountCents: 30_000, entries: 2, cases: 1 });
    expect(row!.byCentre.customer).toEqual({ amountCents: 1_700, entries: 2, cases: 2 });
    expect(row!.byCentre['sales-centre']).toEqual({ amountCents: 0, entries: 0, cases: 0 });
    expect(row!.total).toEqual({ amountCents: 31_700, entries: 4, cases: 2 });
    expect(casesIn([e('labour', 'factory', 9_000), e('part-1-P-LENS-B', 'factory', 21_000)], '2026-12', 'factory')[0]!.lines.map((l) => l.lineId)).toEqual(['labour', 'part-1-P-LENS-B']);
  });

  it('refuses sums that would no longer be exact', () => {
    expect(() => addCents(Number.MAX_SAFE_INTEGER, 1)).toThrow(RangeError);
    expect(() => addCents(0.5, 1)).toThrow(RangeError);
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
