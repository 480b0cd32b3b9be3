import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { currency } from '../api/common';
import { isPlausibleCents, maxMoneyCents } from './money';

describe('currency codes (the API\'s enum of the ISO 4217 codes ICU knows)', () => {
  it.each(['EUR', 'CNY', 'USD', 'JPY', 'KRW'])('knows %s', (code) => {
    expect(currency.safeParse(code).success).toBe(true);
  });
  it.each(['eur', 'EU', 'EURO', 'ABC', 'XXX', 'X\u0000Y', '\u20ac\u20ac\u20ac'])('refuses %j', (code) => {
    expect(currency.safeParse(code).success).toBe(false);
  });
});

describe('plausible amounts', () => {
  it('are whole cents from zero to the ceiling', () => {
    expect([0, 1_200, maxMoneyCents].every(isPlausibleCents)).toBe(true);
    expect([-1, 0.5, maxMoneyCents + 1, 4.69e303, Number.NaN, Number.POSITIVE_INFINITY].some(isPlausibleCents)).toBe(false);
  });
  it('keep a line of up to 100,000 units exact', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: maxMoneyCents }), fc.integer({ min: 1, max: 100_000 }), (cents, quantity) => {
        expect(isPlausibleCents(cents)).toBe(true);
        expect(Number.isSafeInteger(cents * quantity)).toBe(true);
      }),
    );
  });
});
