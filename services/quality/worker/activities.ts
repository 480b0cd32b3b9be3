import { setTimeout as sleep } from 'node:timers/promises';
import { buildEvent, topics, type KnownEvent } from '@aftersales/contracts';
import { createKeyLocks, insertOnceWithOutbox, type KeyLockDoc, type Platform } from '@aftersales/platform';
import type mongoose from 'mongoose';
import type { EightDActivities, EightDFact, EightDState } from '@aftersales/workflows';
import { publishFirstVersion } from '../store/articles';
import { eightDBoardOf } from '../store/eight-d-board';
import type { EightDDoc, QualityModels } from '../store/models';
import { createProblemHistories } from '../store/problem-histories';

/** Retriable: Temporal tries the activity again after its backoff. */
class RecordNotSettled extends Error {
  readonly retriable = true;
}

/** The contract event for one of the workflow's facts; buildEvent checks it against its schema. */
export function eightDEventFor(state: EightDState, fact: EightDFact): KnownEvent<'eight-d.containment-flagged@1' | 'eight-d.containment-lifted@1' | 'eight-d.escalated@1' | 'eight-d.discipline-assigned@1' | 'eight-d.closed@1'> {
  const meta = { id: fact.id, occurredAt: new Date(fact.occurredAt), source: 'quality', subject: state.eightDId, correlationId: state.eightDId, causationId: null };
  const eightDId = state.eightDId;
  switch (fact.kind) {
    case 'containment-flagged': {
      const { flag } = fact;
      return buildEvent('eight-d.containment-flagged@1', { eightDId, flagId: flag.flagId, discipline: flag.discipline, scope: flag.scope, instruction: flag.instruction, carryParts: flag.carryParts, flaggedAt: fact.occurredAt }, meta);
    }
    case 'containment-lifted':
      return buildEvent('eight-d.containment-lifted@1', { eightDId, flagId: fact.flagId, liftedAt: fact.occurredAt }, meta);
    case 'escalated':
      return buildEvent('eight-d.escalated@1', { eightDId, discipline: fact.discipline, level: fact.level, to: fact.to, dueAt: fact.dueAt, escalatedAt: fact.occurredAt, ...(fact.owner ? { owner: fact.owner } : {}) }, meta);
    case 'discipline-assigned':
      return buildEvent('eight-d.discipline-assigned@1', { eightDId, discipline: fact.discipline, owner: fact.owner, dueAt: fact.dueAt, assignedAt: fact.occurredAt }, meta);
    case 'closed':
      return buildEvent('eight-d.closed@1', { eightDId, problem: state.problem, rootCause: fact.rootCause, closedAt: fact.occurredAt }, meta);
    default: {
      const never: never = fact;
      throw new Error(`unknown 8D fact ${JSON.stringify(never)}`);
    }
  }
}

/** How long an activity waits by itself for the relay to take the opened event off the 8D, before Temporal's retry takes over. */
const settleWaitMs = 5_000;
const settlePollMs = 25;

/** Activities of the eightD workflow that touch quality's data; built with their dependencies. */
export function createEightDActivities(platform: Pick<Platform, 'topic' | 'nudgeOutbox' | 'now' | 'logger'>, models: QualityModels): EightDActivities {
  const log = platform.logger.child({ module: 'eight-d-activities' });
  const histories = createProblemHistories(models, () => platform.now());
  const eightDLocks = createKeyLocks(models.locks.collection as unknown as mongoose.mongo.Collection<KeyLockDoc>, { now: () => platform.now(), what: '8D' });

  /** Waits (reading by `_id`) until the relay has taken the opened event off the 8D; retriable when it has not yet. */
  async function outboxSettled(eightDId: string): Promise<void> {
    for (let waited = 0; ; waited += settlePollMs) {
      const doc = await models.eightDs.findById(eightDId, { outbox: 1, outboxDueAt: 1 }).lean<{ outbox?: unknown; outboxDueAt?: unknown }>();
      if (!doc) throw new RecordNotSettled(`8D ${eightDId} has no record`);
      if (doc.outbox === undefined && doc.outboxDueAt === undefined) return;
      if (waited >= settleWaitMs) throw new RecordNotSettled(`8D ${eightDId}: its opened event is not relayed yet`);
      await sleep(settlePollMs);
    }
  }

  return {
    async recordEightD({ state, facts }) {
      // Each fact is its own document keyed by its id: a retried activity inserts nothing twice,
      // and no two writers ever update one document (FerretDB does not serialise that).
      for (const fact of facts) {
        const event = eightDEventFor(state, fact);
        // With its pending entry: the relay reads that small index, never this log, which grows with every 8D fact.
        await insertOnceWithOutbox(models.eightDEvents.collection as never, { _id: fact.id, eightDId: state.eightDId }, [{ topic: platform.topic(topics.eightDs), event }], platform.now());
      }
      if (facts.length > 0) platform.nudgeOutbox();
      const set = { state, revision: state.revision, status: state.status, closedAt: state.closedAt ? new Date(state.closedAt) : null };
      // The 8D's document carries its opened event until the relay has published it and taken it
      // off, and the workflow starts from that very event, so its first pass comes while the relay
      // settles. FerretDB does not serialise updates of one document (each reads it and writes it
      // back whole): a $set racing the relay's $unset wrote the outbox back, and the relay published
      // the event again a lease later (the soak saw it for most 8Ds). So the 8D is written only once
      // its outbox is gone; after that the relay never writes it, and this activity is its only writer.
      await outboxSettled(state.eightDId);
      // Read by `_id`, checked, written by `_id` (a filter beyond `_id` reads every 8D on FerretDB
      // v1), under the 8D's lock so that two tries of this activity never write an older revision
      // over a newer one. The same conditions as ever: only a newer revision, and only while no
      // outbox is left for the relay to take off.
      const stored = await eightDLocks.holding(`eight-d|${state.eightDId}`, async () => {
        const held = await models.eightDs.findById(state.eightDId, { state: 0 }).lean<Omit<EightDDoc, 'state'>>();
        if (held && held.revision < state.revision && held.outbox === undefined && held.outboxDueAt === undefined) {
          await models.eightDs.updateOne({ _id: state.eightDId }, { $set: set });
          return { ...held, ...set };
        }
        return held;
      });
      if (!stored) throw new RecordNotSettled(`8D ${state.eightDId} has no record`);
      if (stored.revision < state.revision) throw new RecordNotSettled(`8D ${state.eightDId}: revision ${state.revision} did not stick`);
      // Its status and closure, as the recurrence check reads them, and the board's item of this
      // pass's revision, all of it from this pass's state (a retry notes both again, no harm: the
      // board keeps the latest revision it was given).
      await Promise.all([histories.noteEightD(state.eightDId, state.problem), eightDBoardOf(models).record({ ...stored, ...set }, state.revision)]);
      log.debug({ eightDId: state.eightDId, revision: state.revision, facts: facts.length }, '8D recorded');
    },

    async publishKnowledgeArticle(input) {
      const articleId = `KB-${input.eightDId}`;
      const { eightDId, ...content } = input;
      if (await publishFirstVersion(platform, models, { articleId, content, eightDId, requestId: null, editedBy: `8D ${eightDId}`, correlationId: eightDId })) {
        log.info({ eightDId, articleId }, 'closed 8D published as a knowledge-base article');
      }
      return { articleId, version: 1 };
    },
  };
}
