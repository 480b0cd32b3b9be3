import { randomUUID } from 'node:crypto';
import type { Collection } from 'mongodb';
import { createJsonDocuments, createKeyLocks, insertedOnce, readEachById, unchanged } from '@aftersales/platform';
import type { SparesStore } from './collections';
import type { PartDoc } from './models';

/** A model's part numbers, as one JSON string (`_id` = the model). */
export interface ModelPartsDoc {
  _id: string;
  partNumbers: string;
  updatedAt?: Date;
}

/** The catalogue's stamp, replaced after every part write: a copy held under another stamp is read again. */
export interface CatalogueStampDoc {
  _id: 'parts';
  token: string;
}

/** Parts read by `_id` at once: a model's list is a few hundred at most. */
const READ_BATCH = 32;
/** Models' lists changed at once by one part write (a part may fit up to 200 models). */
const MODELS_AT_ONCE = 8;
/** How long a held answer is trusted while the stamp stays (a writer that died before stamping). */
const HELD_MAX_AGE_MS = 30_000;
/** Models whose answers a process holds, the least recently read dropped first. */
const HELD_MODELS = 200;

/**
 * The parts that fit a model, found by `_id`: the engineer's job screen and the BOM asked the
 * catalogue for `{ fitsModels: model }`, which FerretDB v1 answers by reading every part. Each
 * model's document names its part numbers; the parts themselves stay the truth and are read by
 * `_id`. A part is listed under its new models before it is written and taken off the models it
 * left after, so a crash between leaves a name whose part does not fit (any more), which readers
 * skip: nothing that fits is ever missing from its model's list.
 *
 * A model's answer is a few hundred `_id` reads, so each process holds the answers it read, behind
 * the catalogue's stamp (`catalogueStamp`), which every part write replaces after writing: a read
 * is then the stamp and the model's list, at once, and the parts again only when either changed
 * (or after 30 s: a writer that died between its write and its stamp).
 */
