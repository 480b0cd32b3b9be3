import { buildEvent, topics, type KnownEvent } from '@aftersales/contracts';
import { outboxForInsert, type Platform } from '@aftersales/platform';
import type { EightDActivities, EightDFact, EightDState } from '@aftersales/workflows';
import { insertOnce, publishFirstVersion } from '../store/articles';
import type { QualityModels } from '../store/models';

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

/** Activities of the eightD workflow that touch quality's data; built with their dependencies. */
export function createEightDActivities(platform: Pick<Platform, 'topic' | 'nudgeOutbox' | 'now' | 'logger'>, models: QualityModels): EightDActivities {
  const log = platform.logger.child({ module: 'eight-d-activities' });
  return {
    async recordEightD({ state, facts }) {
      // Each fact is its own document keyed by its id: a retried activity inserts nothing twice,
      // and no two writers ever update one document (FerretDB does not serialise that).
      for (const fact of facts) {
        const event = eightDEventFor(state, fact);
        await insertOnce(models.eightDEvents.collection, { _id: fact.id, eightDId: state.eightDId, ...outboxForInsert([{ topic: platform.topic(topics.eightDs), event }], platform.now()) });
      }
      if (facts.length > 0) platform.nudgeOutbox();
      const set = { state, revision: state.revision, status: state.status, closedAt: state.closedAt ? new Date(state.closedAt) : null };
      await models.eightDs.updateOne({ _id: state.eightDId, revision: { $lt: state.revision } }, { $set: set });
      // The relay may be settling the 8D's opened event in the same instant and undo this $set: read it back.
      const stored = await models.eightDs.findById(state.eightDId, { revision: 1 }).lean();
      if (!stored) throw new RecordNotSettled(`8D ${state.eightDId} has no record`);
      if (stored.revision < state.revision) throw new RecordNotSettled(`8D ${state.eightDId}: revision ${state.revision} did not stick`);
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
