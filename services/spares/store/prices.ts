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

export async function unitCostCents(store: SparesStore, parts: { findById(id: string): { lean(): Promise<{ listPrice: number } | null> } }, list: PriceList | null, partNumber: string): Promise<number> {
  const priced = list?.parts[partNumber]?.listPriceCents;
  if (priced !== undefined) return priced;
  const part = await parts.findById(partNumber).lean();
  return part ? Math.round(part.listPrice * 100) : 0;
}
