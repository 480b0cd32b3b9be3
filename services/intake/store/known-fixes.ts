import { randomUUID } from 'node:crypto';
import type { ArticlePublishedV1 } from '@aftersales/contracts';
import { insertedOnce, isDuplicateKeyError } from '@aftersales/platform';
import type { KnownFixCandidate } from '../domain/assessment';
import { articleWords, supersedes } from '../domain/known-fixes';
import type { IntakeModels, KnownFixDoc } from './models';
import { readModelsOf } from './read-models';

export type KnownFixWrite = 'inserted' | 'updated' | 'kept';

/**
 * Keeps the highest version of each article. A conditional update replaces a lower version; when
 * nothing matched, an insert stores a first version, and a duplicate key on it means a version is
 * already there (equal or higher): kept. Each step is one single-document write, so a repeated or
 * out-of-order event never rolls an article back.
 */
export async function upsertKnownFix(models: IntakeModels, article: ArticlePublishedV1, eventId: string | null, now: Date): Promise<KnownFixWrite> {
  const outcome = await storeKnownFix(models, article, eventId, now);
  // After every outcome, a kept one too: an event delivered again after a crash between the write
  // and the stamp moves the stamp then, so no cache keeps missing what was written.
  await touchKnownFixes(models);
  return outcome;
}

async function storeKnownFix(models: IntakeModels, article: ArticlePublishedV1, eventId: string | null, now: Date): Promise<KnownFixWrite> {
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

/**
 * The known fixes' stamp: a fresh value after every write of an article. Each process keeps every
 * known fix in memory under the stamp it read before loading them, and per registration reads only
 * the stamp (one `_id` read): the articles grow with every 8D closed, and the filter a registration
 * ran read all of them on FerretDB v1. A write lands before its stamp moves, so a cache is at most
 * as old as a read made just before that write.
 */
const stampId = 'known-fixes';

/** A stored fix as ranking takes it: its words segmented once per loaded copy, the document beside them. */
export interface RankableKnownFix extends KnownFixCandidate {
  doc: KnownFixDoc;
}

/** One loaded copy: every fix by id, and each model's candidates as asked for (a registration asks per machine). */
interface LoadedFixes {
  stamp: string;
  fixes: KnownFixDoc[];
  byModel: Map<string | null, RankableKnownFix[]>;
}
const cached = new WeakMap<object, LoadedFixes>();

/** Moves the known fixes' stamp: every process's cache loads them again at its next read. */
export async function touchKnownFixes(models: IntakeModels): Promise<void> {
  await readModelsOf(models).knownFixStamps.updateOne({ _id: stampId }, { $set: { stamp: randomUUID() } }, { upsert: true });
}

/** Every known fix, by id: from this process's cache while the stamp has not moved. */
async function loadedKnownFixes(models: IntakeModels): Promise<LoadedFixes> {
  const stamps = readModelsOf(models).knownFixStamps;
  let current = await stamps.findOne({ _id: stampId });
  if (!current) {
    // Articles stored before the stamp existed (or none yet): a first stamp, written before they are loaded.
    await insertedOnce(stamps.insertOne({ _id: stampId, stamp: randomUUID() }));
    current = await stamps.findOne({ _id: stampId });
  }
  const held = cached.get(models.knownFixes);
  if (current && held?.stamp === current.stamp) return held;
  const fixes = await models.knownFixes.find({}).sort({ _id: 1 }).lean<KnownFixDoc[]>();
  const loaded: LoadedFixes = { stamp: current?.stamp ?? '', fixes, byModel: new Map() };
  if (current) cached.set(models.knownFixes, loaded);
  return loaded;
}

/**
 * Candidates for ranking, by id: a model's articles and the model-independent ones, or everything
 * without a model. Kept per model with the copy, so a registration neither filters nor segments
 * the articles again while the stamp stands.
 */
export async function knownFixCandidates(models: IntakeModels, model: string | null, limit = 1000): Promise<RankableKnownFix[]> {
  const loaded = await loadedKnownFixes(models);
  let candidates = loaded.byModel.get(model);
  if (!candidates) {
    const matching = model ? loaded.fixes.filter((d) => Array.isArray(d.models) && (d.models.length === 0 || d.models.includes(model))) : loaded.fixes;
    candidates = matching.map(rankable);
    loaded.byModel.set(model, candidates);
  }
  return candidates.slice(0, limit);
}

function rankable(doc: KnownFixDoc): RankableKnownFix {
  return { id: doc._id, version: doc.version, title: doc.title, symptom: doc.symptom, models: doc.models ?? [], words: articleWords(doc), doc };
}
