import { z } from 'zod';
import { defineRoute, NotFoundError, type RouteSpec } from '@aftersales/platform';
import { rankKnownFixes } from '../domain/known-fixes';
import { knownFixCandidates } from '../store/known-fixes';
import type { IntakeModels, KnownFixDoc } from '../store/models';
import { entityId } from './common';
import { knownFixView } from './responses';
import { presentKnownFix } from './views';

const readers = ['agent', 'engineer', 'dispatcher', 'depot', 'manager', 'quality', 'auditor', 'dealer', 'platform'] as const;

export const knownFixQuery = z
  .strictObject({
    model: entityId.optional(),
    q: z.string().trim().min(2).max(500).optional(),
    limit: z.coerce.number().int().min(1).max(50).default(10),
  })
  .refine((query) => query.q !== undefined || query.model !== undefined, { path: ['q'], message: 'give symptom words (q), a model, or both' });

/** Known fixes while registering: intake's own copy of the knowledge base, fed by quality's article.published events. */
export function knownFixRoutes(models: IntakeModels): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/known-fixes',
      summary: 'Search known fixes by machine model and symptom words, best first',
      tags: ['known-fixes'],
      roles: readers,
      query: knownFixQuery,
      responses: { 200: { description: '{ items } with each score and the words that matched', links: { getFirst: { operationId: 'getKnownFixesById', parameters: { id: '$response.body#/items/0/id' } } }, schema: z.object({ items: z.array(knownFixView.extend({ score: z.number().nullable(), matched: z.array(z.string()) })) }) } },
      handler: async ({ query }) => {
        const candidates = await knownFixCandidates(models, query.model ?? null);
        if (!query.q) {
          // A model alone: its newest articles.
          const newest = candidates.map((c) => c.doc).sort((a, b) => b.publishedAt.getTime() - a.publishedAt.getTime()).slice(0, query.limit);
          return { status: 200, body: { items: newest.map((doc) => ({ ...presentKnownFix(doc), score: null, matched: [] })) } };
        }
        const hits = rankKnownFixes(candidates, { model: query.model ?? null, text: query.q });
        return { status: 200, body: { items: hits.slice(0, query.limit).map(({ article, score, matched }) => ({ ...presentKnownFix(article.doc), score, matched })) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/known-fixes/:id',
      summary: 'One known fix (the highest version intake has received)',
      tags: ['known-fixes'],
      roles: readers,
      params: z.object({ id: entityId }),
      responses: { 200: { description: 'The article', schema: knownFixView } },
      handler: async ({ params }) => {
        const doc = await models.knownFixes.findById(params.id).lean<KnownFixDoc>();
        if (!doc) throw new NotFoundError('known fix', params.id, 'id');
        return { status: 200, body: presentKnownFix(doc) };
      },
    }),
  ];
}
