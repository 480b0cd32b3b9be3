import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { firstIssue } from './http/app';
import { identifier, identifierMaxLength, keyedRecord, recordKey, withoutReservedKeys } from './identifiers';

const idChar = fc.constantFrom(...'ABCXYZabcxyz0123456789-_.'.split(''));
const alnum = fc.constantFrom(...'AZaz09'.split(''));

describe('identifier', () => {
  it.each(['CUST-0001', 'SN-0001-LS', 'WO-SR-20261124-6TXNXS-1', '8D-FL-3015-NOZZLE-CRACK-1', 'KB-8D-LC-3015-WORN-SEAL-2', 'Q-3f0c2a8e-1b2c-4d5e-8f90-0a1b2c3d4e5f', 'x', 'B1', 'default', 'fiber-laser-cutting', 'P-NOZZLE-15', 'ACME.SH'])('accepts %s', (id) => {
    expect(identifier.safeParse(id).success).toBe(true);
  });

  it.each([
    ['', 'empty'],
    [' SN-1', 'a leading space'],
    ['SN 1', 'a space'],
    ['SN-1\u0000', 'a NUL'],
    ['SN-1\n', 'a control character'],
    ['SN-\u{1F600}', 'an astral-plane character'],
    ['SN-\u00e9', 'a non-ASCII letter'],
    ['-SN', 'a leading separator'],
    ['.', 'a dot alone'],
    ['$where', 'a leading $'],
    ['A|B', 'a composite-key separator'],
    ['A/B', 'a slash'],
    ['x'.repeat(identifierMaxLength + 1), 'too long'],
  ])('refuses %j (%s)', (id) => {
    expect(identifier.safeParse(id).success).toBe(false);
  });

  it('accepts exactly the strings of its alphabet that start with a letter or digit, up to the maximum length', () => {
    fc.assert(
      fc.property(alnum, fc.array(idChar, { maxLength: identifierMaxLength - 1 }), (first, rest) => {
        expect(identifier.safeParse(first + rest.join('')).success).toBe(true);
      }),
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }), (s) => {
        const ok = identifier.safeParse(s).success;
        expect(ok).toBe(/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(s));
        // An accepted id is printable ASCII and never starts a Mongo operator or reaches a prototype.
        if (ok) expect(/^[\x21-\x7e]+$/.test(s) && !s.startsWith('$') && !s.startsWith('_')).toBe(true);
      }),
    );
  });
});

describe('record keys', () => {
  const parts = z.object({ parts: keyedRecord(z.number()) });
  const fieldOf = (json: string) => {
    const result = parts.safeParse(JSON.parse(json));
    return result.success ? null : firstIssue(result.error);
  };

  it('accepts identifiers without a dot', () => {
    expect(parts.parse({ parts: { 'P-NOZZLE-15': 1, P_LENS_B: 2 } })).toEqual({ parts: { 'P-NOZZLE-15': 1, P_LENS_B: 2 } });
  });

  it.each([
    ['{"parts":{"a.b":1}}', 'parts.a.b', /"\."/],
    ['{"parts":{"$set":1}}', 'parts.$set', /letters, digits/],
    ['{"parts":{"a\\u0000b":1}}', 'parts.a\u0000b', /letters, digits/],
    ['{"parts":{"__proto__":1,"P-1":2}}', 'parts.__proto__', /reserved/],
    ['{"parts":{"constructor":1}}', 'parts.constructor', /reserved/],
    ['{"parts":{"prototype":1}}', 'parts.prototype', /reserved/],
  ])('refuses the key of %s naming %j', (json, path, message) => {
    expect(fieldOf(json)).toMatchObject({ path, message: expect.stringMatching(message) });
  });

  it('refuses a reserved name before a record with fixed keys drops it', () => {
    const owners = withoutReservedKeys(z.partialRecord(z.enum(['D3', 'D4']), z.string()));
    const result = owners.safeParse(JSON.parse('{"D3":"li","__proto__":"x"}'));
    expect(result.success ? null : firstIssue(result.error).path).toBe('__proto__');
    expect(owners.parse({ D3: 'li' })).toEqual({ D3: 'li' });
  });

  it('never lets a key through that a database or a prototype would misread', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'prototype', 'a.b', '$x')), fc.integer()), (record) => {
        const result = keyedRecord(z.number()).safeParse(JSON.parse(JSON.stringify(record)));
        if (!result.success) return;
        for (const key of Object.keys(result.data)) {
          expect(recordKey.safeParse(key).success).toBe(true);
          expect(key.includes('.') || key.startsWith('$') || ['__proto__', 'constructor', 'prototype'].includes(key)).toBe(false);
        }
      }),
    );
  });
});
