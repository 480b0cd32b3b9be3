import { describe, expect, it } from 'vitest';
import { allocateCaseCost } from './cost-allocation';
import { analysisAdjustments, classifyFailure, closedCaseFrom, type CaseFacts } from './case-cost';

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
  it('follows the cover intake froze: a parts-only warranty leaves labour and travel to the customer', () => {
    const allocation = allocateCaseCost(closedCaseFrom({ ...facts, cover: { covers: { parts: true, labour: false, travel: false }, warrantyEnd: '2027-01-01T00:00:00.000Z' } }));
    expect(allocation.totals).toEqual({ factory: 21_000, 'sales-centre': 0, customer: 13_500 + 12_000 });
  });
  it('applies a contract’s exclusions by part number and by category', () => {
    const cover = { covers: { parts: true, labour: true, travel: true }, exclusions: { partNumbers: [], categories: ['optics-wear'] }, warrantyEnd: null };
    const allocation = allocateCaseCost(closedCaseFrom({ ...facts, entitlementSource: 'contract', cover, parts: [{ ...facts.parts[0]!, category: 'optics-wear' }] }));
    expect(allocation.lines[0]!.shares).toMatchObject([{ costCentre: 'customer', amountCents: 21_000, reason: 'category optics-wear excluded by the contract' }]);
    expect(allocation.totals.factory).toBe(13_500 + 12_000);
  });
  it('stays covered to the close when the warranty ends while the case is open', () => {
    const allocation = allocateCaseCost(closedCaseFrom({ ...facts, cover: { covers: { parts: true, labour: true, travel: true }, warrantyEnd: '2026-05-01T00:00:00.000Z' } }));
    expect(allocation.totals.factory).toBe(46_500);
  });
  it('gives goodwill on the part of a paid case whose warranty lapsed shortly before (50 % within 30 days)', () => {
    const lapsed = { covers: { parts: false, labour: false, travel: false }, warrantyEnd: '2026-04-24T10:00:00.000Z' };
    const allocation = allocateCaseCost(closedCaseFrom({ ...facts, entitlementSource: 'none', cover: lapsed }));
    expect(allocation.lines[0]!.shares.map((s) => [s.costCentre, s.amountCents])).toEqual([['factory', 10_500], ['customer', 10_500]]);
    expect(allocation.totals.customer).toBe(10_500 + 13_500 + 12_000);
  });
  it('charges in-warranty wear to the sales centre', () => {
    const allocation = allocateCaseCost(closedCaseFrom({ ...facts, failureMode: 'wear' }));
    expect(allocation.totals['sales-centre']).toBe(46_500);
  });
});

describe('analysisAdjustments', () => {
  const payers = { factoryId: 'F', salesCentreId: 'SC', customerId: 'CUST-1' };
  const entry = (lineId: string, costCentre: 'factory' | 'sales-centre' | 'customer', amountCents: number) => ({ caseId: 'SR-1', lineId, closedAt: '2026-11-30T10:00:00.000Z', costCentre, payerId: costCentre === 'factory' ? 'F' : 'SC', amountCents, reason: 'quality failure covered by the warranty' });
  const charged = [entry('part-1-P-LENS-B', 'factory', 21_000), entry('part-2-P-NOZZLE-15', 'factory', 1_200), entry('labour', 'factory', 9_000)];

  it('moves the analysed part from the factory to the sales centre for wear, booked on the analysis date', () => {
    expect(analysisAdjustments(charged, 'P-LENS-B', 'wear', '2026-12-10T08:00:00.000Z', payers)).toEqual([
      { caseId: 'SR-1', lineId: 'part-1-P-LENS-B#analysis', closedAt: '2026-12-10T08:00:00.000Z', costCentre: 'factory', payerId: 'F', amountCents: -21_000, reason: 'failure analysis of P-LENS-B: wear, not a quality failure' },
      { caseId: 'SR-1', lineId: 'part-1-P-LENS-B#analysis', closedAt: '2026-12-10T08:00:00.000Z', costCentre: 'sales-centre', payerId: 'SC', amountCents: 21_000, reason: 'failure analysis of P-LENS-B: wear, not a quality failure' },
    ]);
  });

  it('charges the customer for misuse; labour and other parts stay where they were', () => {
    const moved = analysisAdjustments(charged, 'P-NOZZLE-15', 'misuse', '2026-12-10T08:00:00.000Z', payers);
    expect(moved.map((e) => [e.lineId, e.costCentre, e.payerId, e.amountCents])).toEqual([
      ['part-2-P-NOZZLE-15#analysis', 'factory', 'F', -1_200],
      ['part-2-P-NOZZLE-15#analysis', 'customer', 'CUST-1', 1_200],
    ]);
  });

  it('changes nothing for findings that confirm a quality failure, for a part the factory did not pay, or twice', () => {
    for (const finding of ['supplier-defect', 'manufacturing', 'design', 'no-fault-found']) expect(analysisAdjustments(charged, 'P-LENS-B', finding, '2026-12-10T08:00:00.000Z', payers)).toEqual([]);
    expect(analysisAdjustments([entry('part-1-P-LENS-B', 'sales-centre', 21_000)], 'P-LENS-B', 'misuse', '2026-12-10T08:00:00.000Z', payers)).toEqual([]);
    const once = analysisAdjustments(charged, 'P-LENS-B', 'wear', '2026-12-10T08:00:00.000Z', payers);
    expect(analysisAdjustments([...charged, ...once], 'P-LENS-B', 'wear', '2026-12-11T08:00:00.000Z', payers)).toEqual([]);
  });

  it('keeps every case total: a move, never a new cost', () => {
    const moved = analysisAdjustments(charged, 'P-LENS-B', 'misuse', '2026-12-10T08:00:00.000Z', payers);
    expect(moved.reduce((sum, e) => sum + e.amountCents, 0)).toBe(0);
  });
});
