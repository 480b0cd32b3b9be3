import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flagsByCase, recentWindow, sampleInputProblem, sampleTally, verdictOf, windowParams, type AuditedCase } from './evidence';

const audited = (requestId: string, more: Partial<AuditedCase> = {}): AuditedCase => ({ requestId, stratum: { tier: 'P1', channel: 'phone' }, steps: [], gaps: [], proved: true, inProgress: false, missingAtRegistration: [], ...more });

describe('the auditor\'s window', () => {
  it('is the last days up to today, asked of insight as [first day, the day after the last)', () => {
    expect(recentWindow(Date.parse('2026-03-01T10:00:00Z'), 30)).toEqual({ from: '2026-01-31', to: '2026-03-01' });
    expect(Object.fromEntries(windowParams({ from: '2026-01-31', to: '2026-03-01' }, { size: 10, seed: 7 })!)).toEqual({ from: '2026-01-31T00:00:00.000Z', to: '2026-03-02T00:00:00.000Z', size: '10', seed: '7' });
    expect(windowParams({ from: '2026-03-02', to: '2026-03-01' })).toBeNull();
    expect(windowParams({ from: '', to: '2026-03-01' })).toBeNull();
  });

  it('always holds now and spans exactly the days asked', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.parse('2000-01-01'), max: Date.parse('2100-01-01') }), fc.integer({ min: 1, max: 366 }), (now, days) => {
        const params = windowParams(recentWindow(now, days))!;
        expect(Date.parse(params.get('from')!)).toBeLessThanOrEqual(now);
        expect(Date.parse(params.get('to')!)).toBeGreaterThan(now);
        expect((Date.parse(params.get('to')!) - Date.parse(params.get('from')!)) / 86_400_000).toBe(days);
      }),
    );
  });
});

describe('red flags in one list', () => {
  it('lists a flag under each case it names, with the others beside it', () => {
    const lines = flagsByCase([
      { rule: 'effort-longer-than-visit', subject: 'ENG-1', caseIds: ['SR-1'], detail: '30 minutes of effort reported for 0 minutes' },
      { rule: 'more-than-a-day-in-a-day', subject: 'ENG-2', caseIds: ['SR-2', 'SR-3'], detail: '1600 minutes reported on 2026-03-01' },
    ]);
    expect(lines.map((l) => [l.caseId, l.rule, l.others])).toEqual([
      ['SR-1', 'effort-longer-than-visit', []],
      ['SR-2', 'more-than-a-day-in-a-day', ['SR-3']],
      ['SR-3', 'more-than-a-day-in-a-day', ['SR-2']],
    ]);
  });
});

describe('a sampled case\'s verdict', () => {
  it('puts gaps before anything else, then a running case, then proved', () => {
    expect(verdictOf({ gaps: [{ code: 'never-answered', detail: '' }], proved: false, inProgress: true })).toBe('gaps');
    expect(verdictOf({ gaps: [], proved: false, inProgress: true })).toBe('in-progress');
    expect(verdictOf({ gaps: [], proved: true, inProgress: false })).toBe('proved');
    expect(sampleTally([audited('a'), audited('b', { inProgress: true, proved: false }), audited('c', { gaps: [{ code: 'x', detail: '' }], proved: false })])).toEqual({ proved: 1, 'in-progress': 1, gaps: 1 });
  });

  it('checks the size and seed as insight would, naming the one that is wrong', () => {
    expect(sampleInputProblem('25', '1')).toBeNull();
    expect(sampleInputProblem('0', '1')).toBe('size');
    expect(sampleInputProblem('501', '1')).toBe('size');
    expect(sampleInputProblem('2.5', '1')).toBe('size');
    expect(sampleInputProblem('5', '-1')).toBe('seed');
    expect(sampleInputProblem('5', String(2 ** 31))).toBe('seed');
  });
});
