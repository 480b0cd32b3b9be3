import { z } from 'zod';
import { buildEvent, topics } from '@aftersales/contracts';
import { ConflictError, defineRoute, identifier, UnprocessableError, isDuplicateKeyError, NotFoundError, insertWithOutbox, type Platform, type RouteSpec } from '@aftersales/platform';
import { articleFromCase, isRefusal } from '../domain/case-article';
import { failureRecordId } from '../domain/failure-records';
import { rankArticles } from '../domain/known-fix-search';
import { publishFirstVersion } from '../store/articles';
import { fromDoc } from '../store/failure-desk';
import type { ArticleDoc, ArticleVersionDoc, FailureRecordDoc, QualityModels } from '../store/models';
import { articleHitView, articleVersionView, articleView, caseArticleView, editedArticleView, itemsOf } from './responses';

function present({ _id, outbox: _o, outboxDueAt: _d, ...rest }: ArticleDoc) {
  return { id: _id, ...rest };
}

const field = (max: number) => z.string().trim().min(1).max(max);
const articleEdit = z.object({
  title: field(500),
  models: z.array(identifier).max(200),
  symptom: field(4000),
  cause: z.string().trim().max(4000),
  fix: field(8000),
  parts: z.array(identifier).max(200),
  /** The version the editor started from: an edit of a stale copy is refused. */
  baseVersion: z.number().int().positive(),
});

/** From an article to reading it, its versions, and editing it. */
const toArticle = {
  getArticle: { operationId: 'getArticlesById', parameters: { id: '$response.body#/id' } },
  getVersions: { operationId: 'getArticlesByIdVersions', parameters: { id: '$response.body#/id' } },
  edit: { operationId: 'putArticlesById', parameters: { id: '$response.body#/id' }, requestBody: { title: '$response.body#/title', models: '$response.body#/models', symptom: '$response.body#/symptom', cause: '$response.body#/cause', fix: '$response.body#/fix', parts: '$response.body#/parts', baseVersion: '$response.body#/version' } },
};

const readers = ['quality', 'agent', 'engineer', 'dispatcher', 'manager', 'auditor', 'dealer', 'platform'] as const;

/**
 * An article's versions, oldest first, read by `_id` (`<article>@<version>`, 8 at once) up to the
 * first missing one: a version goes in only as the next after the article's, so they have no gaps.
 * The filter by article read every version of every article on FerretDB v1.
 */
async function storedVersions(models: QualityModels, articleId: string): Promise<ArticleVersionDoc[]> {
  const versions: ArticleVersionDoc[] = [];
  for (let from = 1; ; from += 8) {
    const read = await Promise.all(Array.from({ length: 8 }, (_, i) => models.articleVersions.findById(`${articleId}@${from + i}`).lean<ArticleVersionDoc>()));
    const missing = read.indexOf(null);
    versions.push(...(read.slice(0, missing < 0 ? 8 : missing) as ArticleVersionDoc[]));
    if (missing >= 0) return versions;
  }
}

/** What a stored version holds of the article's text. */
function contentOf({ _id: _i, articleId: _a, version: _v, publishedAt: _p, eightDId: _e, editedBy: _b, requestId: _r, outbox: _o, outboxDueAt: _d, ...content }: ArticleVersionDoc & { requestId?: string }) {
  return content;
}

