import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ConflictError, defineRoute, UnprocessableError, type RouteSpec } from '@aftersales/platform';
import { locationKinds } from '../domain/stock';
import { by, id, quantity, readers, type SparesDeps } from './common';
import { arrivalView, itemsOf, locationView, stockLevelView, transferView } from './responses';

export function stockRoutes({ store, models, book }: SparesDeps): RouteSpec[] {
  return [
    defineRoute({
      method: 'put',
      path: '/v1/locations/:id',
      summary: 'Create or change a stock location: the central warehouse, a regional one, or an engineer\u2019s van',
      tags: ['stock'],
      roles: ['spares', 'platform'],
      params: z.object({ id }),
      body: z.object({ kind: z.enum(locationKinds), name: z.string().trim().min(1).max(200), engineerId: id.nullable().optional() }).strict(),
      responses: { 200: { description: 'The location', schema: locationView, links: { getStock: { operationId: 'getStock', parameters: { location: '$response.body#/id' } } } } },
      handler: async ({ params, body }) => {
        // Spares learns engineers only from the work orders dispatch assigns them, so it cannot tell
        // whether an engineer exists: the id is held to the identifier rule, and only a van has one.
        if (body.kind === 'van' && !body.engineerId) throw new UnprocessableError('engineerId', 'a van belongs to an engineer');
        if (body.kind !== 'van' && body.engineerId) throw new UnprocessableError('engineerId', `only a van belongs to an engineer, not a ${body.kind} location`);
        const doc = { _id: params.id, kind: body.kind, name: body.name, engineerId: body.engineerId ?? null };
        await store.locations.replaceOne({ _id: params.id }, doc, { upsert: true });
        // Reservations here go by a copy of the locations: read again at once (other processes' within a second).
        book.locationsChanged();
        return { status: 200, body: { id: doc._id, kind: doc.kind, name: doc.name, engineerId: doc.engineerId } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/locations',
      summary: 'Stock locations',
      tags: ['stock'],
      roles: readers,
      responses: { 200: { description: 'All locations', schema: itemsOf(locationView) } },
      // A null field stored by an upsert's $setOnInsert comes back missing on FerretDB v1 (the demo
      // locations): answered as the null it is.
      handler: async () => ({ status: 200, body: { items: (await store.locations.find({}).sort({ _id: 1 }).toArray()).map(({ _id, ...l }) => ({ id: _id, ...l, engineerId: l.engineerId ?? null })) } }),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/stock/receipts',
      summary: 'Goods received at a location: new numbered units of the part',
      tags: ['stock'],
      roles: ['spares', 'platform'],
      body: z.object({ partNumber: id, locationId: id, quantity }).strict(),
      responses: { 201: { description: 'The stock level of the part at the location after the receipt', schema: stockLevelView } },
      handler: async ({ body, principal }) => {
        if (!(await models.parts.exists({ _id: body.partNumber }))) throw new UnprocessableError('partNumber', `unknown part ${body.partNumber}`);
        if (!(await store.locations.findOne({ _id: body.locationId }))) throw new UnprocessableError('locationId', `unknown location ${body.locationId}`);
        await book.receive(body.partNumber, body.locationId, body.quantity, by(principal));
        const [level] = await book.levels({ partNumber: body.partNumber, locationId: body.locationId });
        return { status: 201, body: level };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/stock/transfers',
      summary: 'Ship units from one location to another (e.g. a regional warehouse restocking a van); in transit until they arrive',
      tags: ['stock'],
      roles: ['spares', 'platform'],
      body: z.object({ partNumber: id, fromLocationId: id, toLocationId: id, quantity }).strict(),
      responses: { 201: { description: 'Shipped', schema: transferView, links: { arrive: { operationId: 'postStockTransfersByIdArrival', parameters: { id: '$response.body#/id' } } } }, 409: { description: 'Not enough available at the origin' } },
      handler: async ({ body, principal }) => {
        if (!(await models.parts.exists({ _id: body.partNumber }))) throw new UnprocessableError('partNumber', `unknown part ${body.partNumber}`);
        for (const field of ['fromLocationId', 'toLocationId'] as const) {
          if (!(await store.locations.findOne({ _id: body[field] }))) throw new UnprocessableError(field, `unknown location ${body[field]}`);
        }
        if (body.fromLocationId === body.toLocationId) throw new UnprocessableError('toLocationId', 'must differ from fromLocationId');
        const transferId = `TRF-${randomUUID()}`;
        await book.ship(transferId, body.partNumber, body.fromLocationId, body.toLocationId, body.quantity, by(principal));
        return { status: 201, body: { id: transferId, ...body } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/stock/transfers/:id/arrival',
      summary: 'The transfer arrived: its units join the destination\u2019s stock',
      tags: ['stock'],
      roles: ['spares', 'engineer', 'platform'],
      params: z.object({ id }),
      responses: { 200: { description: 'Received', schema: arrivalView }, 409: { description: 'Arrived before' } },
      handler: async ({ params, principal }) => {
        if (!(await book.arrive(params.id, by(principal)))) throw new ConflictError(`transfer ${params.id} arrived before`, 'id');
        return { status: 200, body: { id: params.id, arrived: true } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/stock',
      summary: 'Stock per part and location: on hand, reserved, available, in transit',
      tags: ['stock'],
      roles: readers,
      query: z.object({ part: id.optional(), location: id.optional() }),
      responses: { 200: { description: 'Stock levels', schema: itemsOf(stockLevelView) } },
      handler: async ({ query }) => {
        const items = await book.levels({ ...(query.part ? { partNumber: query.part } : {}), ...(query.location ? { locationId: query.location } : {}) });
        return { status: 200, body: { items } };
      },
    }),
  ];
}
