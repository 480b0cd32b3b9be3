import { buildEvent, topics } from '@aftersales/contracts';
import { createKeyLocks, insertedOnce, insertOnceWithOutbox, isDuplicateKeyError, type KeyLockDoc, type Platform } from '@aftersales/platform';
import type mongoose from 'mongoose';
import {
  attributable,
  eightDIdFor,
  enrichment,
  failureRecordId,
  newFailureRecord,
  openingReason,
  recheckReason,
  toRecurrenceRecord,
  type FailureDecisionOnRecord,
  type FailureFact,
  type RequestContext,
  type StoredFailureRecord,
} from '../domain/failure-records';
import { defaultRecurrenceThresholds, detectRecurrence, thresholdsFor, type RecurrenceHit, type RecurrenceThresholdTable } from '../domain/recurrence';
import { problemKeyOf, type EightDDoc, type FailureRecordDoc, type ModelGenerationDoc, type QualityModels, type RecurrenceDoc, type RequestContextDoc } from './models';
import { eightDBoardOf } from './eight-d-board';
import { createEightDRecords } from './eight-d-records';
import { failureRecordListsOf } from './failure-record-lists';
import { recurrenceHitListsOf } from './recurrence-hit-lists';
import { createProblemHistories } from './problem-histories';

export const fromDoc = ({ _id, eightDId: _e, receivedAt: _r, ...rest }: FailureRecordDoc): StoredFailureRecord => ({ id: _id, ...rest });

/**
 * Where failure facts become records and records are checked for recurrence. Every "only once"
 * rests on a unique-key insert, the one write FerretDB serialises: one record per request, one
 * check per record, and one 8D per problem and occurrence (its id is derived from the problem).
 */
/** The recurrence thresholds in force at an instant (managed data; the shipped table in tests that need no more). */
export type ThresholdsAt = (at: Date) => Promise<RecurrenceThresholdTable>;

