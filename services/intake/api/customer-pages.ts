import { z } from 'zod';
import type { NamePlace } from '../store/customer-names';

/**
 * Where the next page of customers starts: the last customer of the page before, as the list is
 * sorted (A to Z by name, or by id for a name search and a dealer's list). Opaque to clients
 * (base64url JSON) so the sort can change without breaking a link; a page is keyset, not an
 * offset, so a customer created meanwhile shifts nothing already shown.
 */
export type CustomerPlace = { by: 'name'; place: NamePlace } | { by: 'id'; id: string };

export function placeToken(place: CustomerPlace): string {
  const plain = place.by === 'name' ? { n: place.place.name, i: place.place.id } : { i: place.id };
  return Buffer.from(JSON.stringify(plain)).toString('base64url');
}

const stored = z.strictObject({ n: z.string().min(1).max(200).optional(), i: z.string().min(1).max(200) });

/**
 * The place a token names, or null when the list did not answer it as `next`. The query takes any
 * string and the route answers 422 for one that is not a token: its OpenAPI document cannot say
 * what a token holds, and a well-formed value it refuses is unprocessable, not malformed.
 */
export function placeOf(token: string): CustomerPlace | null {
  try {
    const parsed = stored.safeParse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8')));
    if (!parsed.success) return null;
    const { n, i } = parsed.data;
    return n === undefined ? { by: 'id', id: i } : { by: 'name', place: { name: n, id: i } };
  } catch {
    return null;
  }
}
