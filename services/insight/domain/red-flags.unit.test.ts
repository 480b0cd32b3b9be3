import { describe, expect, it } from 'vitest';
import type { CaseRecord } from './case-record';
import { closedCase } from './case-fixtures';
import { findRedFlags } from './red-flags';

const drew = (partNumber: string, approved: number, requesterId: string | null = 'E-1', approverId: string | null = 'M-1') => ({ partNumber, requested: approved, approved, requesterId, approverId });
const day = (n: number, hour = 8) => `2026-11-${String(n).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00.000Z`;
/** A quiet case: nothing about it should be flagged. */
const quiet = (requestId: string, over: Partial<CaseRecord> = {}) => closedCase({ requestId, ...over });

describe('parts drawn far above peers or the engineer\'s own history', () => {
  // Five other engineers drew 1 or 2 of P-1 on model LX-500: median 1.
  const peers = [1, 1, 1, 2, 1].map((q, i) => quiet(`PEER-${i}`, { engineerId: `E-${i + 10}`, partsRequested: [drew('P-1', q)] }));

  it('flags a case drawing more than 3× the other engineers\' median for the same model and part', () => {
    const flags = findRedFlags([...peers, quiet('BIG', { engineerId: 'E-1', partsRequested: [drew('P-1', 2), drew('P-1', 2)] })]);
    // BIG drew 4 > 3 × 1.
    expect(flags).toEqual([{ rule: 'parts-above-peers', subject: 'E-1', caseIds: ['BIG'], detail: "4 × P-1 on LX-500; other engineers' median 1 over 5 cases" }]);
  });

  it('does not flag exactly 3×, nor against fewer than 5 peers, nor across models', () => {
    expect(findRedFlags([...peers, quiet('THREE', { engineerId: 'E-1', partsRequested: [drew('P-1', 3)] })])).toEqual([]);
    expect(findRedFlags([...peers.slice(1), quiet('BIG', { engineerId: 'E-1', partsRequested: [drew('P-1', 9)] })])).toEqual([]);
    expect(findRedFlags([...peers, quiet('OTHER', { engineerId: 'E-1', model: 'MX-9', partsRequested: [drew('P-1', 9)] })])).toEqual([]);
  });

  it('flags a case drawing more than 3× the engineer\'s own median of earlier cases', () => {
    const history = [1, 2, 1].map((q, i) => quiet(`OWN-${i}`, { registeredAt: day(i + 2), partsRequested: [drew('P-7', q)] }));
    const flags = findRedFlags([...history, quiet('NOW', { registeredAt: day(20), partsRequested: [drew('P-7', 4)] })]);
    // Own median of 1, 2, 1 is 1; 4 > 3. Too few peers (none) for the peer rule.
    expect(flags).toEqual([{ rule: 'parts-above-own-history', subject: 'E-1', caseIds: ['NOW'], detail: "4 × P-7; the engineer's own median 1 over 3 earlier cases" }]);
  });
});

describe('records and approvals', () => {
  it('flags defective parts past the return limit, changes after close, and a requester approving their own parts', () => {
    const flags = findRedFlags([
      quiet('UNRETURNED', { overdueReturns: [{ returnId: 'R-1', partNumber: 'P-1', flagged: true }, { returnId: 'R-2', partNumber: 'P-2', flagged: false }] }),
      quiet('EDITED', { changedAfterClose: [{ type: 'work-order.completed', at: day(5), by: 'E-1' }] }),
      quiet('SELF', { partsRequested: [drew('P-1', 1, 'E-1', 'E-1'), drew('P-2', 1, 'E-1', 'M-1')] }),
      quiet('UNKNOWN', { partsRequested: [drew('P-1', 1, null, null)] }),
    ]);
    expect(flags).toEqual([
      // R-2 is overdue but not yet past the limit: not flagged.
      { rule: 'defective-part-not-returned', subject: 'E-1', caseIds: ['UNRETURNED'], detail: 'returns overdue past the limit: R-1 (P-1)' },
      { rule: 'changed-after-close', subject: 'EDITED', caseIds: ['EDITED'], detail: 'closed 2026-11-02T17:00:00.000Z, then: work-order.completed at 2026-11-05T08:00:00.000Z by E-1' },
      // Unknown requester and approver are not the same person.
      { rule: 'requester-approved-own-parts', subject: 'E-1', caseIds: ['SELF'], detail: 'requested and approved P-1' },
    ]);
  });
});

