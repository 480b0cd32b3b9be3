import { describe, expect, it } from 'vitest';
import { closedCase, openCase } from './case-fixtures';
import { defaultKpiOptions, ms, type Period } from './kpi-support';
import {
  complaintRate,
  firstResponse,
  firstTimeFix,
  meanTimeToRepair,
  repairOutcome,
  satisfaction,
  slaAttainment,
  slaClockAttainment,
  stuckEscalations,
  validDispatchedShare,
  validToDispatch,
} from './kpis-service';

const november: Period = { fromMs: ms('2026-11-01T00:00:00Z'), toMs: ms('2026-12-01T00:00:00Z'), nowMs: ms('2026-12-04T00:00:00Z') };
const nov = (dayHour: string) => `2026-11-${dayHour}:00.000Z`;

describe('first response', () => {
  it('median and nearest-rank p90 of registration to screening, over requests registered in the period and screened', () => {
    const screenedAfter = (id: string, minutes: number) => closedCase({ requestId: id, screenedAt: new Date(ms(nov('02T08:00')) + minutes * 60_000).toISOString() });
    const values = firstResponse(
      [
        screenedAfter('A', 30),
        screenedAfter('B', 60),
        screenedAfter('C', 120),
        screenedAfter('D', 240),
        screenedAfter('E', 600),
        closedCase({ requestId: 'OCT', registeredAt: '2026-10-31T23:00:00.000Z', screenedAt: '2026-10-31T23:30:00.000Z' }),
        openCase({ requestId: 'WAITING' }),
      ],
      november,
    );
    // Hours 0.5, 1, 2, 4, 10: median the third, 2; p90 rank ceil(0.9 × 5) = 5, the fifth, 10.
    expect(values).toEqual([
      { id: 'first-response-median-hours', value: 2, denominator: 5, caseIds: ['A', 'B', 'C', 'D', 'E'] },
      { id: 'first-response-p90-hours', value: 10, denominator: 5, caseIds: ['A', 'B', 'C', 'D', 'E'] },
    ]);
  });
});

describe('valid to dispatch', () => {
  const cases = [
    closedCase({ requestId: 'A' }), // screened 08:30, assigned 09:30: 1 h
    closedCase({ requestId: 'B', firstAssignedAt: nov('02T11:30') }), // 3 h
    closedCase({ requestId: 'INVALID', screening: 'invalid', firstAssignedAt: null }),
    openCase({ requestId: 'WAITING', screenedAt: nov('02T08:30'), screening: 'valid', tier: 'P3' }),
    openCase({ requestId: 'WITHDRAWN', screenedAt: nov('02T08:30'), screening: 'valid', tier: 'P3', cancelledAt: nov('02T09:00') }),
  ];

  it('times screening-valid to first assignment', () => {
    // Hours 1 and 3: median 2; p90 rank ceil(1.8) = 2, the second, 3.
    expect(validToDispatch(cases, november).map((v) => v.value)).toEqual([2, 3]);
  });

  it('shares valid requests assigned: one still waiting counts against, one withdrawn before assignment is left out', () => {
    // A and B assigned, WAITING not: 2 of 3.
    expect(validDispatchedShare(cases, november)).toEqual({ id: 'valid-dispatched-share', value: (100 * 2) / 3, numerator: 2, denominator: 3, caseIds: ['A', 'B', 'WAITING'] });
  });
});

describe('first-time fix', () => {
  it('counts closes in the period with the engineer\'s report, and says how many lacked it', () => {
    const value = firstTimeFix(
      [
        closedCase({ requestId: 'A' }),
        closedCase({ requestId: 'B', firstTimeFix: false }),
        closedCase({ requestId: 'C', firstTimeFix: null }),
        closedCase({ requestId: 'D' }),
        closedCase({ requestId: 'DEC', closedAt: '2026-12-01T00:00:00.000Z' }),
      ],
      november,
    );
    // A and D of A, B, D: 2 of 3; C has no report.
    expect(value).toMatchObject({ value: (100 * 2) / 3, numerator: 2, denominator: 3, caseIds: ['A', 'B', 'D'] });
    expect(value.note).toContain('1 closed request(s)');
  });
});

