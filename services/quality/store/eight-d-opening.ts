import { buildEvent, topics } from '@aftersales/contracts';
import { insertedOnce, insertOnceWithOutbox, notePendingOutbox, PlatformError, UnprocessableError, type Platform } from '@aftersales/platform';
import { eightDIdFor, failureRecordId } from '../domain/failure-records';
import { problemKeyOf, type EightDConcerns, type EightDDoc, type FailureRecordDoc, type QualityModels } from './models';
import { eightDBoardOf } from './eight-d-board';
import { createProblemHistories } from './problem-histories';

export interface EightDByHand {
  problem: { productLine: string; model: string; failureMode: string };
  reason: string;
  concerns: EightDConcerns;
  linkedTo: string | null;
  by: string;
}

/** How many numbered ids of one problem are tried before giving up (8Ds of one problem are few). */
const maxNumber = 1000;

/**
 * Opens an 8D by hand, for a problem no recurrence rule caught yet (a customer escalation, an audit
 * finding, a supplier's warning). Like a rule-opened one it is one document with its opened event in
 * its outbox, so the workflow starts from the event (events/eight-d-starter.ts), and its id is the
 * problem's next free number, claimed by a unique insert. One open 8D per problem: a second is
 * refused naming the open one. The failure records of the cases it concerns join it unless another
 * 8D has taken them (records belong to the 8D that took them). Parts and supplier claims are kept as
 * references: quality does not own them, so it cannot check them.
 */
export async function openEightDByHand(platform: Platform, models: QualityModels, input: EightDByHand): Promise<EightDDoc> {
  if (input.linkedTo && !(await models.eightDs.exists({ _id: input.linkedTo }))) throw new UnprocessableError('linkedTo', `linkedTo: no 8D ${input.linkedTo}`);
  const records = await Promise.all(input.concerns.requestIds.map((requestId) => models.failureRecords.findById(failureRecordId(requestId)).lean<FailureRecordDoc>()));
  records.forEach((record, i) => {
    const field = `concerns.requestIds.${i}`;
    if (!record) throw new UnprocessableError(field, `${field}: no failure record of request ${input.concerns.requestIds[i]} (quality keeps one per registered request)`);
  });
  const taken = records.filter((r) => r!.eightDId === null).map((r) => r!._id);

  // Under the problem's lock, as the recurrence check opens its 8Ds: the problem's history (one
  // document by `_id`) lists its 8Ds, each noted before the lock is let go, where a filter read
  // every 8D with its whole state. An 8D's workflow notes it again on every pass, so one whose
  // opener died before noting it is listed within its first pass.
  const histories = createProblemHistories(models, () => platform.now());
  const { productLine, failureMode } = input.problem;
  const doc = await histories.holding(productLine, failureMode, async () => {
    const sameProblem = (await histories.casesHeld(productLine, failureMode)).eightDs.filter((c) => c.problem.model === input.problem.model);
    const open = sameProblem.find((c) => c.status === 'open');
    if (open) throw new PlatformError(`problem: 8D ${open.id} is open for this problem; add to it`, { status: 409, code: 'conflict', field: 'problem' });
    const openedAt = platform.now();
    for (let n = sameProblem.length; n < sameProblem.length + maxNumber; n++) {
      const eightDId = eightDIdFor(input.problem, n);
      const event = buildEvent(
        'eight-d.opened@1',
        { eightDId, problem: input.problem, rule: 'manual', rules: ['manual'], reason: input.reason, linkedTo: input.linkedTo, failureRecordIds: taken, openedAt: openedAt.toISOString() },
        { id: `${eightDId}:opened`, occurredAt: openedAt, source: 'quality', subject: eightDId, correlationId: eightDId, causationId: null },
      );
      const opened: EightDDoc = {
        _id: eightDId,
        status: 'open',
        problem: input.problem,
        problemKey: problemKeyOf(input.problem),
        rules: [],
        reason: input.reason,
        linkedTo: input.linkedTo,
        openedAt,
        closedAt: null,
        revision: 0,
        state: null,
        openedBy: input.by,
        concerns: input.concerns,
      };
      // With its opened event, then its entry in the relay's pending index; a taken number tries the next.
      if (!(await insertOnceWithOutbox(models.eightDs.collection as never, opened, [{ topic: platform.topic(topics.eightDs), event }], openedAt))) continue;
      // The recurrence check reads 8Ds and records' 8Ds from the problems' histories.
      await histories.noteEightDHeld(eightDId);
      return opened;
    }
    throw new Error(`no free 8D number for ${problemKeyOf(input.problem)}`);
  });
  // On the board at once (its workflow's first pass records it there too, so a crash before this is mended).
  await eightDBoardOf(models).record(doc, doc.revision);
  platform.nudgeOutbox();
  // Only while no 8D has it: a rule that took it meanwhile keeps it. Under the record's problem
  // lock, which the check attaching records holds, so after this problem's lock is let go; a filter
  // beyond `_id` reads the collection on FerretDB, and a hand-opened 8D is rare enough for that.
  for (const id of taken) await histories.attach(id, doc._id);
  platform.logger.info({ eightDId: doc._id, problem: input.problem, by: input.by, records: taken.length }, '8D opened by hand');
  return doc;
}

/**
 * 8Ds stored before their opened events went through the relay's pending index (the relay read the
 * whole 8D collection on every pass then): any whose event is still on it gets its entry, once
 * (marker `eight-d-pending@1`). An entry already there stands. The relay now sweeps a newly indexed
 * collection once by itself (its `tracked|<collection>` marker), but not in a database it marked the
 * earlier way, as every database this upgrade met had been.
 */
export async function noteUnrelayedEightDsOnce(models: Pick<QualityModels, 'eightDs' | 'builds'>, now: Date): Promise<number> {
  const id = 'eight-d-pending@1';
  if (await models.builds.findById(id).lean()) return -1;
  let noted = 0;
  for await (const doc of models.eightDs.find({ outboxDueAt: { $exists: true } }, { outbox: 1, outboxDueAt: 1 }).lean<Pick<EightDDoc, '_id' | 'outbox' | 'outboxDueAt'>[]>().cursor()) {
    if (!doc.outbox?.length) continue;
    await notePendingOutbox(models.eightDs.collection as never, doc as never);
    noted++;
  }
  await insertedOnce(models.builds.collection.insertOne({ _id: id as never, builtAt: now }));
  return noted;
}