describe('implausible time reports', () => {
  it('flags effort longer than the visit (beyond 15 minutes of slack), and zero or negative spans', () => {
    // The fixture is on site 12:00 to 16:00: 240 minutes.
    const flags = findRedFlags([
      quiet('ROUNDED', { effortMinutes: 255 }),
      quiet('LONG', { effortMinutes: 256 }),
      quiet('ZERO', { resolvedAt: day(2, 12) }),
      quiet('BACKWARDS', { resolvedAt: day(2, 11), effortMinutes: 30 }),
      quiet('NEGATIVE', { travelMinutes: -5 }),
    ]);
    expect(flags.map((f) => [f.rule, f.caseIds])).toEqual([
      ['effort-longer-than-visit', ['LONG']],
      ['non-positive-visit-span', ['ZERO']],
      ['non-positive-visit-span', ['BACKWARDS']],
      ['non-positive-visit-span', ['NEGATIVE']],
    ]);
  });

  it('flags more than 24 hours reported by one engineer on one day', () => {
    const oneDay = (id: string, effortMinutes: number, engineerId = 'E-1') =>
      quiet(id, { engineerId, arrivedAt: day(3, 0), firstAssignedAt: day(3, 0), resolvedAt: day(3, 23), effortMinutes, travelMinutes: 0 });
    const flags = findRedFlags([oneDay('A', 800), oneDay('B', 700), oneDay('C', 900, 'E-2')]);
    // E-1: 800 + 700 = 1,500 > 1,440 on 3 November. E-2: 900 alone. (Each effort fits its 23-hour visit.)
    expect(flags).toEqual([{ rule: 'more-than-a-day-in-a-day', subject: 'E-1', caseIds: ['A', 'B'], detail: '1500 minutes reported on 2026-11-03' }]);
  });

  it('a case over several days may report up to a full day for each', () => {
    const spread = (id: string, effortMinutes: number) => quiet(id, { firstAssignedAt: day(3, 20), arrivedAt: day(3, 20), resolvedAt: day(4, 20), effortMinutes, travelMinutes: 0 });
    // 3 and 4 November: 2 days, 2,880 minutes at most (and 1,440 minutes on site, so effort must also stay within the visit + slack).
    expect(findRedFlags([spread('OK', 1_400)])).toEqual([]);
    const flags = findRedFlags([quiet('TOO-MUCH', { firstAssignedAt: day(3, 20), arrivedAt: day(3, 20), resolvedAt: day(4, 20), effortMinutes: 1_400, travelMinutes: 1_500 })]);
    expect(flags).toEqual([{ rule: 'more-than-a-day-in-a-day', subject: 'E-1', caseIds: ['TOO-MUCH'], detail: '2900 minutes reported over 2 calendar days' }]);
  });
});

describe('scope and thresholds', () => {
  it('flags only cases registered since the given instant, and takes thresholds as parameters', () => {
    const cases = [quiet('OLD', { registeredAt: day(1), effortMinutes: 300 }), quiet('NEW', { registeredAt: day(10), effortMinutes: 300 })];
    expect(findRedFlags(cases, { since: day(5) }).map((f) => f.caseIds)).toEqual([['NEW']]);
    // 300 minutes for a 240-minute visit: within a 60-minute slack.
    expect(findRedFlags(cases, { thresholds: { effortSlackMinutes: 60 } })).toEqual([]);
  });

  it('a quiet record raises nothing', () => {
    expect(findRedFlags([quiet('A'), quiet('B', { engineerId: 'E-2' })])).toEqual([]);
  });
});
