import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  byQuarter,
  quarterOf,
  quartersWithin,
  recurrenceInputOf,
  undatedQuarter,
  withCases,
  withNotedRecords,
  withRecords,
  type ProblemCases,
  type ProblemHistoryCase,
  type ProblemHistoryRecord,
} from './problem-history';
import { defaultRecurrenceThresholds, detectRecurrence, type FailureRecord, type HistoryRecord } from './recurrence';

const productLine = 'fibre-laser';
const failureMode = 'FM-BURR';
const base = Date.parse('2025-01-01T08:00:00.000Z');
const day = (n: number) => new Date(base + n * 86_400_000).toISOString();
const entry = (id: string, onDay: number, model = 'FL-3015', eightDId: string | null = null): ProblemHistoryRecord => ({ id, model, occurredAt: day(onDay), eightDId });
const noCases = (): ProblemCases => ({ eightDs: [], takenRecords: [], quarters: [], records: [] });

describe('quarters', () => {
  it('are calendar quarters of occurredAt in UTC', () => {
    expect(quarterOf('2026-12-31T23:59:59.999Z')).toBe('2026-Q4');
    expect(quarterOf('2027-01-01T00:00:00.000Z')).toBe('2027-Q1');
    expect(quarterOf('2026-04-01T00:30:00+02:00')).toBe('2026-Q1');
    expect(quarterOf('not a date')).toBe(undatedQuarter);
  });

  it('within a window reach back and forward from the record, and only those listed', () => {
    const listed = ['2025-Q2', '2025-Q3', '2025-Q4', '2026-Q1', '2026-Q2', '2024-Q1'];
    // 90 days either side of 2025-11-15: 2025-08-17 .. 2026-02-13.
    expect(quartersWithin(listed, '2025-11-15T00:00:00.000Z', 90)).toEqual(['2025-Q3', '2025-Q4', '2026-Q1']);
    expect(quartersWithin(listed, '2025-11-15T00:00:00.000Z', 0)).toEqual(['2025-Q4']);
    expect(quartersWithin([...listed, undatedQuarter], '2025-11-15T00:00:00.000Z', 10)).toEqual(['2025-Q4', undatedQuarter]);
    expect(quartersWithin(listed, '2025-11-15T00:00:00.000Z', Infinity)).toEqual(listed);
  });

  it('group entries by quarter', () => {
    const groups = byQuarter([entry('A', 0), entry('B', 100), entry('C', 1)]);
    expect([...groups].map(([q, rs]) => [q, rs.map((r) => r.id)])).toEqual([
      ['2025-Q1', ['A', 'C']],
      ['2025-Q2', ['B']],
    ]);
  });
});

describe('noting', () => {
  it('sets record entries by id; an entry already held wins when noted to keep it', () => {
    const held = [entry('A', 0)];
    expect(withRecords(held, [entry('A', 0)], false)).toBeNull();
    expect(withRecords(held, [entry('A', 0, 'FL-3015', '8D-1')], false)).toEqual([entry('A', 0, 'FL-3015', '8D-1')]);
    expect(withRecords(held, [entry('A', 0, 'FL-3015', '8D-1')], true)).toBeNull();
  });

  it('keeps an 8D’s later revision', () => {
    const c = (revision: number, status: 'open' | 'closed'): ProblemHistoryCase => ({ id: '8D-1', status, problem: { productLine, failureMode, model: 'FL-3015' }, closedAt: status === 'closed' ? day(9) : null, revision });
    expect(withCases([c(2, 'closed')], [c(1, 'open')])).toBeNull();
    expect(withCases([c(1, 'open')], [c(2, 'closed')])).toEqual([c(2, 'closed')]);
  });

  it('lists quarters and keeps an 8D’s first record of each model', () => {
    const first = withNotedRecords(noCases(), [entry('A', 0, 'FL-3015', '8D-1'), entry('B', 200, 'FL-3015', '8D-1'), entry('C', 1, 'FL-2010', '8D-1'), entry('D', 2)])!;
    expect(first.quarters).toEqual(['2025-Q1', '2025-Q3']);
    expect(first.takenRecords.map((r) => r.id)).toEqual(['A', 'C']);
    // Nothing new: nothing to write.
    expect(withNotedRecords(first, [entry('B', 200, 'FL-3015', '8D-1'), entry('D', 2)])).toBeNull();
  });

  it('reads each record once, a quarter’s entry before a taken copy', () => {
    const cases = { ...noCases(), takenRecords: [entry('A', 0, 'FL-3015', '8D-1'), entry('Z', -400, 'FL-2010', '8D-1')] };
    const input = recurrenceInputOf(cases, [entry('A', 0, 'FL-3015', '8D-1'), entry('B', 3)], productLine, failureMode);
    expect(input.history.map((r) => r.id)).toEqual(['A', 'B', 'Z']);
  });
});

/**
 * The bounded reading against the whole history: records spread over years in random order, some
 * noted long after later ones (a late arrival is one whose occurredAt is older than the rest), 8Ds
 * that took records of any model at any time, and any window. The lineage is built as the check
 * builds it, from the models the reading holds.
 */
