import { describe, expect, it } from 'vitest';
import { contactFor, isOpenStatus, machineDateProblems, siteOf, toEntitlementMachine } from './installed-base';

const day = (s: string) => new Date(`${s}T00:00:00Z`);
const site = (id: string) => ({ id, name: id, address: 'a', city: 'c', locationClass: 'elsewhere' as const, coordinates: null, timeZone: 'Asia/Shanghai' });

describe('toEntitlementMachine', () => {
  it('passes a warranty through, start optional', () => {
    expect(toEntitlementMachine({ _id: 'M', customerId: 'C', warranty: { type: 'extended', start: null, end: day('2027-01-01') } }).warranty).toEqual({ type: 'extended', start: null, end: day('2027-01-01') });
  });
  it('reads a first-generation record (warrantyEnd only) as a standard warranty', () => {
    expect(toEntitlementMachine({ _id: 'M', customerId: 'C', warrantyEnd: day('2027-01-01') }).warranty).toEqual({ type: 'standard', start: null, end: day('2027-01-01') });
  });
  it('an explicit null warranty stays null even next to a legacy end date', () => {
    expect(toEntitlementMachine({ _id: 'M', customerId: 'C', warranty: null, warrantyEnd: day('2027-01-01') }).warranty).toBeNull();
  });
});

describe('siteOf', () => {
  it('is the machine\u2019s own site', () => {
    expect(siteOf({ sites: [site('A'), site('B')] }, { siteId: 'B' })?.id).toBe('B');
  });
  it('is the only site of a customer when the machine names none', () => {
    expect(siteOf({ sites: [site('A')] }, { siteId: null })?.id).toBe('A');
    expect(siteOf({ sites: [site('A')] }, null)?.id).toBe('A');
  });
  it('is none when it is ambiguous or unknown', () => {
    expect(siteOf({ sites: [site('A'), site('B')] }, null)).toBeNull();
    expect(siteOf({ sites: [site('A')] }, { siteId: 'Z' })).toBeNull();
    expect(siteOf({}, null)).toBeNull();
  });
});

describe('contactFor', () => {
  it('prefers the site\u2019s contact and copies only what is set', () => {
    const customer = { name: 'C', contacts: [{ name: 'A', email: 'a@example.com' }, { name: 'B', phone: '123', siteId: 'S' }] };
    expect(contactFor(customer, 'S')).toEqual({ name: 'B', phone: '123' });
    expect(contactFor(customer, null)).toEqual({ name: 'A', email: 'a@example.com' });
  });
});

describe('isOpenStatus', () => {
  it('counts every status but the closing ones as open, also ones added later', () => {
    expect(['registered', 'awaiting-dispatch', 'dispatched', 'resolved', 'something-new'].every(isOpenStatus)).toBe(true);
    expect(['screened-invalid', 'closed', 'followed-up', 'cancelled'].some(isOpenStatus)).toBe(false);
  });
});

describe('machineDateProblems', () => {
  it('names commissioning before installation and a warranty that ends before it starts', () => {
    expect(machineDateProblems({ installDate: day('2026-02-01'), commissioningDate: day('2026-01-01'), warranty: { start: day('2026-01-01'), end: day('2026-01-01') } }).map((p) => p.field)).toEqual([
      'commissioningDate',
      'warranty.end',
    ]);
  });
  it('accepts dates in order and missing dates', () => {
    expect(machineDateProblems({ installDate: day('2026-01-01'), commissioningDate: day('2026-01-01'), warranty: { start: null, end: day('2027-01-01') } })).toEqual([]);
    expect(machineDateProblems({})).toEqual([]);
  });
});