describe('repair success and repeat failures', () => {
  const cases = [
    closedCase({ requestId: 'A', serialNumber: 'SN-A' }), // closed 2 Nov 17:00
    openCase({ requestId: 'A-AGAIN', serialNumber: 'SN-A', registeredAt: nov('20T08:00') }), // 18 days later: a repeat
    closedCase({ requestId: 'B', serialNumber: 'SN-B' }),
    openCase({ requestId: 'B-LATER', serialNumber: 'SN-B', registeredAt: '2026-12-15T08:00:00.000Z' }), // 43 days later: not a repeat
    closedCase({ requestId: 'C', serialNumber: 'SN-C' }),
    openCase({ requestId: 'C-COMPLAINT', serialNumber: 'SN-C', registeredAt: nov('05T08:00'), complaintOf: 'C' }), // a complaint is not a repeat
    closedCase({ requestId: 'D', serialNumber: 'SN-D', acceptedAt: null }), // closed without the customer's acceptance
  ];

  it('repeat: the same serial registered again within 30 days of a close; success: accepted and not repeated', () => {
    const [success, repeat] = repairOutcome(cases, november, defaultKpiOptions);
    // Denominator A, B, C, D. Repeats: A → 1 of 4 = 25 %. Success: B and C → 2 of 4 = 50 %.
    expect(repeat).toEqual({ id: 'repeat-failure-rate', value: 25, numerator: 1, denominator: 4, caseIds: ['A', 'B', 'C', 'D'] });
    expect(success).toEqual({ id: 'repair-success', value: 50, numerator: 2, denominator: 4, caseIds: ['A', 'B', 'C', 'D'] });
  });

  it('says when closes are too recent for their repeat window to have ended', () => {
    const [success] = repairOutcome([closedCase({ closedAt: nov('20T08:00') })], november, defaultKpiOptions);
    // Closed 20 Nov, window ends 20 Dec, after "now" (4 Dec).
    expect(success!.note).toBe('1 close(s) are less than 30 days old: they may still come back');
  });
});

describe('SLA attainment', () => {
  it('overall from the close\'s verdict, per tier in the breakdown', () => {
    const value = slaAttainment(
      [closedCase({ requestId: 'A', tier: 'P1' }), closedCase({ requestId: 'B', slaMet: false }), closedCase({ requestId: 'C' }), closedCase({ requestId: 'D', slaMet: null })],
      november,
    );
    // A, C kept of A, B, C: 2 of 3; P1 1 of 1; P2 (B, C) 1 of 2.
    expect(value).toMatchObject({ value: (100 * 2) / 3, numerator: 2, denominator: 3 });
    expect(value.breakdown).toEqual([
      { key: 'P1', value: 100, numerator: 1, denominator: 1, caseIds: ['A'] },
      { key: 'P2', value: 50, numerator: 1, denominator: 2, caseIds: ['B', 'C'] },
    ]);
  });

  it('per clock: counts requests whose clock decided, breaches against', () => {
    const breach = (clock: 'first-response' | 'on-site' | 'resolution') => [{ clock, at: nov('02T10:00') }];
    const [firstResponseClock, onSite, resolution] = slaClockAttainment(
      [
        closedCase({ requestId: 'A' }),
        closedCase({ requestId: 'B', breaches: [...breach('first-response'), ...breach('on-site')] }),
        closedCase({ requestId: 'REMOTE', arrivedAt: null }),
        openCase({ requestId: 'LATE', tier: 'P1', screenedAt: nov('02T08:10'), screening: 'valid', breaches: breach('on-site') }),
      ],
      november,
    );
    // First response: all four screened, B breached: 3 of 4.
    expect(firstResponseClock).toMatchObject({ id: 'sla-first-response-attainment', numerator: 3, denominator: 4 });
    // On site: A and B arrived, LATE breached without arriving, REMOTE never needed a visit: A of A, B, LATE.
    expect(onSite).toMatchObject({ id: 'sla-on-site-attainment', numerator: 1, denominator: 3, caseIds: ['A', 'B', 'LATE'] });
    expect(onSite!.breakdown).toEqual([
      { key: 'P1', value: 0, numerator: 0, denominator: 1, caseIds: ['LATE'] },
      { key: 'P2', value: 50, numerator: 1, denominator: 2, caseIds: ['A', 'B'] },
    ]);
    // Resolution: A, B, REMOTE resolved without breach; LATE undecided: 3 of 3.
    expect(resolution).toMatchObject({ value: 100, numerator: 3, denominator: 3 });
  });
});