export function articleRoutes(platform: Platform, models: QualityModels): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/articles',
      summary: 'Search known fixes by model and symptom words',
      tags: ['knowledge-base'],
      roles: readers,
      query: z.object({ q: z.string().trim().min(2).max(500), model: identifier.optional() }),
      responses: { 200: { description: 'Matching articles, best first, with the words that matched', schema: itemsOf(articleHitView), links: { getFirst: { operationId: 'getArticlesById', parameters: { id: '$response.body#/items/0/id' } } } } },
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
      params: z.object({ id: identifier }),
      responses: { 200: { description: 'The article', schema: articleView, links: toArticle } },
      handler: async ({ params }) => {
        const article = await models.articles.findById(params.id).lean();
        if (!article) throw new NotFoundError('article', params.id, 'id');
        return { status: 200, body: present(article) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/articles/:id/versions',
      summary: 'Every published version of an article, newest first',
      tags: ['knowledge-base'],
      roles: readers,
      params: z.object({ id: identifier }),
      responses: { 200: { description: 'The versions', schema: itemsOf(articleVersionView) } },
      handler: async ({ params }) => {
        const versions = (await storedVersions(models, params.id)).reverse();
        if (versions.length === 0 && !(await models.articles.exists({ _id: params.id }))) throw new NotFoundError('article', params.id, 'id');
        return { status: 200, body: { items: versions.map(({ _id, outbox: _o, outboxDueAt: _d, ...v }) => v) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/articles/from-case',
      summary: "Turn a closed case's fix into an article: symptom, model, cause, fix and part as the case recorded them",
      tags: ['knowledge-base'],
      roles: ['quality'],
      body: z.strictObject({ requestId: identifier, title: field(500).optional() }),
      responses: { 201: { description: 'Version 1 of the article KB-<requestId>', schema: caseArticleView, links: toArticle }, 409: { description: 'The case already has its article' }, 422: { description: 'Quality has no fixed case of that id' } },
      handler: async ({ body, principal }) => {
        const [record, context] = await Promise.all([
          models.failureRecords.findById(failureRecordId(body.requestId)).lean<FailureRecordDoc>(),
          models.requestContexts.findById(body.requestId).lean<{ symptom?: string }>(),
        ]);
        const content = articleFromCase(record ? fromDoc(record) : null, context, body.title);
        if (isRefusal(content)) throw new UnprocessableError(content.field, content.message);
        const articleId = `KB-${body.requestId}`;
        const created = await publishFirstVersion(platform, models, { articleId, content, eightDId: null, requestId: body.requestId, editedBy: principal?.sub ?? 'unknown', correlationId: body.requestId });
        if (!created) throw new ConflictError(`the case ${body.requestId} already has its article ${articleId}; edit it with PUT`, 'requestId');
        return { status: 201, body: { id: articleId, version: 1, ...content } };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/v1/articles/:id',
      summary: 'Edit an article: publishes the next version (intake keeps the highest it saw)',
      tags: ['knowledge-base'],
      roles: ['quality'],
      params: z.object({ id: identifier }),
      body: articleEdit,
      responses: { 200: { description: 'The new version', schema: editedArticleView, links: toArticle }, 409: { description: 'Someone published a newer version first' } },
      handler: async ({ params, body, principal }) => {
        const current = await models.articles.findById(params.id).lean<ArticleDoc>();
        if (!current) throw new NotFoundError('article', params.id, 'id');
        if (body.baseVersion !== current.version) throw new ConflictError(`article ${params.id} is at version ${current.version}, not ${body.baseVersion}`, 'baseVersion');
        const version = current.version + 1;
        const publishedAt = platform.now();
        const { baseVersion: _b, ...content } = body;
        // Two editors racing for the same version: the unique key of the version lets one win.
        const event = buildEvent('article.published@1', { articleId: params.id, version, ...content, publishedAt: publishedAt.toISOString() }, { id: `${params.id}@${version}`, occurredAt: publishedAt, source: 'quality', subject: params.id, correlationId: params.id, causationId: null });
        // The version and its event in one insert-only document: two editors racing for the same
        // version, one wins by the unique key; the relay never writes the article itself.
        try {
          await insertWithOutbox(
            models.articleVersions.collection as never,
            { _id: `${params.id}@${version}`, articleId: params.id, version, ...content, publishedAt, eightDId: current.eightDId ?? null, editedBy: principal?.sub ?? 'unknown' },
            [{ topic: platform.topic(topics.articles), event }],
            publishedAt,
          );
        } catch (error) {
          if (!isDuplicateKeyError(error)) throw error;
          // The version is stored: someone else's, or one whose writer died before moving the
          // article. Either way the article moves to it, so the next edit is based on it (without
          // this, a crash between the two writes refused every later edit of the article).
          const stored = await models.articleVersions.findById(`${params.id}@${version}`).lean<ArticleVersionDoc>();
          if (stored) await models.articles.updateOne({ _id: params.id, version: { $lt: version } }, { $set: { ...contentOf(stored), version, publishedAt: stored.publishedAt } });
          throw new ConflictError(`version ${version} of article ${params.id} was published by someone else first`, 'baseVersion');
        }
        await models.articles.updateOne({ _id: params.id, version: { $lt: version } }, { $set: { ...content, version, publishedAt } });
        platform.nudgeOutbox();
        return { status: 200, body: { id: params.id, version, ...content, publishedAt } };
      },
    }),
  ];
}
