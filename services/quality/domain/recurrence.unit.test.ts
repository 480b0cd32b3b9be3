import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { defaultRecurrenceThresholds, detectRecurrence, type EightDCase, type FailureRecord, type RecurrenceThresholdTable } from './recurrence';

const base: FailureRecord = {
  id: 'F-0',
  model: 'FL-3015',
  productLine: 'fibre-laser',
  modelGeneration: 1,
  partNumber: 'NZ-12',
  failureMode: 'FM-BURR',
  cause: 'worn nozzle',
  fix: 'replace nozzle',
  occurredAt: '2025-01-01T08:00:00.000Z',
  customerId: 'C-1',
  serialNumber: 'SN-1',
  tier: 'P3',
  safety: false,
  formalReportDemanded: false,
};

const day = (n: number) => new Date(Date.parse('2025-01-01T08:00:00.000Z') + n * 86_400_000).toISOString();
const rec = (id: string, onDay: number, over: Partial<FailureRecord> = {}): FailureRecord => ({ ...base, id, occurredAt: day(onDay), ...over });

describe('same failure mode on the same model', () => {
  const r1 = rec('F-1', 0);
  const r2 = rec('F-2', 20);
  const r3 = rec('F-3', 40);

  it('does not fire for the first two', () => {
    expect(detectRecurrence({ record: r1, history: [], eightDs: [] })).toEqual([]);
    expect(detectRecurrence({ record: r2, history: [r1], eightDs: [] })).toEqual([]);
  });

  it('opens one 8D on the third within the window, naming the other two', () => {
    expect(detectRecurrence({ record: r3, history: [r1, r2], eightDs: [] })).toEqual([
      {
        rules: ['same-model-repeat'],
        recordIds: ['F-1', 'F-2', 'F-3'],
        problem: { productLine: 'fibre-laser', failureMode: 'FM-BURR', model: 'FL-3015' },
        linkedEightDIds: [],
        decision: { kind: 'open-8d' },
      },
    ]);
  });

  it('attaches a fourth to the open 8D instead of opening another', () => {
    const open: EightDCase = { id: '8D-7', status: 'open', problem: { productLine: 'fibre-laser', failureMode: 'FM-BURR', model: 'FL-3015' }, models: [], closedAt: null };
    const hits = detectRecurrence({ record: rec('F-4', 50), history: [r1, r2, r3], eightDs: [open] });
    expect(hits).toHaveLength(1);
    expect(hits[0]!.decision).toEqual({ kind: 'attach-to', eightDId: '8D-7' });
    expect(hits[0]!.recordIds).toEqual(['F-1', 'F-2', 'F-3', 'F-4']);
  });

  it('attaches to an open 8D that has the model in its scope, not to a closed one', () => {
    const closed: EightDCase = { id: '8D-1', status: 'closed', problem: { productLine: 'fibre-laser', failureMode: 'FM-BURR', model: 'FL-3015' }, models: [], closedAt: day(-200) };
    const scoped: EightDCase = { id: '8D-2', status: 'open', problem: { productLine: 'fibre-laser', failureMode: 'FM-BURR', model: 'FL-2010' }, models: ['FL-3015'], closedAt: null };
    const hits = detectRecurrence({ record: r3, history: [r1, r2], eightDs: [closed, scoped] });
    expect(hits[0]!.decision).toEqual({ kind: 'attach-to', eightDId: '8D-2' });
  });

  it('does not count records outside the window, other models or other modes', () => {
    const old = rec('F-1', -60);
    const hits = detectRecurrence({
      record: rec('F-3', 40),
      history: [old, r2, rec('F-8', 30, { model: 'FL-4020' }), rec('F-9', 35, { failureMode: 'FM-LEAK' })],
      eightDs: [],
    });
    expect(hits).toEqual([]);
    // exactly 90 days apart still counts
    expect(detectRecurrence({ record: rec('F-3', 30), history: [old, r2], eightDs: [] })[0]!.rules).toEqual(['same-model-repeat']);
  });
});

