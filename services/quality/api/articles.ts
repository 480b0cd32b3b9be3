import { z } from 'zod';
import { defineRoute, NotFoundError, type RouteSpec } from '@aftersales/platform';
import { rankArticles } from '../domain/known-fix-search';
import type { ArticleDoc, QualityModels } from '../store/models';

function present({ _id, ...rest }: ArticleDoc) {
  return { id: _id, ...rest };
}

const readers = ['quality', 'agent', 'engineer', 'dispatcher', 'manager', 'auditor', 'dealer', 'platform'] as const;

export function articleRoutes(models: QualityModels): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/articles',
      summary: 'Search known fixes by model and symptom words',
      tags: ['knowledge-base'],
      roles: readers,
      query: z.object({ q: z.string().trim().min(2).max(500), model: z.string().trim().min(1).max(64).optional() }),
      responses: { 200: { description: 'Matching articles, best first, with the words that matched' } },
      handler: async ({ query }) => {
        // The knowledge base is small next to the requests it serves; rank in memory on the candidate set.
        const candidates = await models.articles.find(query.model ? { models: query.model } : {}).limit(2000).lean();
        const hits = rankArticles(candidates.map((a) => ({ ...a, id: a._id })), { text: query.q, ...(query.model ? { model: query.model } : {}) });
        return { status: 200, body: { items: hits.slice(0, 20).map(({ article, score, matched }) => ({ ...present(article), score, matched })) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/articles/:id',
      summary: 'One knowledge-base article',
      tags: ['knowledge-base'],
      roles: readers,
      params: z.object({ id: z.string().min(1).max(64) }),
      responses: { 200: { description: 'The article' } },
      handler: async ({ params }) => {
        const article = await models.articles.findById(params.id).lean();
        if (!article) throw new NotFoundError('article', params.id, 'id');
        return { status: 200, body: present(article) };
      },
    }),
  ];
}
