import { buildEvent, topics } from '@aftersales/contracts';
import { insertedOnce, insertOnceWithOutbox, type Platform } from '@aftersales/platform';
import type { ArticleContent } from '../domain/case-article';
import type { QualityModels } from './models';

/** Inserts once: false when the key was already taken (a retry, or the other of two racers). */
function insertOnce(collection: { insertOne(doc: never): Promise<unknown> }, doc: object): Promise<boolean> {
  return insertedOnce(collection.insertOne(doc as never));
}

export interface FirstVersion {
  articleId: string;
  content: ArticleContent;
  /** Where the article came from: an 8D or a closed case. */
  eightDId: string | null;
  requestId: string | null;
  editedBy: string;
  correlationId: string;
}

/**
 * Publishes version 1 of an article. The version carries the event (insert-only, relayed from
 * there); the article is the current copy searches read. Returns false when version 1 existed,
 * so a retry publishes nothing twice.
 */
export async function publishFirstVersion(platform: Pick<Platform, 'topic' | 'nudgeOutbox' | 'now'>, models: QualityModels, first: FirstVersion): Promise<boolean> {
  const { articleId, content, eightDId, requestId } = first;
  const publishedAt = platform.now();
  const event = buildEvent(
    'article.published@1',
    { articleId, version: 1, ...content, publishedAt: publishedAt.toISOString() },
    { id: `${articleId}@1`, occurredAt: publishedAt, source: 'quality', subject: articleId, correlationId: first.correlationId, causationId: null },
  );
  const origin = { eightDId, ...(requestId ? { requestId } : {}) };
  const created = await insertOnceWithOutbox(
    models.articleVersions.collection as never,
    { _id: `${articleId}@1`, articleId, version: 1, ...content, ...origin, publishedAt, editedBy: first.editedBy },
    [{ topic: platform.topic(topics.articles), event }],
    publishedAt,
  );
  await insertOnce(models.articles.collection, { _id: articleId, version: 1, ...content, ...origin, publishedAt });
  if (created) platform.nudgeOutbox();
  return created;
}
