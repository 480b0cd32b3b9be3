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

/** The `after` query parameter: a token `next` answered; anything else is a 400 naming `after`. */
export const afterQuery = z
  .string()
  .max(2000)
  .transform((token, ctx): CustomerPlace => {
    let parsed: z.ZodSafeParseResult<z.infer<typeof stored>> | null = null;
    try {
      parsed = stored.safeParse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8')));
    } catch {
      parsed = null;
    }
    if (!parsed?.success) {
      ctx.addIssue({ code: 'custom', message: 'not a token this list answered as next' });
      return z.NEVER;
    }
    const { n, i } = parsed.data;
    return n === undefined ? { by: 'id', id: i } : { by: 'name', place: { name: n, id: i } };
  });
