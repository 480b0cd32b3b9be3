import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { currency } from '../api/common';
import { centsHalfUp, isPlausibleCents, maxMoneyCents, MoneyInputError } from './money';

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

describe('a × b / divisor to the cent, half up', () => {
  it('is the exact ratio rounded half up, for any amounts and divisor', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.bigInt({ min: 0n, max: 10n ** 8n }), fc.bigInt({ min: 1n, max: 10n ** 6n }), (a, b, divisor) => {
        const result = centsHalfUp(a, b, divisor);
        const twice = 2n * a * b;
        if (Number.isSafeInteger(result)) {
          // cents - 1/2 <= a x b / divisor < cents + 1/2, in integers (times 2 x divisor).
          const cents = BigInt(result);
          expect((2n * cents - 1n) * divisor <= twice && twice < (2n * cents + 1n) * divisor).toBe(true);
        } else {
          // Not a safe integer only when the exact ratio is past what a double holds exactly.
          expect(twice >= (2n * BigInt(Number.MAX_SAFE_INTEGER) + 1n) * divisor).toBe(true);
        }
      }),
    );
  });

  it('is the exact product without a divisor, and grows with either amount', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: maxMoneyCents }), fc.integer({ min: 1, max: 10_000 }), (units, cents, divisor) => {
        expect(centsHalfUp(units, cents)).toBe(units * cents);
        expect(centsHalfUp(units + 1, cents, divisor)).toBeGreaterThanOrEqual(centsHalfUp(units, cents, divisor));
      }),
    );
  });

  it('rounds a half up, not to even, and never through a binary fraction', () => {
    // 11 minutes at 100.50/h is 18.425: 18.43 (hours as a double gave 18.42).
    expect([centsHalfUp(11, 10_050, 60), Math.round((11 / 60) * 10_050)]).toEqual([1_843, 1_842]);
    expect([centsHalfUp(1, 5, 10), centsHalfUp(1, 15, 10), centsHalfUp(1, 25, 10), centsHalfUp(1, 4, 10)]).toEqual([1, 2, 3, 0]);
  });

  it('says when the result is past what a double holds exactly, and refuses what is not money arithmetic', () => {
    expect(Number.isSafeInteger(centsHalfUp(maxMoneyCents, 1_000_000))).toBe(false);
    expect(() => centsHalfUp(1, 1, 0)).toThrow(RangeError);
    expect(() => centsHalfUp(-1, 1)).toThrow(RangeError);
  });

  it('names the field of bad input, under the subclass\'s own name', () => {
    class QuoteError extends MoneyInputError {}
    const error = new QuoteError('lines[0].quantity', 'must be positive');
    expect([error.field, error.message, error.name, error instanceof MoneyInputError]).toEqual(['lines[0].quantity', 'lines[0].quantity: must be positive', 'QuoteError', true]);
  });
});