describe('the bounded reading', () => {
  const models = ['FL-2010', 'FL-3015', 'FL-4020', 'FL-5025'];
  const generations: Record<string, number> = { 'FL-2010': 0, 'FL-3015': 1, 'FL-4020': 2 };
  const eightDIds = ['8D-A', '8D-B', '8D-C'];
  const recordArb = fc.record({
    onDay: fc.integer({ min: -900, max: 900 }),
    model: fc.constantFrom(...models),
    eightDId: fc.option(fc.constantFrom(...eightDIds), { nil: null }),
  });
  const caseArb = fc.record({
    status: fc.constantFrom('open' as const, 'closed' as const),
    model: fc.constantFrom(...models),
    closedDay: fc.integer({ min: -900, max: 900 }),
    revision: fc.nat(3),
  });
  const scenario = fc.record({
    history: fc.array(recordArb, { maxLength: 40 }),
    cases: fc.array(caseArb, { maxLength: eightDIds.length }),
    record: fc.record({ onDay: fc.integer({ min: -900, max: 900 }), model: fc.constantFrom(...models), tier: fc.constantFrom('P1' as const, 'P3' as const), safety: fc.boolean(), eightDId: fc.option(fc.constantFrom(...eightDIds), { nil: null }) }),
    /** Whether the record is in its history already, as the check notes it before it reads. */
    recordNoted: fc.boolean(),
    count: fc.integer({ min: 1, max: 5 }),
    windowDays: fc.integer({ min: 1, max: 400 }),
    /** The order the records were noted in, and in how many batches. */
    seed: fc.integer(),
    batches: fc.integer({ min: 1, max: 5 }),
  });

  /** What the check hands detectRecurrence from a reading: generations of the models in play only. */
  function judged(record: FailureRecord, input: { history: HistoryRecord[]; eightDs: ReturnType<typeof recurrenceInputOf>['eightDs'] }, thresholds: Parameters<typeof detectRecurrence>[0]['thresholds']) {
    const inPlay = new Set([record.model, ...input.history.map((r) => r.model), ...input.eightDs.map((c) => c.problem.model!)]);
    const lineage = Object.fromEntries(Object.entries(generations).filter(([m]) => inPlay.has(m)));
    const history = input.history.map((r) => ({ ...r, ...(lineage[r.model] !== undefined ? { modelGeneration: lineage[r.model] } : {}) }));
    return detectRecurrence({ record: { ...record, ...(lineage[record.model] !== undefined ? { modelGeneration: lineage[record.model] } : {}) }, history, eightDs: input.eightDs, thresholds, lineage });
  }

  it('gives the same hits as the whole history', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const entries = s.history.map((h, i) => entry(`H-${String(i).padStart(2, '0')}`, h.onDay, h.model, h.eightDId));
        const record: FailureRecord = {
          id: 'NEW', model: s.record.model, productLine, failureMode, partNumber: null, cause: 'c', fix: 'f', occurredAt: day(s.record.onDay),
          customerId: 'C', serialNumber: 'SN', tier: s.record.tier, safety: s.record.safety, formalReportDemanded: false, eightDId: s.record.eightDId,
        };
        const all = s.recordNoted ? [...entries, entry('NEW', s.record.onDay, s.record.model, s.record.eightDId)] : entries;
        const eightDs: ProblemHistoryCase[] = s.cases.map((c, i) => ({
          id: eightDIds[i]!, status: c.status, problem: { productLine, failureMode, model: c.model }, closedAt: c.status === 'closed' ? day(c.closedDay) : null, revision: c.revision,
        }));
        const thresholds = { default: { ...defaultRecurrenceThresholds.default, sameModelCount: s.count, sameModelWindowDays: s.windowDays } };

        // Stored as the notes store them: in a shuffled order, batch by batch.
        const order = fc.sample(fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }), { seed: s.seed, numRuns: 1 })[0]!;
        let cases: ProblemCases = { ...noCases(), eightDs: withCases([], eightDs) ?? [] };
        const quarters = new Map<string, ProblemHistoryRecord[]>();
        const size = Math.ceil(order.length / s.batches) || 1;
        for (let at = 0; at < order.length; at += size) {
          const batch = order.slice(at, at + size);
          cases = withNotedRecords(cases, batch) ?? cases;
          for (const [q, rs] of byQuarter(batch)) quarters.set(q, withRecords(quarters.get(q) ?? [], rs, false) ?? quarters.get(q)!);
        }

        const read = quartersWithin(cases.quarters, record.occurredAt, s.windowDays).flatMap((q) => quarters.get(q) ?? []);
        const bounded = recurrenceInputOf(cases, read, productLine, failureMode);
        const whole = recurrenceInputOf({ eightDs: cases.eightDs, takenRecords: [] }, all, productLine, failureMode);
        expect(judged(record, bounded, thresholds)).toEqual(judged(record, whole, thresholds));
        // Bounded: nothing beyond the quarters around the record, save one record per 8D and model.
        const far = bounded.history.filter((r) => Math.abs(Date.parse(r.occurredAt) - Date.parse(record.occurredAt)) > (s.windowDays + 92) * 86_400_000);
        expect(far.length).toBeLessThanOrEqual(eightDIds.length * models.length);
      }),
      { numRuns: 500 },
    );
  });
});
