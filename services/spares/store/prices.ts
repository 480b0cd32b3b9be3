import type { PriceList } from '../domain/pricing';
import type { PriceListDoc, SparesStore } from './collections';

export const defaultPriceListId = 'default';

export function toPriceList(doc: PriceListDoc): PriceList {
  const { _id, updatedAt: _u, ...rest } = doc;
  return { id: _id, ...rest };
}

/** The price list costs and quotes use unless one is named; parts missing from it fall back to their catalogue list price. */
export async function loadPriceList(store: SparesStore, id = defaultPriceListId): Promise<PriceList | null> {
  const doc = await store.priceLists.findOne({ _id: id });
  return doc ? toPriceList(doc) : null;
}

/** A catalogue list price in cents (0 for a part not catalogued). */
const catalogueCents = (part: { listPrice: number } | null) => (part ? Math.round(part.listPrice * 100) : 0);

export async function unitCostCents(store: SparesStore, parts: { findById(id: string): { lean(): Promise<{ listPrice: number } | null> } }, list: PriceList | null, partNumber: string): Promise<number> {
  return list?.parts[partNumber]?.listPriceCents ?? catalogueCents(await parts.findById(partNumber).lean());
}

/** A part's unit cost from the price list, else its catalogue list price, for a caller that read the part already. */
export function unitCostOf(list: PriceList | null, partNumber: string, part: { listPrice: number } | null): number {
  return list?.parts[partNumber]?.listPriceCents ?? catalogueCents(part);
}
