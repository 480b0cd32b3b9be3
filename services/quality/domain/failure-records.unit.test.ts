import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultRecurrenceThresholds, detectRecurrence } from './recurrence';
import { attributable, deriveFailureMode, laterDecision, recheckReason, eightDIdFor, enrichment, newFailureRecord, normaliseFailureMode, openingReason, toRecurrenceRecord, type FailureFact, type RequestContext } from './failure-records';

const context: RequestContext = { requestId: 'SR-1', customerId: 'CUST-1', serialNumber: 'SN-1', model: 'LC-3015', productLine: 'laser', registeredAt: '2026-11-01T00:00:00Z' };
const workOrder = (over: Partial<Extract<FailureFact, { source: 'work-order' }>> = {}): FailureFact => ({
  source: 'work-order',
  requestId: 'SR-1',
  at: '2026-11-02T00:00:00Z',
  failureMode: null,
  safety: false,
  parts: ['NZ-15'],
  cause: 'Worn seal on the nozzle',
  fix: 'Seal replaced',
  ...over,
});

describe('failure-mode codes', () => {
  it('keeps a given code, normalised', () => {
    expect(normaliseFailureMode('nozzle crack')).toBe('FM-NOZZLE-CRACK');
    expect(normaliseFailureMode('FM-NOZZLE-CRACK')).toBe('FM-NOZZLE-CRACK');
    expect(newFailureRecord(workOrder({ failureMode: 'fm-nozzle crack' }), context)).toMatchObject({ failureMode: 'FM-NOZZLE-CRACK', failureModeSource: 'given' });
  });

  it('derives one from the first three significant words of the cause, the same for the same wording', () => {
    expect(deriveFailureMode('Worn seal on the nozzle after 40 h')).toBe('FM-WORN-SEAL-NOZZLE');
    expect(deriveFailureMode('worn SEAL on the nozzle')).toBe(deriveFailureMode('Worn seal, on the nozzle!'));
    expect(deriveFailureMode('the of a')).toBe('FM-UNCLASSIFIED');
    expect(newFailureRecord(workOrder(), context)).toMatchObject({ failureMode: 'FM-WORN-SEAL-NOZZLE', failureModeSource: 'derived' });
  });

  it('always yields a code of the one shape, unchanged by case, punctuation and extra spaces', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii', maxLength: 80 }), (cause) => {
        const code = deriveFailureMode(cause);
        expect(code).toMatch(/^FM-[A-Z0-9]+(-[A-Z0-9]+){0,2}$/);
        expect(deriveFailureMode(`  ${cause.toUpperCase().replace(/ /g, ' , ')}!`)).toBe(deriveFailureMode(cause.toLowerCase()));
        expect(normaliseFailureMode(code)).toBe(code);
      }),
    );
  });

  it('groups a returned part without a code by part and finding', () => {
    const fact: FailureFact = { source: 'defective-return', requestId: 'SR-2', at: '2026-11-03T00:00:00Z', machineSerial: 'SN-2', partNumber: 'NZ-15', lot: 'L-1', supplierId: 'SUP-1', failureMode: null, finding: 'supplier-defect', model: 'LC-3015', productLine: 'laser' };
    expect(newFailureRecord(fact, null)).toMatchObject({ failureMode: 'FM-PART-NZ-15-SUPPLIER-DEFECT', model: 'LC-3015', lot: 'L-1', serialNumber: 'SN-2' });
  });
});

describe('one failure record per request', () => {
  it('takes the machine from the registration and waits without one', () => {
    expect(attributable(newFailureRecord(workOrder(), context))).toBe(true);
    expect(attributable(newFailureRecord(workOrder(), null))).toBe(false);
  });

  it('adds the tier from the closure and the part from the return, keeping the failure mode', () => {
    const record = newFailureRecord(workOrder({ failureMode: 'FM-A' }), context);
    expect(enrichment(record, { source: 'closure', requestId: 'SR-1', at: '2026-11-04T00:00:00Z', customerId: 'CUST-1', serialNumber: 'SN-1', tier: 'P1', cause: 'other words', fix: 'f' })).toEqual({ tier: 'P1', sources: ['work-order', 'closure'] });
    const change = enrichment(record, { source: 'defective-return', requestId: 'SR-1', at: 'x', machineSerial: 'SN-1', partNumber: 'NZ-9', lot: 'L-9', supplierId: null, failureMode: 'FM-B', finding: 'design', model: null, productLine: null });
    expect(change).toMatchObject({ partNumber: 'NZ-9', lot: 'L-9', finding: 'design' });
    expect(change).not.toHaveProperty('failureMode');
  });
});

