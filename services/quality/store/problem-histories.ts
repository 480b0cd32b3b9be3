import { createJsonDocuments, insertedOnce, unchanged, type KeyLockDoc } from '@aftersales/platform';
import type mongoose from 'mongoose';
import type { EightDCase, HistoryRecord } from '../domain/recurrence';
import type { EightDDoc, FailureRecordDoc, ProblemHistoryDoc, QualityModels } from './models';

/** What the rules read of an earlier record of the problem (line and mode are the history's). */
export interface ProblemHistoryRecord {
  id: string;
  model: string;
  occurredAt: string;
  eightDId: string | null;
}

/** An 8D of the problem as the rules read it, with the revision it was noted at. */
export interface ProblemHistoryCase {
  id: string;
  status: 'open' | 'closed';
  problem: { productLine: string; model: string; failureMode: string };
  closedAt: string | null;
  revision: number;
}

export interface ProblemHistory {
  records: ProblemHistoryRecord[];
  eightDs: ProblemHistoryCase[];
}

export const problemHistoryId = (productLine: string, failureMode: string) => `${productLine}|${failureMode}`;

const recordEntryOf = (doc: FailureRecordDoc): ProblemHistoryRecord | null =>
  doc.model !== null && doc.productLine !== null ? { id: doc._id, model: doc.model, occurredAt: doc.occurredAt, eightDId: doc.eightDId ?? null } : null;

const caseEntryOf = (doc: EightDDoc): ProblemHistoryCase => ({
  id: doc._id,
  status: doc.status,
  problem: doc.problem,
  closedAt: doc.closedAt ? new Date(doc.closedAt).toISOString() : null,
  revision: doc.revision ?? 0,
});

/** The history's records and cases as detectRecurrence reads them. */
export function recurrenceInputOf(history: ProblemHistory, productLine: string, failureMode: string): { history: HistoryRecord[]; eightDs: EightDCase[] } {
  return {
    history: history.records.map((r) => ({ id: r.id, model: r.model, productLine, failureMode, occurredAt: r.occurredAt, eightDId: r.eightDId })),
    eightDs: history.eightDs.map((c) => ({ id: c.id, status: c.status, problem: c.problem, models: [], closedAt: c.closedAt })),
  };
}

/**
 * The history with these entries set by id, or `unchanged` when none differs. `keepNoted`: a record
 * already in it keeps its entry; an 8D's older revision, noted late, changes nothing.
 */
function withEntries(history: ProblemHistory, records: readonly ProblemHistoryRecord[], eightDs: readonly ProblemHistoryCase[], keepNoted: boolean): ProblemHistory | typeof unchanged {
  const byRecord = new Map(history.records.map((r) => [r.id, r]));
  const byCase = new Map(history.eightDs.map((c) => [c.id, c]));
  let changed = false;
  for (const r of records) {
    const held = byRecord.get(r.id);
    if ((held && keepNoted) || JSON.stringify(held) === JSON.stringify(r)) continue;
    byRecord.set(r.id, r);
    changed = true;
  }
  for (const c of eightDs) {
    const held = byCase.get(c.id);
    if (held && (held.revision > c.revision || JSON.stringify(held) === JSON.stringify(c))) continue;
    byCase.set(c.id, c);
    changed = true;
  }
  return changed ? { records: [...byRecord.values()], eightDs: [...byCase.values()] } : unchanged;
}

/**
 * Each problem's history, read by `_id`: the recurrence check read every record and 8D of the
 * problem by filter, which on FerretDB v1 reads the whole collection. One document per problem
 * (`productLine|failureMode`) keeps what the rules read of its attributable records and its 8Ds.
 * It changes only under the problem's key lock (FerretDB v1 loses one of two concurrent updates of a
 * document), and every change re-reads the record or 8D by `_id` under that lock and writes it as
 * stored, keyed by id: noting one twice, or late, leaves the history as the store is.
 */
