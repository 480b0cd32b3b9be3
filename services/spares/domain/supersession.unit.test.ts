import { describe, expect, it } from 'vitest';
import { currentPartNumber } from './supersession';

const catalogue: Record<string, string | null> = { A: 'B', B: 'C', C: null, X: null, L1: 'L2', L2: 'L1' };
const lookup = (p: string) => catalogue[p];

describe('currentPartNumber', () => {
  it('keeps a part that was never superseded', () => {
    expect(currentPartNumber('X', lookup)).toEqual({ partNumber: 'X', chain: ['X'] });
  });
  it('follows a chain to its end', () => {
    expect(currentPartNumber('A', lookup)).toEqual({ partNumber: 'C', chain: ['A', 'B', 'C'] });
  });
  it('refuses a cycle instead of looping', () => {
    expect(() => currentPartNumber('L1', lookup)).toThrow(/cycle: L1 -> L2 -> L1/);
  });
});
