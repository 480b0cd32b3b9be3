import { timeZonesNames } from '@vvo/tzdb';
import { z } from 'zod';

/**
 * The one rule for an id a caller sends, in a body, a query or a path: printable ASCII letters and
 * digits with "-", "_" and "." between them (CUST-0001, SN-0001-LS, WO-SR-20261124-6TXNXS-1,
 * 8D-FL-3015-NOZZLE-CRACK-1). No spaces, control or non-ASCII characters, so an id reads out on the
 * phone, prints on a label and needs no escaping in a URL. ":", "#", "/" and "|" stay out because
 * the stores build composite keys with them (`<engineer>|<slot>`, `<work order>#<version>`).
 * 128 characters fit the longest derived ids (an 8D's, its article's `KB-<8D id>`).
 */
export const identifierPattern = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const identifierMaxLength = 128;
const identifierRule = 'letters, digits, "-", "_" and "." only, starting with a letter or a digit';

export const identifier = z.string().min(1).max(identifierMaxLength).regex(identifierPattern, identifierRule);

/**
 * Names that would reach an object's prototype instead of a key of its own: JSON.parse keeps
 * `__proto__` as a key, but zod's record and spreading drop or misread it.
 */
export const reservedKeys: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * A key a caller chooses that is stored as a field name (a price list's part numbers, an 8D's
 * fishbone categories): an identifier without ".", which a database reads as a path, and never a
 * prototype's name.
 */
export const recordKey = identifier
  .regex(/^[^.]*$/, 'no "." in a key: the database reads it as a path')
  .refine((key) => !reservedKeys.has(key), { message: 'a reserved name (__proto__, constructor, prototype)' });

/**
 * Refuses reserved names among an object's keys before `schema` sees it: zod's records skip
 * `__proto__` silently. The issue names the key, e.g. `parts.__proto__`.
 */
export function withoutReservedKeys<S extends z.ZodType>(schema: S) {
  return z.preprocess((input, ctx) => {
    if (input !== null && typeof input === 'object') {
      for (const key of Object.keys(input)) {
        if (reservedKeys.has(key)) ctx.addIssue({ code: 'custom', path: [key], message: `"${key}" is a reserved name, not a key`, input });
      }
    }
    return input;
  }, schema);
}

/** A record whose keys the caller chooses and the store keeps as field names. */
export function keyedRecord<V extends z.ZodType>(value: V) {
  return withoutReservedKeys(z.record(recordKey, value));
}

/**
 * The IANA time zones a caller may name: the database's current names (@vvo/tzdb, kept up to date
 * with each tzdata release), the names this runtime's ICU lists (some older, e.g. Asia/Calcutta),
 * and UTC; each one the runtime can use. One enum, so the API document lists exactly what is
 * accepted; a zone the runtime cannot use would move every local deadline.
 */
function usable(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
export const timeZoneNames: readonly [string, ...string[]] = ['UTC', ...[...new Set([...timeZonesNames, ...Intl.supportedValuesOf('timeZone')])].filter((zone) => zone !== 'UTC' && usable(zone)).sort()];
export const timeZone = z.enum(timeZoneNames, { message: 'an IANA time zone such as Asia/Shanghai' });

/**
 * An e-mail address a caller sends: the shape zod checks, at most 254 characters, and at most 64
 * before the "@" (RFC 5321), which a mail server would refuse later, after the record was kept.
 */
export const emailAddress = z
  .email()
  .max(254)
  .refine((address) => address.slice(0, address.lastIndexOf('@')).length <= 64, 'at most 64 characters before the "@"');
