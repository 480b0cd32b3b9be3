import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dayEndIn, dayStartIn } from '@aftersales/sla';
import {
  amendContract,
  ContractChangeRefused,
  contractInForce,
  renewContract,
  resumeContract,
  suspendContract,
  terminateContract,
  type ContractRecord,
  type ContractUpdate,
} from './contract-lifecycle';

const tz = 'Asia/Shanghai';
const day = (d: string) => dayStartIn(d, tz)!;
const signed = (): ContractRecord => ({
  name: 'Full service',
  type: 'premium',
  coveredSerials: 'all',
  responseMode: 'on-site',
  slaPolicyId: 'contract-premium',
  calendarId: '24x7',
  covers: { parts: true, labour: true, travel: true },
  start: day('2027-01-01'),
  end: dayEndIn('2027-12-31', tz)!,
  status: 'active',
});
const by = { reason: 'customer asked', by: 'mgr-1', now: day('2027-03-01') };
const apply = (record: ContractRecord, update: ContractUpdate): ContractRecord => ({ ...record, ...update });
const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ContractChangeRefused) return { field: error.field, conflict: error.conflict };
    throw error;
  }
  throw new Error('not refused');
};

describe('contract days in the site time zone', () => {
  it('covers the whole last day there, and begins at the first instant of the first day', () => {
    // Shanghai is UTC+8: 2027-12-31 ends at 2027-12-31T16:00Z, 2027-01-01 begins at 2026-12-31T16:00Z.
    expect(signed().end.toISOString()).toBe('2027-12-31T16:00:00.000Z');
    expect(signed().start.toISOString()).toBe('2026-12-31T16:00:00.000Z');
    const c = signed();
    expect(contractInForce(c, new Date('2027-12-31T15:59:59.999Z')).status).toBe('active');
    expect(contractInForce(c, new Date('2027-12-31T16:00:00.000Z')).status).toBe('expired');
  });

  it('takes a daylight-saving day as it is lived (Berlin, last Sunday of March has 23 hours)', () => {
    expect(dayEndIn('2027-03-28', 'Europe/Berlin')!.getTime() - dayStartIn('2027-03-28', 'Europe/Berlin')!.getTime()).toBe(23 * 3_600_000);
    expect(dayStartIn('2027-02-30', 'Europe/Berlin')).toBeNull();
  });
});

describe('amendments', () => {
  it('change the terms from their date on; before it the signed terms hold, and each answer names its version', () => {
    const c = apply(signed(), amendContract(signed(), { ...by, effectiveFrom: day('2027-04-01'), changes: { responseMode: 'nbd', covers: { parts: true, labour: true, travel: false } } }));
    const before = contractInForce(c, day('2027-03-31'));
    const after = contractInForce(c, day('2027-04-01'));
    expect([before.version, before.responseMode, before.covers.travel]).toEqual([1, 'on-site', true]);
    expect([after.version, after.responseMode, after.covers.travel, after.name]).toEqual([2, 'nbd', false, 'Full service']);
    expect(c.history).toEqual([expect.objectContaining({ version: 2, kind: 'amended', by: 'mgr-1', reason: 'customer asked' })]);
  });

  it('are refused outside the contract, before a later amendment, or with nothing to change, naming the field', () => {
    const c = apply(signed(), amendContract(signed(), { ...by, effectiveFrom: day('2027-06-01'), changes: { name: 'Renamed' } }));
    expect(refusal(() => amendContract(c, { ...by, effectiveFrom: day('2027-05-01'), changes: { name: 'x' } }))).toEqual({ field: 'effectiveFrom', conflict: true });
    expect(refusal(() => amendContract(c, { ...by, effectiveFrom: day('2028-01-01'), changes: { name: 'x' } }))).toEqual({ field: 'effectiveFrom', conflict: false });
    expect(refusal(() => amendContract(c, { ...by, effectiveFrom: day('2027-07-01'), changes: {} }))).toEqual({ field: 'changes', conflict: false });
  });
});

describe('renewal, suspension, termination', () => {
  it('a renewal moves the end and its new terms hold from the old end', () => {
    const newEnd = dayEndIn('2028-12-31', tz)!;
    const c = apply(signed(), renewContract(signed(), { ...by, end: newEnd, changes: { type: 'standard' } }));
    expect(contractInForce(c, day('2028-06-01'))).toMatchObject({ status: 'active', type: 'standard', version: 2 });
    expect(contractInForce(c, day('2027-06-01'))).toMatchObject({ status: 'active', type: 'premium', version: 1 });
    expect(refusal(() => renewContract(c, { ...by, end: day('2028-01-01') }))).toEqual({ field: 'end', conflict: false });
  });

  it('a suspension stops cover until resumed, and only one runs at a time', () => {
    let c = apply(signed(), suspendContract(signed(), { ...by, from: day('2027-05-01') }));
    expect(contractInForce(c, day('2027-06-01')).status).toBe('suspended');
    expect(refusal(() => suspendContract(c, { ...by, from: day('2027-07-01') }))).toEqual({ field: 'from', conflict: true });
    c = apply(c, resumeContract(c, { ...by, at: day('2027-07-01') }));
    expect(contractInForce(c, day('2027-06-30')).status).toBe('suspended');
    expect(contractInForce(c, day('2027-07-01')).status).toBe('active');
    expect(refusal(() => resumeContract(c, { ...by, at: day('2027-08-01') }))).toEqual({ field: 'status', conflict: true });
  });

  it('a termination ends cover from its date for good; nothing changes it afterwards', () => {
    const c = apply(signed(), terminateContract(signed(), { ...by, effective: day('2027-09-01') }));
    expect(contractInForce(c, day('2027-08-31')).status).toBe('active');
    expect(contractInForce(c, day('2027-09-01')).status).toBe('terminated');
    expect(c.end).toEqual(day('2027-09-01'));
    expect(refusal(() => renewContract(c, { ...by, end: dayEndIn('2028-12-31', tz)! }))).toEqual({ field: 'status', conflict: true });
    expect(refusal(() => amendContract(c, { ...by, effectiveFrom: day('2027-08-01'), changes: { name: 'x' } }))).toEqual({ field: 'status', conflict: true });
  });

  it('numbers versions one after another, whatever the order of kinds', () => {
    const steps = [
      (c: ContractRecord, i: number) => amendContract(c, { ...by, effectiveFrom: new Date(c.start.getTime() + i * 86_400_000), changes: { name: `v${i}` } }),
      (c: ContractRecord) => renewContract(c, { ...by, end: new Date(c.end.getTime() + 86_400_000) }),
    ];
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 1, maxLength: 12 }), (kinds) => {
        let c = signed();
        kinds.forEach((k, i) => (c = apply(c, steps[k]!(c, i))));
        expect(c.history!.map((h) => h.version)).toEqual(kinds.map((_, i) => i + 2));
        expect(c.version).toBe(kinds.length + 1);
      }),
    );
  });
});
