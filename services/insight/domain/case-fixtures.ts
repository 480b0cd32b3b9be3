/**
 * Case records for the tests of the formulas: one closed, valid P2 request whose every instant is
 * easy to reckon with, changed per test by what that test is about.
 */
import type { CaseRecord, MachineRecord } from './case-record';

/** Registered Monday 2 November 2026 08:00 UTC; screened valid 08:30; assigned 09:30; on site 12:00; resolved 16:00; accepted and closed 17:00. */
export function closedCase(over: Partial<CaseRecord> = {}): CaseRecord {
  return {
    requestId: 'SR-1',
    customerId: 'C-1',
    customerClass: 'standard',
    dealerId: null,
    channel: 'phone',
    serialNumber: 'SN-1',
    model: 'LX-500',
    productLine: 'lasers',
    region: 'Suzhou',
    tier: 'P2',
    finalTier: 'P2',
    complaintOf: null,
    raisedAt: '2026-11-02T08:00:00.000Z',
    registeredAt: '2026-11-02T08:00:00.000Z',
    neededBy: '2026-11-03T08:00:00.000Z',
    screenedAt: '2026-11-02T08:30:00.000Z',
    screening: 'valid',
    dispatchRequestedAt: '2026-11-02T08:30:00.000Z',
    firstAssignedAt: '2026-11-02T09:30:00.000Z',
    arrivedAt: '2026-11-02T12:00:00.000Z',
    resolvedAt: '2026-11-02T16:00:00.000Z',
    acceptedAt: '2026-11-02T17:00:00.000Z',
    closedAt: '2026-11-02T17:00:00.000Z',
    cancelledAt: null,
    engineerId: 'E-1',
    workOrderIds: ['WO-1'],
    firstTimeFix: true,
    slaMet: true,
    cause: 'worn belt',
    failureCategory: 'wear',
    effortMinutes: 180,
    travelMinutes: 60,
    breaches: [],
    escalations: [],
    partsRequested: [],
    partsConsumed: [],
    overdueReturns: [],
    costLines: [],
    revenueCents: 0,
    revenueCurrency: null,
    survey: null,
    complaintRaised: false,
    changedAfterClose: [],
    ...over,
  };
}

/** A request registered at `at` and not yet screened. */
export function openCase(over: Partial<CaseRecord> = {}): CaseRecord {
  return closedCase({
    screenedAt: null,
    screening: null,
    tier: null,
    finalTier: null,
    dispatchRequestedAt: null,
    firstAssignedAt: null,
    arrivedAt: null,
    resolvedAt: null,
    acceptedAt: null,
    closedAt: null,
    engineerId: null,
    workOrderIds: [],
    firstTimeFix: null,
    slaMet: null,
    cause: null,
    failureCategory: null,
    effortMinutes: 0,
    travelMinutes: 0,
    ...over,
  });
}

export function machine(over: Partial<MachineRecord> = {}): MachineRecord {
  return { serialNumber: 'SN-1', customerId: 'C-1', model: 'LX-500', productLine: 'lasers', inServiceFrom: '2020-01-01T00:00:00.000Z', ...over };
}

/** November 2026, asked on 4 December. */
export const november = { from: '2026-11-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z', now: '2026-12-04T00:00:00.000Z', machines: [] as MachineRecord[] };