describe('same failure mode on a newer model after an 8D closed it', () => {
  const closedOnOld: EightDCase = {
    id: '8D-1',
    status: 'closed',
    problem: { productLine: 'fibre-laser', failureMode: 'FM-BURR', model: 'FL-3015' },
    models: ['FL-3015'],
    closedAt: day(-10),
  };
  const lineage = { 'FL-2010': 0, 'FL-3015': 1, 'FL-4020': 2 };

  it('fires on the newer model and links the closed 8D', () => {
    const hits = detectRecurrence({ record: rec('F-20', 0, { model: 'FL-4020', modelGeneration: undefined }), history: [], eightDs: [closedOnOld], lineage });
    expect(hits).toEqual([
      {
        rules: ['newer-model-after-closure'],
        recordIds: ['F-20'],
        problem: { productLine: 'fibre-laser', failureMode: 'FM-BURR', model: 'FL-4020' },
        linkedEightDIds: ['8D-1'],
        decision: { kind: 'open-8d' },
      },
    ]);
  });

  it('uses the records’ modelGeneration when there is no lineage map', () => {
    const hits = detectRecurrence({ record: rec('F-20', 0, { model: 'FL-4020', modelGeneration: 2 }), history: [rec('F-1', -100)], eightDs: [closedOnOld] });
    expect(hits[0]!.rules).toEqual(['newer-model-after-closure']);
  });

  it('does not fire for an older model, before closure, or for another mode', () => {
    expect(detectRecurrence({ record: rec('F-21', 0, { model: 'FL-2010' }), history: [], eightDs: [closedOnOld], lineage })).toEqual([]);
    expect(detectRecurrence({ record: rec('F-22', -20, { model: 'FL-4020' }), history: [], eightDs: [closedOnOld], lineage })).toEqual([]);
    expect(detectRecurrence({ record: rec('F-23', 0, { model: 'FL-4020', failureMode: 'FM-LEAK' }), history: [], eightDs: [closedOnOld], lineage })).toEqual([]);
  });
});

describe('after an 8D closed: its records stay its own', () => {
  const closed: EightDCase = { id: '8D-1', status: 'closed', problem: { productLine: 'fibre-laser', failureMode: 'FM-BURR', model: 'FL-3015' }, models: [], closedAt: day(45) };
  const taken = [rec('F-1', 0, { eightDId: '8D-1' }), rec('F-2', 20, { eightDId: '8D-1' }), rec('F-3', 40, { eightDId: '8D-1' })];

  it('one new failure of the same problem opens nothing: the closed 8D’s records do not count again', () => {
    expect(detectRecurrence({ record: rec('F-4', 50), history: taken, eightDs: [closed] })).toEqual([]);
  });

  it('enough new failures open a new 8D of their own records, linked to the closed one', () => {
    const hits = detectRecurrence({ record: rec('F-6', 60), history: [...taken, rec('F-4', 50), rec('F-5', 55)], eightDs: [closed] });
    expect(hits).toEqual([
      {
        rules: ['same-model-repeat'],
        recordIds: ['F-4', 'F-5', 'F-6'],
        problem: { productLine: 'fibre-laser', failureMode: 'FM-BURR', model: 'FL-3015' },
        linkedEightDIds: ['8D-1'],
        decision: { kind: 'open-8d' },
      },
    ]);
  });

  it('a closed 8D scoped to the whole line links a newer model by the models of the records it took', () => {
    const lineWide: EightDCase = { id: '8D-L', status: 'closed', problem: { productLine: 'fibre-laser', failureMode: 'FM-BURR' }, models: [], closedAt: day(45) };
    const lineage = { 'FL-3015': 1, 'FL-4020': 2 };
    const hits = detectRecurrence({ record: rec('F-30', 60, { model: 'FL-4020', modelGeneration: undefined }), history: taken.map((r) => ({ ...r, eightDId: '8D-L' })), eightDs: [lineWide], lineage });
    expect(hits).toMatchObject([{ rules: ['newer-model-after-closure'], recordIds: ['F-30'], linkedEightDIds: ['8D-L'], decision: { kind: 'open-8d' } }]);
  });
});

