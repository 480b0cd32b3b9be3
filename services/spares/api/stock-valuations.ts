import { z } from 'zod';
import { defineRoute, NotFoundError, UnprocessableError, type RouteSpec } from '@aftersales/platform';
import type { StockValuationDoc, StockValuations } from '../store/valuations';
import { id, readers, type SparesDeps } from './common';
import { stockValuationLinks, stockValuationView } from './responses';

/** A valuation as answered: the stored document without its counting cursors and outbox. */
function valuationOf(doc: StockValuationDoc) {
  return {
    id: doc._id,
    locationId: doc.locationId,
    day: doc.day,
    valuedAt: new Date(doc.valuedAt).toISOString(),
    previousValuedAt: doc.previousValuedAt ? new Date(doc.previousValuedAt).toISOString() : null,
    currency: doc.currency,
    valueCents: doc.valueCents,
    consumedCostCents: doc.consumedCostCents,
    lines: doc.lines.map(({ partNumber, onHand, inTransit, unitCostCents, valueCents, consumedUnits, consumedCostCents }) => ({ partNumber, onHand, inTransit, unitCostCents, valueCents, consumedUnits, consumedCostCents })),
    consumedBy: doc.consumedBy,
  };
}

/** Stock valued per location and day: the worker does it on a schedule, a manager on demand. */
export function stockValuationRoutes({ platform }: SparesDeps, valuations: StockValuations): RouteSpec[] {
  return [
    defineRoute({
      method: 'post',
      path: '/v1/stock-valuations',
      summary: 'Value stock now: every location (or the one named) at unit cost, with the cost consumed since its previous valuation; once per location and UTC day',
      tags: ['stock'],
      roles: ['manager'],
      body: z.object({ locationId: id.optional().describe('Only this location; default: every location') }).strict(),
      responses: {
        200: {
          description: 'The day\u2019s valuation of each location: `published` is false for one valued earlier today (the same valuation, no second fact)',
          schema: z.object({ day: z.iso.date(), items: z.array(stockValuationView.extend({ published: z.boolean() })) }),
          links: stockValuationLinks('$response.body#/items/0/id'),
        },
        422: { description: 'No such location' },
      },
      handler: async ({ body }) => {
        if (body.locationId && !(await valuations.knows(body.locationId))) throw new UnprocessableError('locationId', `unknown location ${body.locationId}`);
        const { day, outcomes } = await valuations.run(body.locationId);
        platform.nudgeOutbox();
        return { status: 200, body: { day, items: outcomes.map((o) => ({ ...valuationOf(o.valuation), published: o.published })) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/stock-valuations/:id',
      summary: 'One location\u2019s stock valuation of one day',
      tags: ['stock'],
      roles: readers,
      params: z.object({ id }),
      responses: { 200: { description: 'The valuation', schema: stockValuationView }, 404: { description: 'No such valuation' } },
      handler: async ({ params }) => {
        const doc = await valuations.read(params.id);
        if (!doc) throw new NotFoundError('stock valuation', params.id, 'id');
        return { status: 200, body: valuationOf(doc) };
      },
    }),
  ];
}
