import { describe, expect, it } from 'vitest';
import { allocateCaseCost } from './cost-allocation';
import { classifyFailure, closedCaseFrom, type CaseFacts } from './case-cost';

const facts: CaseFacts = {
  requestId: 'SR-1',
  customerId: 'CUST-1',
  closedAt: '2026-05-04T10:00:00.000Z',
  entitlementSource: 'warranty',
  salesCentreId: 'SC',
  factoryId: 'F',
  failureMode: 'lens-crack',
  cause: 'coating delaminated',
  effortMinutes: 90,
  trips: 1,
  parts: [{ partNumber: 'P-LENS-B', quantity: 1, unitCostCents: 21_000, consumable: false }],
  labourRateCentsPerHour: 9_000,
  travelCentsPerTrip: 12_000,
};

describe('a closed case as cost allocation input', () => {
  it('classifies wear and misuse from the engineer\u2019s report, anything else as a quality failure', () => {
    expect(classifyFailure('wear', null)).toEqual({ qualityFailure: false });
    expect(classifyFailure(null, 'nozzle worn out')).toEqual({ qualityFailure: false });
    expect(classifyFailure(null, 'misuse: crashed the head')).toEqual({ qualityFailure: false, misuse: true });
    expect(classifyFailure('lens-crack', 'coating delaminated')).toEqual({ qualityFailure: true });
  });
  it('charges an in-warranty quality failure to the factory, every line', () => {
    const allocation = allocateCaseCost(closedCaseFrom(facts));
    expect(allocation.totals).toEqual({ factory: 21_000 + 13_500 + 12_000, 'sales-centre': 0, customer: 0 });
  });
  it('charges a case without entitlement to the customer', () => {
    const allocation = allocateCaseCost(closedCaseFrom({ ...facts, entitlementSource: 'none' }));
    expect(allocation.totals).toEqual({ factory: 0, 'sales-centre': 0, customer: 46_500 });
  });
  it('charges in-warranty wear to the sales centre', () => {
    const allocation = allocateCaseCost(closedCaseFrom({ ...facts, failureMode: 'wear' }));
    expect(allocation.totals['sales-centre']).toBe(46_500);
  });
});
