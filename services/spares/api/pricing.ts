import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ConflictError, defineRoute, ForbiddenError, isDuplicateKeyError, keyedRecord, NotFoundError, UnprocessableError, type Principal, type RouteSpec } from '@aftersales/platform';
import { priceQuote, PricingError } from '../domain/pricing';
import { createCaseLists } from '../store/case-lists';
import { createGuardedWrites } from '../store/guarded-writes';
import { withEvent } from '../store/events';
import { defaultPriceListId, loadPriceList, toPriceList } from '../store/prices';
import type { QuoteDoc } from '../store/collections';
import { quotesOf } from '../store/quotes';
import { by, causeFrom, cents, currency, id, partLines, readers, type SparesDeps } from './common';
import { itemsOf, priceListView, quoteView } from './responses';

const priceListBody = z
  .object({
    currency,
    labourRateCentsPerHour: cents,
    travelCentsPerTrip: cents,
    // Part numbers are the keys of the stored document, so they follow the record-key rule.
    parts: keyedRecord(
      z.object({ listPriceCents: cents, minimumPriceCents: cents, quantityBreaks: z.array(z.object({ minQuantity: z.number().int().positive(), discountBasisPoints: z.number().int().min(0).max(10_000) })).max(20).optional() }),
    ),
  })
  .strict();

/** From a quote to reading and answering it. */
const toQuote = {
  getQuote: { operationId: 'getQuotesById', parameters: { id: '$response.body#/id' } },
  answer: { operationId: 'postQuotesByIdAnswer', parameters: { id: '$response.body#/id' } },
};

/** Who answers a quote for the customer; a dealer only for its own customers' cases. */
const answerers = ['agent', 'spares', 'dealer'] as const;

