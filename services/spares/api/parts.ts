import { z } from 'zod';
import { defineRoute, identifier, NotFoundError, UnprocessableError, type RouteSpec } from '@aftersales/platform';
import { bomTree } from '../domain/bom';
import { currentPartNumber } from '../domain/supersession';
import { maxMoneyCents } from '../domain/money';
import type { ModelParts } from '../store/model-parts';
import type { PartDoc, SparesModels } from '../store/models';
import { currency } from './common';
import { bomView, itemsOf, partView, partWithCurrent } from './responses';

/**
 * A part as answered: fields older parts lack, and nulls an upsert's $setOnInsert stored (FerretDB
 * v1 drops them: the demo parts), answered as their defaults.
 */
function present({ _id, ...rest }: PartDoc) {
  return { partNumber: _id, ...rest, supersededBy: rest.supersededBy ?? null, consumable: rest.consumable ?? false, category: rest.category ?? null, parentParts: rest.parentParts ?? [], supplierId: rest.supplierId ?? null };
}

const readers = ['spares', 'engineer', 'dispatcher', 'agent', 'finance', 'manager', 'auditor', 'dealer', 'platform'] as const;

export function partRoutes(models: SparesModels, modelParts: ModelParts): RouteSpec[] {
  return [
    defineRoute({
      method: 'put',
      path: '/v1/parts/:partNumber',
      summary: 'Create or change a part: the models it fits, what supersedes it, its list price and supplier',
      tags: ['parts'],
      roles: ['spares', 'platform'],
      params: z.object({ partNumber: identifier }),
      body: z
        .object({
          description: z.string().trim().min(1).max(500),
          fitsModels: z.array(identifier).max(200),
          supersededBy: identifier.nullable().default(null),
          // In the currency's units (costs round it to cents), up to the same ceiling as every amount.
          listPrice: z.number().nonnegative().max(maxMoneyCents / 100),
          currency,
          consumable: z.boolean().default(false),
          category: z.string().trim().min(1).max(64).nullable().default(null),
          supplierId: identifier.nullable().default(null),
          parentParts: z.array(identifier).max(20).default([]),
        })
        .strict(),
      responses: { 200: { description: 'The part', schema: partView, links: { getPart: { operationId: 'getPartsByPartNumber', parameters: { partNumber: '$response.body#/partNumber' } }, getFittingParts: { operationId: 'getParts', parameters: { model: '$response.body#/fitsModels/0' } } } } },
      handler: async ({ params, body }) => {
        if (body.supersededBy === params.partNumber) throw new UnprocessableError('supersededBy', 'a part cannot supersede itself');
        if (body.supersededBy && !(await models.parts.exists({ _id: body.supersededBy }))) throw new UnprocessableError('supersededBy', `unknown part ${body.supersededBy}`);
        // Listed under its new models first, off the ones it left after (store/model-parts.ts).
        await modelParts.put(params.partNumber, body.fitsModels, () => models.parts.replaceOne({ _id: params.partNumber }, { _id: params.partNumber, ...body }, { upsert: true }));
        return { status: 200, body: present((await models.parts.findById(params.partNumber).lean())!) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/parts',
      summary: 'Parts that fit a model',
      tags: ['parts'],
      roles: readers,
      query: z.object({ model: identifier }),
      responses: { 200: { description: 'Parts fitting the model', schema: itemsOf(partView) } },
      handler: async ({ query }) => {
        // From the model's list by `_id` (store/model-parts.ts), in part-number order.
        const parts = await modelParts.of(query.model);
        return { status: 200, body: { items: parts.map(present) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/bom',
      summary: 'A model\u2019s bill of materials: its parts under the assemblies they go into',
      tags: ['parts'],
      roles: readers,
      query: z.object({ model: identifier }),
      responses: { 200: { description: 'The BOM tree', schema: bomView } },
      handler: async ({ query }) => {
        const parts = await modelParts.of(query.model);
        const tree = bomTree(parts.map((p) => ({ partNumber: p._id, description: p.description, parentParts: p.parentParts ?? [] })));
        return { status: 200, body: { model: query.model, items: tree } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/parts/:partNumber',
      summary: 'One part, with the part that replaces it in the field now',
      tags: ['parts'],
      roles: readers,
      params: z.object({ partNumber: identifier }),
      responses: { 200: { description: 'The part and its current replacement', schema: partWithCurrent } },
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
