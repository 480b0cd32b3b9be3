import { z } from 'zod';
import { defineRoute, NotFoundError, type RouteSpec } from '@aftersales/platform';
import { currentPartNumber } from '../domain/supersession';
import type { PartDoc, SparesModels } from '../store/models';

function present({ _id, ...rest }: PartDoc) {
  return { partNumber: _id, ...rest };
}

const readers = ['spares', 'engineer', 'dispatcher', 'agent', 'finance', 'manager', 'auditor', 'dealer', 'platform'] as const;

export function partRoutes(models: SparesModels): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/parts',
      summary: 'Parts that fit a model',
      tags: ['parts'],
      roles: readers,
      query: z.object({ model: z.string().trim().min(1).max(64) }),
      responses: { 200: { description: 'Parts fitting the model' } },
      handler: async ({ query }) => {
        const parts = await models.parts.find({ fitsModels: query.model }).sort({ _id: 1 }).lean();
        return { status: 200, body: { items: parts.map(present) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/parts/:partNumber',
      summary: 'One part, with the part that replaces it in the field now',
      tags: ['parts'],
      roles: readers,
      params: z.object({ partNumber: z.string().min(1).max(64) }),
      responses: { 200: { description: 'The part and its current replacement' } },
      handler: async ({ params }) => {
        const part = await models.parts.findById(params.partNumber).lean();
        if (!part) throw new NotFoundError('part', params.partNumber, 'partNumber');
        // The chain is short (a handful of generations): load it link by link.
        const links = new Map<string, string | null>([[part._id, part.supersededBy]]);
        let next = part.supersededBy;
        while (next && !links.has(next)) {
          const successor = await models.parts.findById(next, { supersededBy: 1 }).lean();
          links.set(next, successor?.supersededBy ?? null);
          next = successor?.supersededBy ?? null;
        }
        const current = currentPartNumber(part._id, (p) => links.get(p));
        return { status: 200, body: { ...present(part), current } };
      },
    }),
  ];
}
