import { allHandlersFinished, ApplicationFailure, condition, continueAsNew, log, patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { EightDActivities, EightDFact } from './activities';
import { approve, assign, checkApprover, checkAssign, checkDecision, checkSubmit, escalateOverdue, knowledgeArticleFor, nextEscalationAt, sendBack, submit, type Refusal, type Transition } from './engine';
import {
  approveDisciplineUpdate,
  assignDisciplineUpdate,
  eightDStepRefused,
  getEightDQuery,
  sendBackDisciplineUpdate,
  submitDisciplineUpdate,
  type EightDInput,
  type EightDState,
} from './messages';
import { initialEightDState } from './engine';

const activities = proxyActivities<EightDActivities>({
  startToCloseTimeout: '30 seconds',
  // Mongo or Kafka may be down for a while; the 8D waits rather than fails.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

/** An 8D runs for weeks: its history stays short by continuing as new with its state. */
const defaultHistoryLimit = 10_000;

function refuse(refusal: Refusal | null): void {
  if (refusal) throw ApplicationFailure.create({ type: eightDStepRefused, message: refusal.message, details: [refusal.field], nonRetryable: true });
}

/**
 * One 8D from opening to closure: D0..D8 in order, each owned and due, submitted then approved
 * or sent back (updates, refused at once with the field at fault). An overdue discipline
 * escalates one level at a time up the chain. Every change is written to quality's 8D record,
 * and the facts it publishes (containment flags, escalations, closure) leave through its outbox.
 */
export async function eightD(input: EightDInput): Promise<EightDState> {
  let state: EightDState = input.carried ?? initialEightDState(input);
  let pending: EightDFact[] = [];
  // The first pass writes the record, so the 8D's state is readable from the start.
  let dirty = true;
  const now = () => Date.now();
  const apply = (t: Transition) => {
    state = t.state;
    pending = [...pending, ...t.facts];
    dirty = true;
  };

  setHandler(getEightDQuery, () => state);
  setHandler(
    submitDisciplineUpdate,
    (step) => {
      apply(submit(state, step, now()));
      return state;
    },
    { validator: (step) => refuse(checkSubmit(state, step, now())) },
  );
  setHandler(
    approveDisciplineUpdate,
    (step) => {
      apply(approve(state, step, now()));
      return state;
    },
    { validator: (step) => refuse(checkDecision(state, step) ?? checkApprover(state, step)) },
  );
  setHandler(
    sendBackDisciplineUpdate,
    (step) => {
      apply(sendBack(state, step, now()));
      return state;
    },
    { validator: (step) => refuse(checkDecision(state, step) ?? (step.reason.trim() === '' ? { field: 'reason', message: 'say why it goes back' } : null)) },
  );
  setHandler(
    assignDisciplineUpdate,
    (step) => {
      apply(assign(state, step, now()));
      return state;
    },
    { validator: (step) => refuse(checkAssign(state, step, now())) },
  );

  for (;;) {
    const escalated = escalateOverdue(state, now());
    if (escalated.facts.length > 0) {
      apply(escalated);
      log.info('8D discipline escalated', { eightDId: state.eightDId, levels: escalated.facts.length });
    }
    if (dirty) {
      state = { ...state, revision: state.revision + 1 };
      const facts = pending;
      pending = [];
      dirty = false;
      await activities.recordEightD({ state, facts });
      continue;
    }
    if (state.status === 'closed') break;
    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength > (input.historyLimit ?? defaultHistoryLimit)) {
      await condition(allHandlersFinished);
      if (!dirty) await continueAsNew<typeof eightD>({ ...input, carried: state });
      continue;
    }
    const wake = nextEscalationAt(state);
    if (wake === null) await condition(() => dirty);
    else await condition(() => dirty, Math.max(1, wake - now()));
  }

  // Runs closed before this change replay without the article; the knowledge base learns from the others.
  if (patched('kb-article-on-close')) await activities.publishKnowledgeArticle(knowledgeArticleFor(state));
  await condition(allHandlersFinished);
  return state;
}
