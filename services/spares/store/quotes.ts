import { createCaseLists } from './case-lists';
import type { QuoteDoc, SparesStore } from './collections';

/**
 * A request's quotes, by `_id` from the request's list (a filter by request read every quote
 * ever issued on FerretDB v1), oldest first, without their outbox.
 */
export async function quotesOf(store: Pick<SparesStore, 'caseLists' | 'quotes'>, requestId: string): Promise<QuoteDoc[]> {
  const { docs } = await createCaseLists(store).docsOf(store.quotes, 'quotes', requestId, undefined, { outbox: 0, outboxDueAt: 0 });
  return docs.sort((a, b) => a.issuedAt.getTime() - b.issuedAt.getTime());
}

/** Whether the customer accepted one of the request's quotes: each answer by `_id` (a quote is answered once, keyed by the quote). */
export async function quoteAccepted(store: Pick<SparesStore, 'caseLists' | 'quoteAnswers'>, requestId: string): Promise<boolean> {
  const { ids } = await createCaseLists(store).read('quotes', requestId);
  const answers = await Promise.all(ids.map((_id) => store.quoteAnswers.findOne({ _id }, { projection: { accepted: 1 } })));
  return answers.some((a) => a?.accepted === true);
}