export function createFailureDesk(platform: Platform, models: QualityModels, thresholdsAt: ThresholdsAt = async () => defaultRecurrenceThresholds) {
  const log = platform.logger.child({ module: 'failure-desk' });
  const histories = createProblemHistories(models, () => platform.now());
  const eightDRecords = createEightDRecords(models, () => platform.now());
  const recordLists = failureRecordListsOf(models);
  const hitLists = recurrenceHitListsOf(models);
  /**
   * A request's lock, held by the writers that read a request's context or record and write what
   * they read depends on (a review of a higher revision, a model only while none is set): each reads
   * by `_id`, checks, and writes by `_id`, because a filter beyond `_id` reads the whole collection
   * on FerretDB v1, which also loses one of two concurrent updates of a document.
   */
  const requestLocks = createKeyLocks(models.locks.collection as unknown as mongoose.mongo.Collection<KeyLockDoc>, { now: () => platform.now(), what: 'failure request' });
  const holdingRequest = <T>(requestId: string, fn: () => Promise<T>) => requestLocks.holding(`request|${requestId}`, fn);

  /**
   * A failure fact that overtook the registration waits, unattributed, for the machine's model.
   * Both sides write first and read the other's write after, so of two racing (the registration
   * and the fact, in two processes) at least one sees both; the check itself runs once.
   */
  async function attributeWaiting(requestId: string): Promise<void> {
    const [waiting, context] = await Promise.all([
      models.failureRecords.findById(failureRecordId(requestId)).lean<FailureRecordDoc>(),
      models.requestContexts.findById(requestId).lean(),
    ]);
    if (!waiting || waiting.model !== null || !context?.model || !context.productLine) return;
    const attributed = await holdingRequest(requestId, async () => {
      const held = await models.failureRecords.findById(waiting._id, { model: 1 }).lean<Pick<FailureRecordDoc, 'model'>>();
      if (!held || held.model !== null) return false;
      // Under its model first: the model's list skips the record until the model is set.
      await recordLists.listedUnderModel(waiting._id, context.model!);
      await models.failureRecords.updateOne({ _id: waiting._id }, { $set: { model: context.model, productLine: context.productLine, customerId: context.customerId, serialNumber: context.serialNumber } });
      return true;
    });
    if (attributed) log.info({ failureRecordId: waiting._id, requestId }, 'failure record attributed to its registration');
    await check(waiting._id);
  }

  async function rememberRequest(context: RequestContext): Promise<void> {
    const { requestId, ...rest } = context;
    // Under the request's lock, as a review's write of the context: two upserts of one new document at once collide.
    await holdingRequest(requestId, () => models.requestContexts.updateOne({ _id: requestId }, { $set: rest }, { upsert: true }));
    await attributeWaiting(requestId);
  }

  async function ingest(fact: FailureFact): Promise<void> {
    const context = await models.requestContexts.findById(fact.requestId).lean();
    const record = newFailureRecord(fact, context ? { requestId: context._id, ...context } : null);
    const { id, ...fields } = record;
    // A request's later facts find its record stored and list nothing; two first facts at once both list it (readers drop repeats).
    const stored = await models.failureRecords.findById(id, { _id: 1 }).lean();
    if (!stored) await recordLists.listed(id, record.model);
    if (!stored && (await insertedOnce(models.failureRecords.collection.insertOne({ _id: id as never, ...fields, eightDId: null, receivedAt: platform.now() })))) {
      log.info({ failureRecordId: id, requestId: fact.requestId, source: fact.source, failureMode: record.failureMode, model: record.model }, 'failure record created');
      if (record.model === null) await attributeWaiting(fact.requestId);
    } else {
      // Another fact about the same request created it: add what this one knows, under the
      // request's lock, which a review of the same decision holds too.
      const { existing, change } = await holdingRequest(fact.requestId, async () => {
        const existing = await models.failureRecords.findById(id).lean<FailureRecordDoc>();
        const change = existing ? enrichment(fromDoc(existing), fact) : {};
        // A returned part may name the model of a record that had none: under the model first.
        if (change.model) await recordLists.listedUnderModel(id, change.model);
        if (Object.keys(change).length > 0) await models.failureRecords.updateOne({ _id: id }, { $set: change });
        return { existing, change };
      });
      if (existing) {
        const thresholds = await thresholdsAt(platform.now());
        const reason = recheckReason(change, thresholdsFor(thresholds, existing.productLine ?? '').severeTiers);
        if (reason) await check(id, reason);
      }
    }
    await check(id);
  }

  /**
   * Quality's failure analysis reviewed the decision on why it failed: the request's context keeps
   * the latest review (a record made later starts from it) and the record, if there is one, takes it.
   * Only a higher revision replaces a review, so a replayed or late event changes nothing.
   */
  async function recordReview(requestId: string, review: FailureDecisionOnRecord & { revision: number }): Promise<void> {
    const older = (held: { revision?: number } | null | undefined) => held?.revision === undefined || held.revision < review.revision;
    const taken = await holdingRequest(requestId, async () => {
      const context = await models.requestContexts.findById(requestId, { failureReview: 1 }).lean<Pick<RequestContextDoc, 'failureReview'>>();
      if (older(context?.failureReview as { revision?: number } | undefined)) await models.requestContexts.updateOne({ _id: requestId }, { $set: { failureReview: review } }, { upsert: true });
      const id = failureRecordId(requestId);
      const record = await models.failureRecords.findById(id, { failureDecision: 1 }).lean<Pick<FailureRecordDoc, 'failureDecision'>>();
      if (!record || !older(record.failureDecision as { revision?: number } | null)) return false;
      await models.failureRecords.updateOne({ _id: id }, { $set: { failureDecision: review } });
      return true;
    });
    if (taken) log.info({ requestId, revision: review.revision, category: review.category }, 'failure decision reviewed on the record');
  }

  /** A customer demands a formal report on a request: its failure record is checked again with that rule in play. */
  async function demandFormalReport(requestId: string): Promise<{ failureRecordId: string | null }> {
    await holdingRequest(requestId, () => models.requestContexts.updateOne({ _id: requestId }, { $set: { formalReportDemanded: true } }, { upsert: true }));
    const id = failureRecordId(requestId);
    const updated = await models.failureRecords.updateOne({ _id: id }, { $set: { formalReportDemanded: true } });
    if (updated.matchedCount === 0) return { failureRecordId: null };
    await check(id, 'formal-report');
    return { failureRecordId: id };
  }

  /** Opens the 8D for a hit; when another record opened it first, attaches to that one. */
  async function open(hit: RecurrenceHit, earlier: number, thresholds: RecurrenceThresholdTable): Promise<{ eightDId: string; outcome: 'opened' | 'attached' }> {
    const eightDId = eightDIdFor(hit.problem, earlier);
    const openedAt = platform.now();
    const th = thresholdsFor(thresholds, hit.problem.productLine);
    const reason = openingReason(hit, th);
    const event = buildEvent(
      'eight-d.opened@1',
      { eightDId, problem: hit.problem, rule: hit.rules[0]!, rules: hit.rules, reason, linkedTo: hit.linkedEightDIds.at(-1) ?? null, failureRecordIds: hit.recordIds, openedAt: openedAt.toISOString() },
      { id: `${eightDId}:opened`, occurredAt: openedAt, source: 'quality', subject: eightDId, correlationId: eightDId, causationId: hit.recordIds.at(-1) ?? null },
    );
    const doc: EightDDoc = {
      _id: eightDId,
      status: 'open',
      problem: hit.problem,
      problemKey: problemKeyOf(hit.problem),
      rules: hit.rules,
      reason,
      linkedTo: hit.linkedEightDIds.at(-1) ?? null,
      openedAt,
      closedAt: null,
      revision: 0,
      state: null,
    };
    // With its opened event, then its entry in the relay's pending index (a taken id writes the stored 8D's entry if it still lacks one).
    if (!(await insertOnceWithOutbox(models.eightDs.collection as never, doc, [{ topic: platform.topic(topics.eightDs), event }], openedAt))) return { eightDId, outcome: 'attached' };
    // On the board at once (its workflow's first pass records it there too, so a crash before this is mended).
    await eightDBoardOf(models).record(doc, doc.revision);
    // The check holds the problem's lock: the history takes the 8D before the lock is let go.
    await histories.noteEightDHeld(eightDId);
    platform.nudgeOutbox();
    log.info({ eightDId, rules: hit.rules, problem: hit.problem, linkedTo: doc.linkedTo }, '8D opened');
    return { eightDId, outcome: 'opened' };
  }

  /**
   * Runs the recurrence rules on a record, once per pass (the first on arrival; later ones when a
   * fact makes it severe or a formal report is demanded); opens or joins an 8D for every hit.
   * Runs holding the problem's lock: the history it reads is then the one it writes back (the
   * record itself, the 8D it opens, the records it attaches), and two records of one problem are
   * checked one after the other, each seeing the other's outcome. Everything it reads is by `_id`.
   */
  async function check(recordId: string, pass = 'arrival'): Promise<void> {
    const doc = await models.failureRecords.findById(recordId).lean<FailureRecordDoc>();
    if (!doc) return;
    const record = fromDoc(doc);
    if (!attributable(record)) {
      log.info({ failureRecordId: recordId }, 'failure record has no model yet; recurrence waits for the registration');
      return;
    }
    await histories.holding(record.productLine, record.failureMode, () => checkHeld(recordId, pass));
  }

  async function checkHeld(recordId: string, pass: string): Promise<void> {
    const checkId = pass === 'arrival' ? recordId : `${recordId}#${pass}`;
    // Read again under the lock, and noted: however the record became attributable (registration,
    // a later fact), its history has it before any check of its problem runs.
    const doc = await models.failureRecords.findById(recordId).lean<FailureRecordDoc>();
    if (!doc) return;
    const record = fromDoc(doc);
    if (!attributable(record)) return;
    const noted = await histories.noteRecordsHeld(record.productLine, record.failureMode, [recordId]);
    const claim: RecurrenceDoc = { _id: checkId, failureRecordId: recordId, status: 'checking', checkedAt: platform.now(), model: record.model, productLine: record.productLine, failureMode: record.failureMode, hits: [] };
    try {
      await models.recurrences.collection.insertOne(claim as never);
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const existing = await models.recurrences.findById(checkId).lean<RecurrenceDoc>();
      if (!existing || existing.status === 'done') return;
      // Still 'checking': a process died in it (or its lock lease ran out). Running it again is safe
      // (an 8D opens by a unique id, records attach only while unattached), and it is the only way a
      // check a dead process left behind is ever finished.
      log.info({ failureRecordId: recordId, pass }, 'recurrence check found unfinished: running it (again)');
    }
    try {
      // Judged by the thresholds in force now: records of one problem arrive in any order, and only
      // the rules of the moment they are checked give every order the same outcome.
      const thresholds = await thresholdsAt(platform.now());
      // Only the quarters the window reaches, on either side of a record that may arrive late.
      const windowDays = thresholdsFor(thresholds, record.productLine).sameModelWindowDays;
      const { history, eightDs: cases } = await histories.readAroundHeld(record.productLine, record.failureMode, record.occurredAt, windowDays, noted);
      // Generations of the models the rules compare, each by `_id` (reference data kept by hand).
      const modelsInPlay = [...new Set([record.model, ...history.map((r) => r.model), ...cases.map((c) => c.problem.model).filter((m): m is string => m !== undefined)])];
      const generations = await Promise.all(modelsInPlay.map((model) => models.modelGenerations.findById(model).lean<ModelGenerationDoc>()));
      const lineage = Object.fromEntries(generations.filter((g) => g !== null && g.productLine === record.productLine).map((g) => [g!._id, g!.generation]));
      const withGenerations = history.map((r) => ({ ...r, ...(lineage[r.model] !== undefined ? { modelGeneration: lineage[r.model] } : {}) }));
      const hits = detectRecurrence({ record: toRecurrenceRecord(record, lineage[record.model]), history: withGenerations, eightDs: cases, thresholds, lineage });
      const outcomes: RecurrenceDoc['hits'] = [];
      for (const hit of hits) {
        const result = hit.decision.kind === 'attach-to' ? { eightDId: hit.decision.eightDId, outcome: 'attached' as const } : await open(hit, cases.filter((c) => c.problem.model === hit.problem.model).length, thresholds);
        // Each record only while no 8D has it. Read, then written by `_id` (a filter of more than
        // `_id` reads the whole collection on FerretDB v1): every writer of a record's 8D holds its
        // problem's lock, as this check does. Listed under the 8D first, so the 8D's page finds it by `_id`.
        for (const id of hit.recordIds) {
          const taken = await models.failureRecords.findById(id, { eightDId: 1 }).lean<Pick<FailureRecordDoc, 'eightDId'>>();
          if (!taken || taken.eightDId) continue;
          await eightDRecords.listed(result.eightDId, id);
          await models.failureRecords.updateOne({ _id: id }, { $set: { eightDId: result.eightDId } });
        }
        await histories.noteRecordsHeld(record.productLine, record.failureMode, hit.recordIds);
        outcomes.push({ rules: hit.rules, recordIds: hit.recordIds, linkedEightDIds: hit.linkedEightDIds, ...result });
        log.info({ failureRecordId: recordId, pass, eightDId: result.eightDId, outcome: result.outcome, rules: hit.rules }, 'recurrence');
      }
      // Listed before it is stored done: the tab's reader skips an entry whose check is not done with hits.
      await hitLists.listed({ _id: checkId, model: record.model, hits: outcomes });
      await models.recurrences.updateOne({ _id: checkId }, { $set: { status: 'done', hits: outcomes } });
    } catch (error) {
      // Give the check back so the re-delivered event runs it again.
      await models.recurrences.deleteOne({ _id: checkId, status: 'checking' });
      throw error;
    }
  }

  return { rememberRequest, ingest, check, demandFormalReport, recordReview, histories };
}

export type FailureDesk = ReturnType<typeof createFailureDesk>;
