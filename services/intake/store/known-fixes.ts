import type { ArticlePublishedV1 } from '@aftersales/contracts';
import { isDuplicateKeyError } from '@aftersales/platform';
import { supersedes } from '../domain/known-fixes';
import type { IntakeModels, KnownFixDoc } from './models';

export type KnownFixWrite = 'inserted' | 'updated' | 'kept';

/**
 * Keeps the highest version of each article. A conditional update replaces a lower version; when
 * nothing matched, an insert stores a first version, and a duplicate key on it means a version is
 * already there (equal or higher): kept. Each step is one single-document write, so a repeated or
 * out-of-order event never rolls an article back.
 */
export async function upsertKnownFix(models: IntakeModels, article: ArticlePublishedV1, eventId: string | null, now: Date): Promise<KnownFixWrite> {
  const doc: KnownFixDoc = {
    _id: article.articleId,
    version: article.version,
    title: article.title,
    models: [...article.models],
    symptom: article.symptom,
    cause: article.cause,
    fix: article.fix,
    parts: [...article.parts],
    publishedAt: new Date(article.publishedAt),
    receivedAt: now,
    eventId,
  };
  const { _id, ...fields } = doc;
  const replaced = await models.knownFixes.collection.updateOne({ _id: _id as never, version: { $lt: article.version } }, { $set: fields });
  if (replaced.matchedCount > 0) return 'updated';
  const stored = await models.knownFixes.findById(_id, { version: 1 }).lean<{ version: number }>();
  if (stored && !supersedes(article.version, stored.version)) return 'kept';
  try {
    await models.knownFixes.collection.insertOne(doc as never);
    return 'inserted';
  } catch (error) {
    if (isDuplicateKeyError(error)) return 'kept';
    throw error;
  }
}

/** Candidates for ranking: a model's articles and the model-independent ones, or everything without a model. */
export async function knownFixCandidates(models: IntakeModels, model: string | null, limit = 1000): Promise<KnownFixDoc[]> {
  const filter = model ? { $or: [{ models: model }, { models: { $size: 0 } }] } : {};
  return models.knownFixes.find(filter).sort({ _id: 1 }).limit(limit).lean<KnownFixDoc[]>();
}
