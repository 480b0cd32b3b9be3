import { createJsonDocuments, insertedOnce, unchanged, type KeyLockDoc } from '@aftersales/platform';
import type mongoose from 'mongoose';
import {
  byQuarter,
  quartersWithin,
  recurrenceInputOf,
  withCases,
  withNotedRecords,
  withRecords,
  type ProblemCases,
  type ProblemHistory,
  type ProblemHistoryCase,
  type ProblemHistoryRecord,
} from '../domain/problem-history';
import { createEightDRecords } from './eight-d-records';
import type { EightDDoc, FailureRecordDoc, ProblemHistoryDoc, ProblemQuarterDoc, QualityModels } from './models';

export type { ProblemHistory, ProblemHistoryCase, ProblemHistoryRecord } from '../domain/problem-history';

export const problemHistoryId = (productLine: string, failureMode: string) => `${productLine}|${failureMode}`;
export const problemQuarterId = (productLine: string, failureMode: string, quarter: string) => `${problemHistoryId(productLine, failureMode)}|${quarter}`;

/** What a note read and wrote under the lock: the check that follows reads none of it again. */
export interface NotedHistory {
  cases: ProblemCases;
  quarters: ReadonlyMap<string, ProblemHistoryRecord[]>;
}

const recordEntryOf = (doc: FailureRecordDoc): ProblemHistoryRecord | null =>
  doc.model !== null && doc.productLine !== null ? { id: doc._id, model: doc.model, occurredAt: doc.occurredAt, eightDId: doc.eightDId ?? null } : null;

const caseEntryOf = (doc: EightDDoc): ProblemHistoryCase => ({
  id: doc._id,
  status: doc.status,
  problem: doc.problem,
  closedAt: doc.closedAt ? new Date(doc.closedAt).toISOString() : null,
  revision: doc.revision ?? 0,
});

/**
 * Each problem's history, read by `_id`: the recurrence check read every record and 8D of the
 * problem by filter, which on FerretDB v1 reads the whole collection. The problem's document
 * (`productLine|failureMode`) keeps its 8Ds, per 8D one record of each model it took, and the
 * quarters that hold its records; each quarter (`…|2026-Q4`, by `occurredAt`) is a document of its
 * own, so a check reads the quarters its window reaches and a note rewrites one quarter, however
 * long the history. Every document of a problem changes only under the problem's key lock (FerretDB
 * v1 loses one of two concurrent updates of a document), and every change re-reads the record or 8D
 * by `_id` under that lock and writes it as stored, keyed by id: noting one twice, or late, leaves
 * the history as the store is.
 */