describe('severe failures and formal-report demands', () => {
  it('opens an 8D at once for a P1 or a safety flag', () => {
    expect(detectRecurrence({ record: rec('F-1', 0, { tier: 'P1' }), history: [], eightDs: [] })[0]).toMatchObject({ rules: ['severe'], recordIds: ['F-1'], decision: { kind: 'open-8d' } });
    expect(detectRecurrence({ record: rec('F-1', 0, { safety: true }), history: [], eightDs: [] })[0]!.rules).toEqual(['severe']);
    expect(detectRecurrence({ record: rec('F-1', 0, { tier: 'P2' }), history: [], eightDs: [] })).toEqual([]);
  });

  it('opens an 8D when the customer demands a formal report', () => {
    expect(detectRecurrence({ record: rec('F-1', 0, { formalReportDemanded: true }), history: [], eightDs: [] })[0]!.rules).toEqual(['formal-report-demanded']);
  });

  it('gives one decision per problem when several rules fire on one record', () => {
    const hits = detectRecurrence({ record: rec('F-3', 40, { tier: 'P1', formalReportDemanded: true }), history: [rec('F-1', 0), rec('F-2', 20)], eightDs: [] });
    expect(hits).toHaveLength(1);
    expect(hits[0]!.rules).toEqual(['same-model-repeat', 'severe', 'formal-report-demanded']);
    expect(hits[0]!.recordIds).toEqual(['F-1', 'F-2', 'F-3']);
  });
});

describe('thresholds from a custom table', () => {
  const table: RecurrenceThresholdTable = {
    default: { ...defaultRecurrenceThresholds.default, sameModelCount: 2, sameModelWindowDays: 10, severeTiers: ['P1', 'P2'], formalReportOpens: false },
    byProductLine: { 'press-brake': { sameModelCount: 4 } },
  };

  it('applies the count, window, tiers and switches of the table', () => {
    expect(detectRecurrence({ record: rec('F-2', 9), history: [rec('F-1', 0)], eightDs: [], thresholds: table })[0]!.rules).toEqual(['same-model-repeat']);
    expect(detectRecurrence({ record: rec('F-2', 11), history: [rec('F-1', 0)], eightDs: [], thresholds: table })).toEqual([]);
    expect(detectRecurrence({ record: rec('F-1', 0, { tier: 'P2' }), history: [], eightDs: [], thresholds: table })[0]!.rules).toEqual(['severe']);
    expect(detectRecurrence({ record: rec('F-1', 0, { formalReportDemanded: true }), history: [], eightDs: [], thresholds: table })).toEqual([]);
  });

  it('lets a product line override the default', () => {
    const pb = (id: string, d: number) => rec(id, d, { productLine: 'press-brake', model: 'PB-1303' });
    expect(detectRecurrence({ record: pb('P-3', 3), history: [pb('P-1', 1), pb('P-2', 2)], eightDs: [], thresholds: table })).toEqual([]);
    expect(detectRecurrence({ record: pb('P-4', 4), history: [pb('P-1', 1), pb('P-2', 2), pb('P-3', 3)], eightDs: [], thresholds: table })).toHaveLength(1);
  });
});

