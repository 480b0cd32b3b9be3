import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { defineRoute, isDuplicateKeyError, NotFoundError, type Platform, type Role, type RouteSpec } from '@aftersales/platform';
import type { DealerDoc, IntakeModels } from '../store/models';
import { callerScope, conflictField, customerContactSchema, entityId, limitQuery, shortId } from './common';
import { dealerView, itemsOf } from './responses';
import { presentDealer } from './views';

export const dealerBody = z.strictObject({
  id: entityId.optional(),
  name: z.string().trim().min(1).max(200),
  region: z.string().trim().min(1).max(100).nullable().optional(),
  contacts: z.array(customerContactSchema.omit({ siteId: true })).max(50).default([]),
});

const writers = ['manager', 'platform'] as const satisfies readonly Role[];
const readers = ['agent', 'dispatcher', 'manager', 'auditor', 'finance', 'platform', 'dealer'] as const satisfies readonly Role[];

/** Dealers that serve indirect customers. A dealer sees its own entry only. */
export function dealerRoutes(platform: Platform, models: IntakeModels): RouteSpec[] {
  return [
    defineRoute({
      method: 'post',
      path: '/v1/dealers',
      summary: 'Register a dealer',
      tags: ['dealers'],
      roles: writers,
      body: dealerBody,
      responses: { 201: { description: 'The dealer', schema: dealerView, links: { getDealer: { operationId: 'getDealersById', parameters: { id: '$response.body#/id' } }, listCustomers: { operationId: 'getCustomers', parameters: { dealerId: '$response.body#/id' } } } } },
      handler: async ({ body, principal }) => {
        const doc: DealerDoc = {
          _id: body.id ?? shortId('DLR', randomBytes(8)),
          name: body.name,
          region: body.region ?? null,
          contacts: body.contacts,
          createdAt: platform.now(),
          createdBy: principal!.sub,
        };
        try {
          await models.dealers.collection.insertOne(doc as never);
        } catch (error) {
          if (isDuplicateKeyError(error)) throw conflictField('id', `a dealer ${doc._id} already exists`);
          throw error;
        }
        return { status: 201, body: presentDealer(doc), headers: { location: `/v1/dealers/${doc._id}` } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/dealers',
      summary: 'Dealers (a dealer: itself)',
      tags: ['dealers'],
      roles: readers,
      query: z.strictObject({ limit: limitQuery }),
      responses: { 200: { description: '{ items }', schema: itemsOf(dealerView) } },
      handler: async ({ query, principal }) => {
        const scope = callerScope(principal, readers);
        const filter = scope.kind === 'dealer' ? { _id: scope.dealerId } : {};
        const docs = await models.dealers.find(filter).sort({ _id: 1 }).limit(query.limit).lean<DealerDoc[]>();
        return { status: 200, body: { items: docs.map(presentDealer) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/dealers/:id',
      summary: 'One dealer',
      tags: ['dealers'],
      roles: readers,
      params: z.object({ id: entityId }),
      responses: { 200: { description: 'The dealer', schema: dealerView } },
      handler: async ({ params, principal }) => {
        const scope = callerScope(principal, readers);
        const doc = scope.kind === 'dealer' && scope.dealerId !== params.id ? null : await models.dealers.findById(params.id).lean<DealerDoc>();
        if (!doc) throw new NotFoundError('dealer', params.id, 'id');
        return { status: 200, body: presentDealer(doc) };
      },
    }),
  ];
}