export function createProblemHistories(models: Pick<QualityModels, 'problemHistories' | 'locks' | 'failureRecords' | 'eightDs' | 'builds' | 'eightDRecords'>, now: () => Date) {
  const eightDRecords = createEightDRecords(models, now);
  const collection = models.problemHistories.collection;
  const locks = models.locks.collection as unknown as mongoose.mongo.Collection<KeyLockDoc>;
  const lockKey = (problemId: string) => `problem-history|${problemId}`;
  const problems = createJsonDocuments<ProblemCases, ProblemHistoryDoc>(collection as unknown as mongoose.mongo.Collection<ProblemHistoryDoc>, locks, {
    what: 'problem history',
    now,
    leaseMs: 30_000,
    empty: () => ({ eightDs: [], takenRecords: [], quarters: [], records: [] }),
    lockKey,
  });
  // A quarter's lock is its problem's: whoever changes any document of a problem holds that one.
  const quarterDocs = createJsonDocuments<{ records: ProblemHistoryRecord[] }, ProblemQuarterDoc>(collection as unknown as mongoose.mongo.Collection<ProblemQuarterDoc>, locks, {
    what: 'problem history quarter',
    now,
    leaseMs: 30_000,
    empty: () => ({ records: [] }),
    lockKey: (quarterId) => lockKey(quarterId.slice(0, quarterId.lastIndexOf('|'))),
  });

  /** Runs `fn` holding the problem's lock: the check and every change of the history take it. */
  const holding = <T>(productLine: string, failureMode: string, fn: () => Promise<T>) => problems.holding(problemHistoryId(productLine, failureMode), fn);

  const also = (productLine: string, failureMode: string) => ({ productLine, failureMode, updatedAt: now() });

  async function writeQuartersHeld(productLine: string, failureMode: string, records: readonly ProblemHistoryRecord[], keepNoted: boolean): Promise<Map<string, ProblemHistoryRecord[]>> {
    const written = await Promise.all(
      [...byQuarter(records)].map(async ([quarter, entries]) => {
        const next = (held: { records: ProblemHistoryRecord[] }) => {
          const records = withRecords(held.records, entries, keepNoted);
          return records ? { records } : unchanged;
        };
        const stored = await quarterDocs.changeHeld(problemQuarterId(productLine, failureMode, quarter), next, { ...also(productLine, failureMode), quarter });
        return [quarter, stored.records] as const;
      }),
    );
    return new Map(written);
  }

  /**
   * The problem's document, under its lock. One that still holds its records as kept before
   * quarters (marker `problem-histories@1`) is folded into quarters first; entries the quarters got
   * since are newer and stay.
   */
  async function casesHeld(productLine: string, failureMode: string): Promise<ProblemCases> {
    const id = problemHistoryId(productLine, failureMode);
    const cases = await problems.read(id);
    if (cases.records.length === 0) return cases;
    // Listed before the quarters are written: a listed quarter not yet written reads as empty.
    await problems.changeHeld(id, (current) => withNotedRecords(current, current.records) ?? unchanged, also(productLine, failureMode));
    await writeQuartersHeld(productLine, failureMode, cases.records, true);
    return problems.changeHeld(id, (current) => ({ ...current, records: [] }), also(productLine, failureMode));
  }

  /** Notes record entries: the caller holds their problem's lock. */
  async function noteEntriesHeld(productLine: string, failureMode: string, entries: readonly ProblemHistoryRecord[], keepNoted: boolean): Promise<NotedHistory> {
    let cases = await casesHeld(productLine, failureMode);
    if (entries.length === 0) return { cases, quarters: new Map() };
    // The quarters are listed first, so a note cut short leaves no quarter a check cannot find.
    if (withNotedRecords(cases, entries)) {
      cases = await problems.changeHeld(problemHistoryId(productLine, failureMode), (current) => withNotedRecords(current, entries) ?? unchanged, also(productLine, failureMode));
    }
    return { cases, quarters: await writeQuartersHeld(productLine, failureMode, entries, keepNoted) };
  }

  /** Notes records as stored now (re-read by `_id`); the caller holds their problem's lock. */
  async function noteRecordsHeld(productLine: string, failureMode: string, recordIds: readonly string[]): Promise<NotedHistory> {
    const docs = await Promise.all(recordIds.map((id) => models.failureRecords.findById(id).lean<FailureRecordDoc>()));
    const entries = docs.flatMap((d) => (d && d.productLine === productLine && d.failureMode === failureMode ? [recordEntryOf(d)].filter((e) => e !== null) : []));
    return noteEntriesHeld(productLine, failureMode, entries, false);
  }

  /**
   * What the recurrence check of a record reads, as detectRecurrence takes it: every 8D of the
   * problem, the records the 8Ds took, and the records of the quarters within `windowDays` of
   * `occurredAt` on either side (same-model-repeat counts none further; see domain/problem-history.ts).
   * What `noted` holds is not read again. The caller holds the problem's lock.
   */
  async function readAroundHeld(productLine: string, failureMode: string, occurredAt: string, windowDays: number, noted?: NotedHistory) {
    const cases = noted?.cases ?? (await casesHeld(productLine, failureMode));
    const quarters = quartersWithin(cases.quarters, occurredAt, windowDays);
    const records = await Promise.all(quarters.map(async (q) => noted?.quarters.get(q) ?? (await quarterDocs.read(problemQuarterId(productLine, failureMode, q))).records));
    return recurrenceInputOf(cases, records.flat(), productLine, failureMode);
  }

  /** The whole history, either shape, without the lock (a report or a test; the check reads around a record). */
  async function read(productLine: string, failureMode: string): Promise<ProblemHistory> {
    const cases = await problems.read(problemHistoryId(productLine, failureMode));
    const quarters = await Promise.all(cases.quarters.map((q) => quarterDocs.read(problemQuarterId(productLine, failureMode, q))));
    const inQuarters = quarters.flatMap((q) => q.records);
    return { records: withRecords(cases.records, inQuarters, false) ?? cases.records, eightDs: cases.eightDs };
  }

  /** Notes an 8D as stored now (re-read by `_id`); the caller holds its problem's lock. */
  async function noteEightDHeld(eightDId: string): Promise<void> {
    const doc = await models.eightDs.findById(eightDId).lean<EightDDoc>();
    if (!doc) return;
    const { productLine, failureMode } = doc.problem;
    const next = (cases: ProblemCases) => {
      const eightDs = withCases(cases.eightDs, [caseEntryOf(doc)]);
      return eightDs ? { ...cases, eightDs } : unchanged;
    };
    await problems.changeHeld(problemHistoryId(productLine, failureMode), next, also(productLine, failureMode));
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
    // Listed under the 8D first: its page reads the list, skipping a record another 8D kept.
    const take = async () => {
      await eightDRecords.listed(eightDId, recordId);
      await models.failureRecords.updateOne({ _id: recordId, eightDId: null }, { $set: { eightDId } });
    };
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
      await holding(productLine, failureMode, async () => {
        await noteEntriesHeld(productLine, failureMode, records.get(key)?.entries ?? [], true);
        const next = (held: ProblemCases) => {
          const eightDs = withCases(held.eightDs, cases.get(key)?.entries ?? []);
          return eightDs ? { ...held, eightDs } : unchanged;
        };
        await problems.changeHeld(key, next, also(productLine, failureMode));
      });
    }
    await insertedOnce(models.builds.collection.insertOne({ _id: id as never, builtAt: now() }));
    return true;
  }

  return { holding, casesHeld, read, readAroundHeld, noteRecordsHeld, noteEightDHeld, noteRecord, noteEightD, attach, buildOnce };
}

export type ProblemHistories = ReturnType<typeof createProblemHistories>;
