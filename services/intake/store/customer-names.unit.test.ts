import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nameKey, namePattern } from './customer-names';

/** Letters whose cases the desk types: ASCII, German, Nordic, Czech, Chinese, and a space and punctuation. */
const letter = fc.constantFrom(...'aAbBmMzZüÜöÖøØšŠéÉßçÇ江南 .-&1'.split(''));
const text = (min: number, max: number) => fc.array(letter, { minLength: min, maxLength: max }).map((l) => l.join(''));

describe('customer name keys', () => {
  it('puts every name a prefix matches in a bucket whose key starts with the prefix key', () => {
    fc.assert(
      fc.property(text(1, 12), text(1, 4), (name, prefix) => {
        if (!namePattern(prefix).test(name)) return;
        const key = nameKey(prefix);
        // Two characters or more: the one bucket; fewer: the buckets listed under the first character.
        if (Array.from(key).length >= 2) expect(nameKey(name)).toBe(key);
        else expect(nameKey(name).startsWith(key)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('matches a prefix literally, in any case', () => {
    expect(namePattern('a.b').test('A.B Tools')).toBe(true);
    expect(namePattern('a.b').test('AxB Tools')).toBe(false);
    expect(namePattern('(x').test('(X) Ltd')).toBe(true);
    expect(namePattern('müller').test('Müller Werkzeugbau')).toBe(true);
    expect(nameKey('Müller Werkzeugbau')).toBe('mü');
    expect(nameKey('江南精密')).toBe('江南');
    expect(nameKey('A')).toBe('a');
  });
});
