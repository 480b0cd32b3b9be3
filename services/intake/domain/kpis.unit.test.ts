import { describe, expect, it } from 'vitest';
import { computeKpis, rate, summarise, type RequestFacts } from './kpis';

const at = (text: string) => new Date(`${text}Z`);
const from = at('2026-11-01T00:00');
const to = at('2026-12-01T00:00');

/** A valid P2 request raised 1 November 08:00, answered at 08:30, dispatched an hour after screening at 09:00, solved 2 November 08:00 and accepted. */
function closedRequest(over: Partial<RequestFacts> = {}): RequestFacts {
  return {
    id: 'SR-1',
    serialNumber: 'SN-1',
    raisedAt: at('2026-11-01T08:00'),
    registeredAt: at('2026-11-01T08:00'),
    status: 'closed',
    tier: 'P2',
    screening: { outcome: 'valid', at: at('2026-11-01T09:00') },
    firstResponseAt: at('2026-11-01T08:30'),
    dispatchedAt: at('2026-11-01T10:00'),
    solvedAt: at('2026-11-02T08:00'),
    acceptedAt: at('2026-11-02T09:00'),
    firstTimeFix: true,
    reopened: 0,
    clocks: [
      { name: 'first-response', status: 'met', stoppedAt: at('2026-11-01T08:30') },
      { name: 'on-site', status: 'breached', stoppedAt: at('2026-11-01T20:00') },
      { name: 'resolution', status: 'met', stoppedAt: at('2026-11-02T09:00') },
    ],
    surveyScore: 5,
    complaintOf: null,
    ...over,
  };
}

describe('computeKpis', () => {
  it('counts only requests raised in the period, and reports no data as null rather than 0 %', () => {
    const report = computeKpis([closedRequest({ raisedAt: at('2026-10-31T23:59') })], from, to);
    expect(report.requests).toBe(0);
    expect(report.firstTimeFix).toEqual({ numerator: 0, denominator: 0, rate: null });
    expect(report.responseTime).toEqual({ count: 0, meanMinutes: null, medianMinutes: null });
  });

  it('response time from raised to first response, valid-to-dispatch from screening, time to repair from raised to solved', () => {
    const report = computeKpis([closedRequest(), closedRequest({ id: 'SR-2', serialNumber: 'SN-2', firstResponseAt: at('2026-11-01T09:30') })], from, to);
    // 30 and 90 minutes.
    expect(report.responseTime).toEqual({ count: 2, meanMinutes: 60, medianMinutes: 60 });
    expect(report.validToDispatch).toEqual({ count: 2, meanMinutes: 60, medianMinutes: 60 });
    // 24 hours each.
    expect(report.meanTimeToRepair.meanMinutes).toBe(24 * 60);
  });

  it('first-time fix needs the engineer\'s flag and no rejection or reopening; repair success only the latter', () => {
    const report = computeKpis(
      [
        closedRequest(),
        closedRequest({ id: 'SR-2', serialNumber: 'SN-2', firstTimeFix: false }),
        closedRequest({ id: 'SR-3', serialNumber: 'SN-3', firstTimeFix: true, reopened: 1 }),
        closedRequest({ id: 'SR-4', serialNumber: 'SN-4', status: 'on-site', solvedAt: null, acceptedAt: null }),
      ],
      from,
      to,
    );
    expect(report.firstTimeFix).toEqual(rate(1, 3));
    expect(report.repairSuccess).toEqual(rate(2, 3));
  });

  it('a new request on the same machine within 30 days of closure is a repeat failure; a complaint about it is not', () => {
    const report = computeKpis(
      [
        closedRequest(),
        closedRequest({ id: 'SR-2', serialNumber: 'SN-1', raisedAt: at('2026-12-02T08:00'), status: 'registered' }),
        closedRequest({ id: 'SR-3', serialNumber: 'SN-3' }),
        closedRequest({ id: 'SR-4', serialNumber: 'SN-3', raisedAt: at('2026-11-05T08:00'), status: 'registered', complaintOf: 'SR-3' }),
        closedRequest({ id: 'SR-5', serialNumber: 'SN-5' }),
        closedRequest({ id: 'SR-6', serialNumber: 'SN-5', raisedAt: at('2027-01-15T08:00'), status: 'registered' }),
      ],
      from,
      to,
    );
    // Closed in the period: SR-1, SR-3, SR-5. SR-1 came back on 2 December (outside the period, inside
    // the window); SR-3's follower is a complaint; SR-5's came after 30 days.
    expect(report.repeatFailure).toEqual(rate(1, 3));
  });

  it('SLA attainment per tier and clock counts only ended promises; waived clocks are not there to count', () => {
    const running = closedRequest({ id: 'SR-2', serialNumber: 'SN-2', status: 'dispatched', clocks: [{ name: 'on-site', status: 'warning', stoppedAt: null }] });
    const p1 = closedRequest({ id: 'SR-3', serialNumber: 'SN-3', tier: 'P1', clocks: [{ name: 'first-response', status: 'met', stoppedAt: at('2026-11-01T08:10') }] });
    const report = computeKpis([closedRequest(), running, p1], from, to);
    expect(report.slaAttainment).toEqual({
      P2: { 'first-response': rate(1, 1), 'on-site': rate(0, 1), resolution: rate(1, 1) },
      P1: { 'first-response': rate(1, 1) },
    });
  });

  it('complaint rate per tier of the request complained about; satisfaction mean and low share', () => {
    const report = computeKpis(
      [
        closedRequest({ surveyScore: 1 }),
        closedRequest({ id: 'SR-2', serialNumber: 'SN-2', surveyScore: 4 }),
        closedRequest({ id: 'SR-3', serialNumber: 'SN-3', tier: 'P1', status: 'awaiting-dispatch', complaintOf: 'SR-1', surveyScore: null, solvedAt: null, acceptedAt: null }),
      ],
      from,
      to,
    );
    expect(report.complaintRate).toEqual({ P2: rate(1, 2) });
    expect(report.satisfaction).toEqual({ answers: 2, mean: 2.5, lowShare: rate(1, 2) });
  });

  it('dispatched share is of valid requests not cancelled before dispatch', () => {
    const report = computeKpis(
      [
        closedRequest(),
        closedRequest({ id: 'SR-2', serialNumber: 'SN-2', status: 'awaiting-dispatch', dispatchedAt: null }),
        closedRequest({ id: 'SR-3', serialNumber: 'SN-3', status: 'cancelled', dispatchedAt: null }),
        closedRequest({ id: 'SR-4', serialNumber: 'SN-4', status: 'screened-invalid', screening: { outcome: 'invalid', at: at('2026-11-01T09:00') }, dispatchedAt: null }),
      ],
      from,
      to,
    );
    expect(report.valid).toBe(3);
    expect(report.dispatchedShare).toEqual(rate(1, 2));
  });
});

describe('summarise', () => {
  it('takes the middle pair for an even count', () => {
    expect(summarise([4, 1, 3, 2].map((m) => m * 60_000))).toEqual({ count: 4, meanMinutes: 2.5, medianMinutes: 2.5 });
  });
});
