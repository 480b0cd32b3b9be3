import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareSerials, machineInScope } from './eight-d';

describe('machineInScope', () => {
  const machine = { serialNumber: 'SN-0042', model: 'LX-300', productLine: 'laser' };

  it('needs every given field to match', () => {
    expect(machineInScope({ model: 'LX-300' }, machine)).toBe(true);
    expect(machineInScope({ model: 'LX-300', productLine: 'laser' }, machine)).toBe(true);
    expect(machineInScope({ model: 'LX-300', productLine: 'press' }, machine)).toBe(false);
    expect(machineInScope({ model: 'LX-400' }, machine)).toBe(false);
  });

  it('takes serial ranges inclusive at both ends, in the order people read serials', () => {
    expect(machineInScope({ serialFrom: 'SN-0042', serialTo: 'SN-0042' }, machine)).toBe(true);
    expect(machineInScope({ serialFrom: 'SN-0009', serialTo: 'SN-0100' }, machine)).toBe(true);
    expect(machineInScope({ serialFrom: 'SN-0043' }, machine)).toBe(false);
    expect(machineInScope({ serialTo: 'SN-0041' }, machine)).toBe(false);
    expect(machineInScope({ serialFrom: '999', serialTo: '1000' }, { serialNumber: '1000' })).toBe(true);
    expect(machineInScope({ serialTo: '999' }, { serialNumber: '1000' })).toBe(false);
  });

  it('covers a part where the machine carries it, and where the reader cannot tell', () => {
    expect(machineInScope({ partNumber: 'P-7' }, { ...machine, partNumbers: ['P-1', 'P-7'] })).toBe(true);
    expect(machineInScope({ partNumber: 'P-7' }, { ...machine, partNumbers: ['P-1'] })).toBe(false);
    expect(machineInScope({ partNumber: 'P-7' }, machine)).toBe(true);
    expect(machineInScope({ partNumber: 'P-7', model: 'LX-400' }, machine)).toBe(false);
  });

  it('an empty scope covers nothing', () => {
    expect(machineInScope({}, machine)).toBe(false);
  });
});

describe('compareSerials', () => {
  it('is a total order: antisymmetric and transitive', () => {
    const serial = fc.string({ minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(serial, serial, serial, (a, b, c) => {
        // Opposite signs, or both 0 (summed, so 0 and -0 compare equal).
        expect(Math.sign(compareSerials(a, b)) + Math.sign(compareSerials(b, a))).toBe(0);
        if (compareSerials(a, b) <= 0 && compareSerials(b, c) <= 0) expect(compareSerials(a, c)).toBeLessThanOrEqual(0);
      }),
    );
  });
});