describe('8D ids and reasons', () => {
  it('derives the same id for the same problem and occurrence, a new one after a closed 8D', () => {
    expect(eightDIdFor({ model: 'LC-3015', failureMode: 'FM-NOZZLE-CRACK' }, 0)).toBe('8D-LC-3015-NOZZLE-CRACK-1');
    expect(eightDIdFor({ model: 'LC-3015', failureMode: 'FM-NOZZLE-CRACK' }, 1)).toBe('8D-LC-3015-NOZZLE-CRACK-2');
  });

  it('says which rule fired and why, in words', () => {
    const records = [0, 1, 2].map((i) => {
      const r = newFailureRecord(workOrder({ requestId: `SR-${i}`, failureMode: 'FM-A', at: `2026-11-0${i + 1}T00:00:00Z` }), { ...context, requestId: `SR-${i}` });
      if (!attributable(r)) throw new Error('unattributable');
      return toRecurrenceRecord(r, 1);
    });
    const [hit] = detectRecurrence({ record: records[2]!, history: records.slice(0, 2), eightDs: [] });
    expect(openingReason(hit!, defaultRecurrenceThresholds.default)).toBe('3 failures of FM-A on LC-3015 within 90 days (threshold 3)');
  });
});

describe('checking a record again', () => {
  it('when a later fact makes it severe, or the customer demanded a formal report at registration', () => {
    expect(recheckReason({ tier: 'P1' }, ['P1'])).toBe('tier-P1');
    expect(recheckReason({ tier: 'P2' }, ['P1'])).toBeNull();
    expect(recheckReason({ safety: true }, ['P1'])).toBe('safety');
    expect(recheckReason({ partNumber: 'X' }, ['P1'])).toBeNull();
    expect(newFailureRecord(workOrder(), { ...context, formalReportDemanded: true }).formalReportDemanded).toBe(true);
  });
});

describe('the failure decision on the record', () => {
  const engineer = { category: 'quality-failure' as const, decidedBy: 'eng-1', decidedAt: '2026-11-02T00:00:00Z' };
  const review = (revision: number, category: 'wear' | 'misuse') => ({ category, decidedBy: 'qe-1', decidedAt: `2026-11-0${2 + revision}T00:00:00Z`, by: 'quality' as const, revision });

  it('carries the engineer\u2019s decision with who and when; a report without one leaves it empty', () => {
    expect(newFailureRecord(workOrder({ failureDecision: engineer, cause: 'no sign of misuse; porous weld seam' }), context).failureDecision).toEqual({ ...engineer, by: 'engineer' });
    expect(newFailureRecord(workOrder(), context).failureDecision).toBeNull();
  });

  it('keeps quality\u2019s review over the engineer\u2019s decision, whichever came first', () => {
    const reviewed = newFailureRecord(workOrder({ failureDecision: engineer }), { ...context, failureReview: review(1, 'wear') });
    expect(reviewed.failureDecision).toEqual(review(1, 'wear'));
    expect(enrichment(reviewed, workOrder({ failureDecision: engineer })).failureDecision).toBeUndefined();
    const fromClosure = newFailureRecord({ source: 'closure', requestId: 'SR-1', at: '2026-11-02T00:00:00Z', customerId: 'CUST-1', serialNumber: 'SN-1', tier: 'P2', cause: 'c', fix: 'f' }, context);
    expect(enrichment(fromClosure, workOrder({ failureDecision: engineer })).failureDecision).toEqual({ ...engineer, by: 'engineer' });
    expect(laterDecision(review(2, 'misuse'), review(1, 'wear'))).toEqual(review(2, 'misuse'));
    expect(laterDecision(review(1, 'wear'), review(2, 'misuse'))).toEqual(review(2, 'misuse'));
  });
});