export function createModelParts(store: Pick<SparesStore, 'modelParts' | 'catalogueStamp' | 'locks'>, parts: Collection<PartDoc>, now: () => Date) {
  const lists = createJsonDocuments(store.modelParts, store.locks, {
    what: 'model parts',
    now,
    leaseMs: 15_000,
    empty: (): { partNumbers: string[] } => ({ partNumbers: [] }),
    lockKey: (model) => `model-parts|${model}`,
  });

  // One write of a part at a time: two at once could each read the models it fitted before, and
  // the one taking it off a model could do so after the other wrote it back on.
  const partLocks = createKeyLocks(store.locks, { what: 'part', now, leaseMs: 15_000 });

  const withParts = (added: readonly string[]) => ({ partNumbers }: { partNumbers: string[] }) => {
    const fresh = [...new Set(added)].filter((p) => !partNumbers.includes(p));
    return fresh.length === 0 ? unchanged : { partNumbers: [...partNumbers, ...fresh] };
  };
  const withoutPart = (partNumber: string) => ({ partNumbers }: { partNumbers: string[] }) => (partNumbers.includes(partNumber) ? { partNumbers: partNumbers.filter((p) => p !== partNumber) } : unchanged);

  /** Lists parts under a model, those not listed yet, in one change. */
  async function list(model: string, partNumbers: readonly string[]): Promise<void> {
    await lists.change(model, withParts(partNumbers), { updatedAt: now() });
  }

  /** Runs `fn` for each model, a few at once: each takes its own model's lock, one at a time, so none waits for another. */
  async function eachModel(models: readonly string[], fn: (model: string) => Promise<unknown>): Promise<void> {
    const distinct = [...new Set(models)];
    for (let from = 0; from < distinct.length; from += MODELS_AT_ONCE) await Promise.all(distinct.slice(from, from + MODELS_AT_ONCE).map(fn));
  }

  /** Lists the part under each model (before the part is written). */
  const fitted = (partNumber: string, models: readonly string[]) => eachModel(models, (model) => list(model, [partNumber]));

  /** Takes the part off the models it no longer fits (after the part is written). */
  const unfitted = (partNumber: string, models: readonly string[]) => eachModel(models, (model) => lists.change(model, withoutPart(partNumber), { updatedAt: now() }));

  /** Marks the catalogue changed (after a part write): every process reads its answers again. */
  async function stamp(): Promise<void> {
    await store.catalogueStamp.replaceOne({ _id: 'parts' }, { token: randomUUID() }, { upsert: true });
  }

  /**
   * Writes a part through `write` under the part's lock, its models' lists kept around it: listed
   * first under the models it fits now and did not before, taken off those it left once written,
   * then the stamp.
   */
  function put<T>(partNumber: string, fitsModels: readonly string[], write: () => Promise<T>): Promise<T> {
    return partLocks.holding(`part|${partNumber}`, async () => {
      const before = (await parts.findOne({ _id: partNumber }, { projection: { fitsModels: 1 } }))?.fitsModels ?? [];
      await fitted(partNumber, fitsModels.filter((m) => !before.includes(m)));
      const written = await write();
      await unfitted(partNumber, before.filter((m) => !fitsModels.includes(m)));
      await stamp();
      return written;
    });
  }

  const held = new Map<string, { token: string | null; listed: string; at: number; parts: PartDoc[] }>();

  /**
   * The parts that fit the model, by part number: the stamp and its list, then each part by `_id`
   * unless this process holds the answer under that stamp and list. The stamp is read before the
   * parts, so a write landing meanwhile leaves a stamp the next read does not know.
   */
  async function of(model: string): Promise<PartDoc[]> {
    const [stamped, { partNumbers }] = await Promise.all([store.catalogueStamp.findOne({ _id: 'parts' }), lists.read(model)]);
    const token = stamped?.token ?? null;
    const listed = partNumbers.join(',');
    const copy = held.get(model);
    held.delete(model);
    if (copy && copy.token === token && copy.listed === listed && Date.now() - copy.at < HELD_MAX_AGE_MS) {
      held.set(model, copy);
      return copy.parts;
    }
    const at = Date.now();
    const found = await readEachById(partNumbers, (_id) => parts.findOne({ _id }), { batch: READ_BATCH, keep: (p) => p.fitsModels.includes(model) });
    const sorted = found.sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));
    held.set(model, { token, listed, at, parts: sorted });
    if (held.size > HELD_MODELS) held.delete(held.keys().next().value!);
    return sorted;
  }

  return { list, fitted, put, stamp, of };
}

export type ModelParts = ReturnType<typeof createModelParts>;

/** Marks the one-time build of the models' lists from the parts stored before them. */
export const modelPartsBuildId = 'model-parts@1';

/**
 * Lists the parts stored before the models' lists existed, once (marker in `sparesBuilds`): reads
 * the catalogue whole, one time, at start, after any demo data. Returns the parts read, or -1 when
 * built already.
 */
export async function buildModelPartsOnce(store: Pick<SparesStore, 'modelParts' | 'catalogueStamp' | 'locks' | 'builds'>, parts: Collection<PartDoc>, now: () => Date): Promise<number> {
  if (await store.builds.findOne({ _id: modelPartsBuildId })) return -1;
  const modelParts = createModelParts(store, parts, now);
  const stored = await parts.find({}, { projection: { fitsModels: 1 } }).toArray();
  const byModel = new Map<string, string[]>();
  for (const p of stored) for (const model of p.fitsModels ?? []) byModel.set(model, [...(byModel.get(model) ?? []), p._id]);
  for (const [model, partNumbers] of byModel) await modelParts.list(model, partNumbers);
  await modelParts.stamp();
  await insertedOnce(store.builds.insertOne({ _id: modelPartsBuildId, builtAt: now() }));
  return stored.length;
}
