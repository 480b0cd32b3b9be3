import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalHoursTimesRate, priceQuote, PricingError, unitPrice, type PriceList } from './pricing';

const list: PriceList = {
  id: 'default',
  currency: 'EUR',
  labourRateCentsPerHour: 9_000,
  travelCentsPerTrip: 12_000,
  parts: {
    'P-LENS-B': { listPriceCents: 21_000, minimumPriceCents: 18_000, quantityBreaks: [{ minQuantity: 5, discountBasisPoints: 1000 }, { minQuantity: 10, discountBasisPoints: 2000 }] },
    'P-NOZZLE-15': { listPriceCents: 1_200, minimumPriceCents: 900 },
  },
};

describe('prices', () => {
  it('charges the list price below the first quantity break', () => {
    expect(unitPrice(list.parts['P-LENS-B']!, 4)).toEqual({ unitPriceCents: 21_000, discountBasisPoints: 0, atMinimumPrice: false });
  });
  it('applies the deepest break reached', () => {
    expect(unitPrice(list.parts['P-LENS-B']!, 5).unitPriceCents).toBe(18_900);
  });
  it('never goes below the minimum price', () => {
    expect(unitPrice(list.parts['P-LENS-B']!, 10)).toEqual({ unitPriceCents: 18_000, discountBasisPoints: 2000, atMinimumPrice: true });
  });
  it('labour hours count as typed: 0.57 h at 100.50/h is 57.285, so 57.29, and more than four decimals is refused', () => {
    expect(decimalHoursTimesRate(0.57, 10_050)).toBe(5_729);
    expect(Math.round(0.57 * 10_050)).toBe(5_728); // the binary product this replaces
    expect(decimalHoursTimesRate(0, 10_050)).toBe(0);
    expect(() => decimalHoursTimesRate(0.12345, 10_050)).toThrow(/four decimal places/);
    expect(() => decimalHoursTimesRate(1e-7, 10_050)).toThrow(/four decimal places/);
  });

  it('labour is the typed decimal x rate rounded half up, for any hours and rate', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 100_000_000 }), (tenThousandths, rate) => {
        const hours = Number((tenThousandths / 10_000).toFixed(4));
        const cents = BigInt(decimalHoursTimesRate(hours, rate));
        // cents - 1/2 <= tenThousandths x rate / 10000 < cents + 1/2, in integers.
        const twice = 2n * BigInt(tenThousandths) * BigInt(rate);
        expect(20_000n * cents - 10_000n <= twice && twice < 20_000n * cents + 10_000n).toBe(true);
      }),
    );
  });

  it('prices a quote with parts, labour and travel', () => {
    const quote = priceQuote(list, { parts: [{ partNumber: 'P-NOZZLE-15', quantity: 2 }], labourHours: 1.5, trips: 1 });
    expect(quote.lines.map((l) => [l.kind, l.amountCents])).toEqual([
      ['part', 2_400],
      ['labour', 13_500],
      ['travel', 12_000],
    ]);
    expect(quote.totalCents).toBe(27_900);
  });
  it('names the line of a part without a price', () => {
    expect(() => priceQuote(list, { parts: [{ partNumber: 'P-UNKNOWN', quantity: 1 }], labourHours: 0, trips: 0 })).toThrow(PricingError);
    try {
      priceQuote(list, { parts: [{ partNumber: 'P-UNKNOWN', quantity: 1 }], labourHours: 0, trips: 0 });
    } catch (error) {
      expect((error as PricingError).field).toBe('parts[0].partNumber');
    }
  });
  it('a unit price is between the minimum and the list price at any quantity (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 1, max: 1000 }), (listCents, minShare, bps, qty) => {
        const minimum = Math.floor((listCents * minShare) / 10_000);
        const u = unitPrice({ listPriceCents: listCents, minimumPriceCents: minimum, quantityBreaks: [{ minQuantity: 2, discountBasisPoints: bps }] }, qty);
        expect(u.unitPriceCents).toBeGreaterThanOrEqual(minimum);
        expect(u.unitPriceCents).toBeLessThanOrEqual(listCents);
      }),
    );
  });
});