describe('properties', () => {
  const models = ['FL-2010', 'FL-3015', 'FL-4020'];
  const lineage = { 'FL-2010': 0, 'FL-3015': 1, 'FL-4020': 2 };
  const recordArb = (id: string) =>
    fc.record({
      onDay: fc.integer({ min: 0, max: 300 }),
      model: fc.constantFrom(...models),
      failureMode: fc.constantFrom('FM-BURR', 'FM-LEAK'),
      tier: fc.constantFrom('P1' as const, 'P2' as const, 'P3' as const, 'P4' as const),
      safety: fc.boolean(),
      formalReportDemanded: fc.boolean(),
    }).map(({ onDay, ...over }) => rec(id, onDay, over));
  const historyArb = fc.integer({ min: 0, max: 12 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => recordArb(`H-${String(i).padStart(2, '0')}`))));
  const caseArb = fc.array(
    fc.record({
      status: fc.constantFrom('open' as const, 'closed' as const),
      failureMode: fc.constantFrom('FM-BURR', 'FM-LEAK'),
      model: fc.constantFrom(...models),
      closedDay: fc.integer({ min: 0, max: 300 }),
    }),
    { maxLength: 4 },
  ).map((cs) =>
    cs.map((c, i): EightDCase => ({
      id: `8D-${i}`,
      status: c.status,
      problem: { productLine: 'fibre-laser', failureMode: c.failureMode, model: c.model },
      models: [c.model],
      closedAt: c.status === 'closed' ? day(c.closedDay) : null,
    })),
  );
  const scenario = fc.record({ record: recordArb('NEW'), history: historyArb, eightDs: caseArb });

  it('does not depend on the order of the history (reversed, rotated)', () => {
    fc.assert(
      fc.property(scenario, ({ record, history, eightDs }) => {
        const reversed = [...history].reverse();
        const rotated = [...history.slice(1), ...history.slice(0, 1)];
        const expected = detectRecurrence({ record, history, eightDs, lineage });
        expect(detectRecurrence({ record, history: reversed, eightDs, lineage })).toEqual(expected);
        expect(detectRecurrence({ record, history: rotated, eightDs, lineage })).toEqual(expected);
      }),
    );
  });

  it('does not depend on the order of the history under any shuffle', () => {
    fc.assert(
      fc.property(scenario.chain((s) => fc.shuffledSubarray(s.history, { minLength: s.history.length }).map((shuffled) => ({ ...s, shuffled }))), (s) => {
        expect(detectRecurrence({ record: s.record, history: s.shuffled, eightDs: s.eightDs, lineage })).toEqual(
          detectRecurrence({ record: s.record, history: s.history, eightDs: s.eightDs, lineage }),
        );
      }),
    );
  });

  it('is unchanged by a record from another product line', () => {
    fc.assert(
      fc.property(scenario, recordArb('OTHER'), ({ record, history, eightDs }, other) => {
        const unrelated = { ...other, productLine: 'press-brake' };
        expect(detectRecurrence({ record, history: [...history, unrelated], eightDs, lineage })).toEqual(detectRecurrence({ record, history, eightDs, lineage }));
      }),
    );
  });

  it('never fires the same-model rule with fewer than N matching records in the window', () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 120 }), ({ record, history, eightDs }, count, windowDays) => {
        const thresholds = { default: { ...defaultRecurrenceThresholds.default, sameModelCount: count, sameModelWindowDays: windowDays } };
        const hits = detectRecurrence({ record, history, eightDs, lineage, thresholds });
        const windowMs = windowDays * 86_400_000;
        const t0 = Date.parse(record.occurredAt);
        const matching = [record, ...history].filter((r) => r.model === record.model && r.failureMode === record.failureMode);
        const near = matching.filter((r) => Math.abs(Date.parse(r.occurredAt) - t0) <= windowMs);
        const fired = hits.some((h) => h.rules.includes('same-model-repeat'));
        if (near.length < count) expect(fired).toBe(false);
        for (const h of hits.filter((x) => x.rules.includes('same-model-repeat'))) {
          const named = matching.filter((r) => h.recordIds.includes(r.id));
          expect(named.length).toBeGreaterThanOrEqual(count);
          const times = named.map((r) => Date.parse(r.occurredAt));
          expect(Math.max(...times) - Math.min(...times)).toBeLessThanOrEqual(windowMs);
          expect(h.recordIds).toContain('NEW');
        }
      }),
    );
  });
});
