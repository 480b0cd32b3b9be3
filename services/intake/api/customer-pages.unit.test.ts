import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { placeOf, placeToken, type CustomerPlace } from './customer-pages';

describe('customer list pages', () => {
  it('reads back every place it wrote, by name or by id', () => {
    const text = fc.string({ minLength: 1, maxLength: 200, unit: 'binary' });
    const place: fc.Arbitrary<CustomerPlace> = fc.oneof(
      fc.record({ by: fc.constant('name' as const), place: fc.record({ name: text, id: text }) }),
      fc.record({ by: fc.constant('id' as const), id: text }),
    );
    fc.assert(
      fc.property(place, (p) => {
        expect(placeOf(placeToken(p))).toEqual(p);
      }),
    );
  });

  it('names no place for what it did not write', () => {
    for (const token of ['', 'not base64 json', '0'.repeat(2000), Buffer.from('{"x":1}').toString('base64url'), Buffer.from('[]').toString('base64url'), Buffer.from('{"n":"A"}').toString('base64url')]) {
      expect(placeOf(token), token).toBeNull();
    }
  });
});