describe('mean time to repair', () => {
  it('means registration to resolution over requests resolved in the period', () => {
    const value = meanTimeToRepair(
      [closedCase({ requestId: 'A' }), closedCase({ requestId: 'B', resolvedAt: nov('03T04:00') }), closedCase({ requestId: 'DEC', resolvedAt: '2026-12-01T00:00:00.000Z' })],
      november,
    );
    // 8 h (08:00 → 16:00) and 20 h (08:00 → 04:00 next day): 14 h. DEC is resolved on the period's end, outside it.
    expect(value).toEqual({ id: 'mttr-hours', value: 14, denominator: 2, caseIds: ['A', 'B'] });
  });
});

describe('complaint rate', () => {
  it('per tier: closes about which a complaint was opened, complaints themselves left out', () => {
    const value = complaintRate(
      [
        closedCase({ requestId: 'A', tier: 'P1', complaintRaised: true }),
        closedCase({ requestId: 'B' }),
        closedCase({ requestId: 'C' }),
        closedCase({ requestId: 'X', complaintOf: 'B' }),
      ],
      november,
    );
    // A (recorded) and B (X is about it) of A, B, C: 2 of 3; P1 1 of 1, P2 1 of 2.
    expect(value).toMatchObject({ numerator: 2, denominator: 3, caseIds: ['A', 'B', 'C'] });
    expect(value.breakdown!.map((b) => [b.key, b.numerator, b.denominator])).toEqual([
      ['P1', 1, 1],
      ['P2', 1, 2],
    ]);
  });
});

describe('satisfaction', () => {
  it('means the scores answered in the period and shares those of 4 or more', () => {
    const surveyed = (id: string, score: number, at = nov('10T10:00')) => closedCase({ requestId: id, survey: { score, at } });
    const [meanScore, satisfied] = satisfaction([surveyed('A', 5), surveyed('B', 4), surveyed('C', 2), surveyed('OCT', 1, '2026-10-30T10:00:00.000Z'), closedCase({ requestId: 'NONE' })], november, defaultKpiOptions);
    // (5 + 4 + 2) / 3 = 11/3; 5 and 4 are satisfied: 2 of 3.
    expect(meanScore).toEqual({ id: 'satisfaction-mean', value: 11 / 3, denominator: 3, caseIds: ['A', 'B', 'C'] });
    expect(satisfied).toMatchObject({ value: (100 * 2) / 3, numerator: 2, denominator: 3 });
  });
});

describe('stuck escalations', () => {
  it('counts open requests whose last escalation step is older than 24 hours at "now"', () => {
    const step = (at: string, step = 1) => ({ clock: 'resolution' as const, action: 'supervisor', step, at });
    const value = stuckEscalations(
      [
        openCase({ requestId: 'STUCK', escalations: [step('2026-12-02T00:00:00.000Z')] }),
        openCase({ requestId: 'MOVING', escalations: [step('2026-12-02T00:00:00.000Z'), step('2026-12-03T12:00:00.000Z', 2)] }),
        closedCase({ requestId: 'CLOSED', escalations: [step('2026-11-02T10:00:00.000Z')] }),
        openCase({ requestId: 'QUIET' }),
      ],
      november,
      defaultKpiOptions,
    );
    // Now 4 Dec 00:00, limit 3 Dec 00:00: STUCK's last step (2 Dec) is older; MOVING's (3 Dec 12:00) is not.
    expect(value).toEqual({ id: 'stuck-escalations', value: 1, caseIds: ['STUCK'] });
  });
});
