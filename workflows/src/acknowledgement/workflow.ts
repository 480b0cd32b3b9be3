import { condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { AcknowledgementActivities } from './activities';
import { acknowledgedSignal, getAcknowledgementStateQuery, type AcknowledgementChainInput, type AcknowledgementChainState } from './messages';

const activities = proxyActivities<AcknowledgementActivities>({
  startToCloseTimeout: '30 seconds',
  // Mongo may be down for a while: the next person is told late rather than never.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

/**
 * One urgent notice waiting for acknowledgement. Each person in the chain has `windowMs`; silence
 * tells the next (stand-in, then manager); an acknowledgement of any notice of the chain ends it.
 * After the last person's window the chain stays exhausted: everyone who could be told was.
 */
export async function acknowledgementChain(input: AcknowledgementChainInput): Promise<AcknowledgementChainState> {
  if (input.chain.length === 0) throw new Error('an acknowledgement chain needs at least one person');
  const windowEnd = () => new Date(Date.now() + input.windowMs).toISOString();
  const state: AcknowledgementChainState = {
    noticeId: input.noticeId,
    status: 'waiting',
    level: 0,
    current: input.chain[0]!,
    windowEndsAt: windowEnd(),
    passedOn: [],
    acknowledged: null,
  };
  setHandler(getAcknowledgementStateQuery, () => state);
  setHandler(acknowledgedSignal, (ack) => {
    if (state.acknowledged) return;
    state.acknowledged = ack;
    state.status = 'acknowledged';
  });

  for (let level = 0; ; level++) {
    if (await condition(() => state.acknowledged !== null, input.windowMs)) break;
    const next = input.chain[level + 1];
    if (next === undefined) {
      state.status = 'exhausted';
      break;
    }
    const from = input.chain[level]!;
    const chainNotices = [input.noticeId, ...state.passedOn.map((p) => p.noticeId)];
    const result = await activities.passOn({ noticeId: input.noticeId, level: level + 1, from, to: next, windowMs: input.windowMs, chainNotices });
    if ('acknowledged' in result) {
      // acknowledged in the inbox while the signal was lost (Temporal unreachable at that moment)
      state.acknowledged ??= result.acknowledged;
      state.status = 'acknowledged';
      break;
    }
    state.passedOn.push({ level: level + 1, from, to: next, noticeId: result.told, at: new Date(Date.now()).toISOString() });
    state.level = level + 1;
    state.current = next;
    state.windowEndsAt = windowEnd();
  }
  return state;
}