export function pricingRoutes(deps: SparesDeps): RouteSpec[] {
  const { store, platform } = deps;
  const lists = createCaseLists(store);
  const guarded = createGuardedWrites(store, () => platform.now());
  /**
   * Whether the caller may act on the request's quotes: anyone answering for the company may; a
   * dealer only when the case (from intake's registered event) names its dealer; another's is told
   * 404, not 403, so its quotes are not even confirmed to exist. A dealer token without the claim
   * is refused as intake refuses it (403): it must never fall back to reaching everything.
   */
  const reaches = async (principal: Principal | null, requestId: string): Promise<boolean> => {
    if (!principal) return false;
    if (principal.roles.some((role) => role !== 'dealer' && (answerers as readonly string[]).includes(role))) return true;
    if (!principal.dealerId) throw new ForbiddenError('a dealer token needs a dealerId claim', 'authorization');
    const owner = await store.cases.findOne({ _id: requestId }, { projection: { dealerId: 1 } });
    return owner?.dealerId === principal.dealerId;
  };
  /** `read`: the quote as the caller has just read it, without its outbox. */
  const presentQuote = async (quoteId: string, read?: QuoteDoc) => {
    const [quote, answer] = await Promise.all([read ?? store.quotes.findOne({ _id: quoteId }, { projection: { outbox: 0, outboxDueAt: 0 } }), store.quoteAnswers.findOne({ _id: quoteId }, { projection: { outbox: 0, outboxDueAt: 0 } })]);
    if (!quote) return null;
    const { _id, ...rest } = quote;
    const status = answer ? (answer.accepted ? 'accepted' : 'declined') : quote.validUntil < platform.now() ? 'expired' : 'issued';
    return { id: _id, ...rest, status, answer: answer ? { accepted: answer.accepted, reason: answer.reason, at: answer.at, by: answer.by } : null };
  };
  return [
    defineRoute({
      method: 'put',
      path: '/v1/price-lists/:id',
      summary: 'Set a price list: list and minimum prices, quantity discounts, labour and travel rates',
      tags: ['prices and quotes'],
      roles: ['spares', 'finance'],
      params: z.object({ id }),
      body: priceListBody,
      responses: { 200: { description: 'The price list', schema: priceListView } },
      handler: async ({ params, body }) => {
        for (const [partNumber, price] of Object.entries(body.parts)) {
          if (price.minimumPriceCents > price.listPriceCents) throw new UnprocessableError(`parts.${partNumber}.minimumPriceCents`, 'must not exceed the list price');
        }
        const doc = { _id: params.id, ...body, updatedAt: platform.now() };
        await store.priceLists.replaceOne({ _id: params.id }, doc, { upsert: true });
        return { status: 200, body: toPriceList(doc) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/price-lists',
      summary: 'Price lists',
      tags: ['prices and quotes'],
      roles: readers,
      responses: { 200: { description: 'All price lists', schema: itemsOf(priceListView) } },
      handler: async () => ({ status: 200, body: { items: (await store.priceLists.find({}).sort({ _id: 1 }).toArray()).map(toPriceList) } }),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/quotes',
      summary: 'Quote paid work for a request; the request waits on the customer until it is answered',
      tags: ['prices and quotes'],
      roles: ['spares', 'agent', 'dispatcher'],
      body: z
        .object({ requestId: id, workOrderId: id.nullable().optional(), priceListId: id.optional(), parts: partLines.or(z.array(z.never()).length(0)), labourHours: z.number().min(0).max(1000), trips: z.number().int().min(0).max(100), validDays: z.number().int().positive().max(365).default(30) })
        .strict(),
      responses: { 201: { description: 'Issued', schema: quoteView, links: toQuote }, 422: { description: 'Unknown request or part without a price' } },
      handler: async (ctx) => {
        const { body, principal } = ctx;
        if (!(await store.cases.findOne({ _id: body.requestId }, { projection: { _id: 1 } }))) throw new UnprocessableError('requestId', `service request ${body.requestId} is not known to spares (yet)`);
        const listId = body.priceListId ?? defaultPriceListId;
        const list = await loadPriceList(store, listId);
        if (!list) throw new UnprocessableError('priceListId', `no price list ${listId}`);
        let priced;
        try {
          priced = priceQuote(list, { parts: body.parts, labourHours: body.labourHours, trips: body.trips });
        } catch (error) {
          if (error instanceof PricingError) throw new UnprocessableError(error.field, error.message);
          throw error;
        }
        const issuedAt = platform.now();
        const validUntil = new Date(issuedAt.getTime() + body.validDays * 86_400_000);
        const quoteId = `Q-${randomUUID()}`;
        // Listed under the request first (a crash before the insert leaves an entry readers skip).
        await lists.add('quotes', body.requestId, [quoteId]);
        await store.quotes.insertOne({
          _id: quoteId,
          requestId: body.requestId,
          workOrderId: body.workOrderId ?? null,
          priceListId: listId,
          lines: priced.lines,
          totalCents: priced.totalCents,
          currency: priced.currency,
          validUntil,
          issuedAt,
          by: by(principal),
          ...withEvent(platform, 'quote.issued@1', body.requestId, { quoteId, requestId: body.requestId, workOrderId: body.workOrderId ?? null, totalCents: priced.totalCents, currency: priced.currency, validUntil: validUntil.toISOString(), issuedAt: issuedAt.toISOString() }, causeFrom(ctx)),
        });
        platform.nudgeOutbox();
        ctx.log.info({ quoteId, serviceRequestId: body.requestId, totalCents: priced.totalCents }, 'quote issued');
        return { status: 201, body: await presentQuote(quoteId) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/quotes',
      summary: 'Quotes of a request',
      tags: ['prices and quotes'],
      roles: readers,
      query: z.object({ requestId: id }),
      responses: { 200: { description: 'Quotes with their answers', schema: itemsOf(quoteView) } },
      handler: async ({ query }) => {
        const quotes = await quotesOf(store, query.requestId);
        return { status: 200, body: { items: (await Promise.all(quotes.map((q) => presentQuote(q._id, q)))).flatMap((q) => (q ? [q] : [])) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/quotes/:id',
      summary: 'One quote',
      tags: ['prices and quotes'],
      roles: readers,
      params: z.object({ id }),
      responses: { 200: { description: 'The quote', schema: quoteView, links: toQuote } },
      handler: async ({ params }) => {
        const quote = await presentQuote(params.id);
        if (!quote) throw new NotFoundError('quote', params.id, 'id');
        return { status: 200, body: quote };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/quotes/:id/answer',
      summary: 'The customer accepts or declines the quote (once), before work starts',
      tags: ['prices and quotes'],
      roles: answerers,
      params: z.object({ id }),
      body: z.object({ accepted: z.boolean(), reason: z.string().trim().min(1).max(2000).optional() }).strict(),
      responses: { 200: { description: 'Answered', schema: quoteView, links: { getQuote: toQuote.getQuote } }, 409: { description: 'Already answered, or expired' } },
      handler: async (ctx) => {
        const quote = await store.quotes.findOne({ _id: ctx.params.id });
        if (!quote || !(await reaches(ctx.principal, quote.requestId))) throw new NotFoundError('quote', ctx.params.id, 'id');
        const at = platform.now();
        if (quote.validUntil < at) throw new ConflictError(`quote ${quote._id} expired at ${quote.validUntil.toISOString()}`, 'id');
        const base = { quoteId: quote._id, requestId: quote.requestId, workOrderId: quote.workOrderId };
        const event = ctx.body.accepted
          ? withEvent(platform, 'quote.accepted@1', quote.requestId, { ...base, acceptedAt: at.toISOString(), by: by(ctx.principal) }, causeFrom(ctx))
          : withEvent(platform, 'quote.declined@1', quote.requestId, { ...base, declinedAt: at.toISOString(), by: by(ctx.principal), ...(ctx.body.reason ? { reason: ctx.body.reason } : {}) }, causeFrom(ctx));
        try {
          // The unique key is the quote: accepted and declined at once cannot both be stored.
          await store.quoteAnswers.insertOne({ _id: quote._id, requestId: quote.requestId, accepted: ctx.body.accepted, reason: ctx.body.reason ?? null, at, by: by(ctx.principal), ...event });
        } catch (error) {
          if (isDuplicateKeyError(error)) throw new ConflictError(`quote ${quote._id} was already answered`, 'id');
          throw error;
        }
        platform.nudgeOutbox();
        // Paid work may go ahead from here: parts can be reserved for the case.
        // The first basis stays (an override at dispatch may have set it).
        if (ctx.body.accepted) await guarded.setIf(store.cases, quote.requestId, (c) => !c.paidWork, { paidWork: { basis: 'quote-accepted', quoteId: quote._id, at } });
        return { status: 200, body: await presentQuote(quote._id) };
      },
    }),
  ];
}