export function createProblemHistories(models: Pick<QualityModels, 'problemHistories' | 'locks' | 'failureRecords' | 'eightDs' | 'builds'>, now: () => Date) {
  const histories = createJsonDocuments<ProblemHistory, ProblemHistoryDoc>(
    models.problemHistories.collection as unknown as mongoose.mongo.Collection<ProblemHistoryDoc>,
    models.locks.collection as unknown as mongoose.mongo.Collection<KeyLockDoc>,
    { what: 'problem history', now, leaseMs: 30_000, empty: () => ({ records: [], eightDs: [] }), lockKey: (id) => `problem-history|${id}` },
  );

  /** Runs `fn` holding the problem's lock: the check and every change of the history take it. */
  const holding = <T>(productLine: string, failureMode: string, fn: () => Promise<T>) => histories.holding(problemHistoryId(productLine, failureMode), fn);

  const read = (productLine: string, failureMode: string): Promise<ProblemHistory> => histories.read(problemHistoryId(productLine, failureMode));

  /** Sets entries by id; writes only when one changed. The caller holds the problem's lock. */
  const writeEntries = (productLine: string, failureMode: string, records: readonly ProblemHistoryRecord[], eightDs: readonly ProblemHistoryCase[], keepNoted = false): Promise<ProblemHistory> =>
    histories.changeHeld(problemHistoryId(productLine, failureMode), (history) => withEntries(history, records, eightDs, keepNoted), { productLine, failureMode, updatedAt: now() });

  /** Notes records as stored now (re-read by `_id`); the caller holds their problem's lock. */
  async function noteRecordsHeld(productLine: string, failureMode: string, recordIds: readonly string[]): Promise<ProblemHistory> {
    const docs = await Promise.all(recordIds.map((id) => models.failureRecords.findById(id).lean<FailureRecordDoc>()));
    const entries = docs.flatMap((d) => (d && d.productLine === productLine && d.failureMode === failureMode ? [recordEntryOf(d)].filter((e) => e !== null) : []));
    return writeEntries(productLine, failureMode, entries, []);
  }

  /** Notes an 8D as stored now (re-read by `_id`); the caller holds its problem's lock. */
  async function noteEightDHeld(eightDId: string): Promise<void> {
    const doc = await models.eightDs.findById(eightDId).lean<EightDDoc>();
    if (doc) await writeEntries(doc.problem.productLine, doc.problem.failureMode, [], [caseEntryOf(doc)]);
  }

  /** After a write of a record (its model, its 8D): notes it in its problem's history, if it has a problem yet. */
  async function noteRecord(recordId: string): Promise<void> {
    const doc = await models.failureRecords.findById(recordId, { productLine: 1, failureMode: 1 }).lean<Pick<FailureRecordDoc, 'productLine' | 'failureMode'>>();
    if (!doc?.productLine) return;
    const { productLine, failureMode } = doc;
    await holding(productLine, failureMode, () => noteRecordsHeld(productLine, failureMode, [recordId]));
  }

  /**
   * Attaches a record to an 8D while no 8D has it, outside a check (an 8D opened by hand): under its
   * problem's lock when it has one, the one the check attaching records holds; then notes it.
   */
  async function attach(recordId: string, eightDId: string): Promise<void> {
    const doc = await models.failureRecords.findById(recordId, { productLine: 1, failureMode: 1 }).lean<Pick<FailureRecordDoc, 'productLine' | 'failureMode'>>();
    const take = () => models.failureRecords.updateOne({ _id: recordId, eightDId: null }, { $set: { eightDId } });
    if (!doc?.productLine) {
      // No problem yet, so in no history and no check of one; the condition keeps a rule's 8D.
      await take();
      return;
    }
    const { productLine, failureMode } = doc;
    await holding(productLine, failureMode, async () => {
      await take();
      await noteRecordsHeld(productLine, failureMode, [recordId]);
    });
  }

  /** After a write of an 8D (opened, its status or closure): notes it in its problem's history. */
  async function noteEightD(eightDId: string, problem: { productLine: string; failureMode: string }): Promise<void> {
    await holding(problem.productLine, problem.failureMode, () => noteEightDHeld(eightDId));
  }

  /**
   * Fills the histories from the records and 8Ds stored before they existed, once (the marker is
   * written last: a pass cut short runs again whole, and noting is idempotent). A record already
   * noted keeps its entry: a live write noted it as stored, later than this pass read it.
   */
  async function buildOnce(): Promise<boolean> {
    const id = 'problem-histories@1';
    if (await models.builds.findById(id).lean()) return false;
    const records = new Map<string, { productLine: string; failureMode: string; entries: ProblemHistoryRecord[] }>();
    for await (const doc of models.failureRecords.find({}, { model: 1, productLine: 1, failureMode: 1, occurredAt: 1, eightDId: 1 }).lean<FailureRecordDoc[]>().cursor()) {
      const entry = recordEntryOf(doc);
      if (!entry) continue;
      const key = problemHistoryId(doc.productLine!, doc.failureMode);
      const group = records.get(key) ?? { productLine: doc.productLine!, failureMode: doc.failureMode, entries: [] };
      group.entries.push(entry);
      records.set(key, group);
    }
    const cases = new Map<string, { productLine: string; failureMode: string; entries: ProblemHistoryCase[] }>();
    for await (const doc of models.eightDs.find({}, { outbox: 0, state: 0 }).lean<EightDDoc[]>().cursor()) {
      const key = problemHistoryId(doc.problem.productLine, doc.problem.failureMode);
      const group = cases.get(key) ?? { productLine: doc.problem.productLine, failureMode: doc.problem.failureMode, entries: [] };
      group.entries.push(caseEntryOf(doc));
      cases.set(key, group);
    }
    for (const key of new Set([...records.keys(), ...cases.keys()])) {
      const { productLine, failureMode } = (records.get(key) ?? cases.get(key))!;
      await holding(productLine, failureMode, () => writeEntries(productLine, failureMode, records.get(key)?.entries ?? [], cases.get(key)?.entries ?? [], true));
    }
    await insertedOnce(models.builds.collection.insertOne({ _id: id as never, builtAt: now() }));
    return true;
  }

  return { holding, read, noteRecordsHeld, noteEightDHeld, noteRecord, noteEightD, attach, buildOnce };
}

export type ProblemHistories = ReturnType<typeof createProblemHistories>;
