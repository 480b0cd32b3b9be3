import { randomUUID } from 'node:crypto';
import { buildEvent, topicOf } from '@aftersales/contracts';
import { createKeyLocks, insertedOnce, insertWithOutbox } from '@aftersales/platform';
import { allocationInForce, sameAllocation, type CaseCostState } from '../domain/case-cost-revision';
import type { ClosedCase } from '../domain/cost-allocation';
import { createCaseLists } from './case-lists';
import type { CaseCostRevisionDoc, SparesStore } from './collections';
import type { EventContext } from './events';

/**
 * Publishes a case's allocation as reporting reads it (case-cost.allocated@1): after every write
 * to the case's ledger, the sum of its entries (read by `_id` from the case's list) is compared with the latest revision, and a change
 * is stored as the next revision together with its event, in one insert keyed request|revision.
 * One publisher per case at a time (a key lock): a publisher that read the ledger before another
 * wrote to it cannot store its older sum after the newer one. Idempotent: a retry after a crash
 * finds the sum unchanged, or publishes what the crash left unpublished.
 */
export function createCaseCostPublisher(store: SparesStore, ctx: EventContext) {
  const locks = createKeyLocks(store.locks, { what: 'case cost revision', now: () => ctx.now(), leaseMs: 30_000 });
  const lists = createCaseLists(store);

  /** The latest revision of a case: `_id` lookups from the first (a case has few). */
  async function latest(requestId: string): Promise<CaseCostRevisionDoc | null> {
    let found: CaseCostRevisionDoc | null = null;
    for (let revision = 1; ; revision++) {
      const doc = await store.caseCostRevisions.findOne({ _id: `${requestId}|${revision}` });
      if (!doc) return found;
      found = doc;
    }
  }

  return {
    latest,
    /** Returns the revision now in force (0: nothing charged yet), new or not. */
    async publish(requestId: string, closed: ClosedCase, fallbackCurrency: string): Promise<number> {
      return locks.holding(`case-cost|${requestId}`, async () => {
        const { docs: entries } = await lists.docsOf(store.allocations, 'allocations', requestId);
        if (entries.length === 0) return 0;
        const state: CaseCostState = {
          currency: entries.find((e) => e.currency)?.currency ?? fallbackCurrency,
          lines: allocationInForce(entries.map((e) => ({ ...e, closedAt: new Date(e.closedAt).toISOString() })), closed),
        };
        const before = await latest(requestId);
        if (before && sameAllocation(before, state)) return before.revision;
        const revision = (before?.revision ?? 0) + 1;
        const now = ctx.now();
        const event = buildEvent(
          'case-cost.allocated@1',
          { requestId, revision, allocatedAt: now.toISOString(), currency: state.currency, lines: state.lines },
          { id: randomUUID(), occurredAt: now, source: 'spares', subject: requestId, correlationId: requestId, causationId: null },
        );
        const doc: CaseCostRevisionDoc = { _id: `${requestId}|${revision}`, requestId, revision, allocatedAt: now, ...state };
        // Under the lock the revision is ours; a duplicate is a holder whose lease ran out mid-write.
        if (!(await insertedOnce(insertWithOutbox(store.caseCostRevisions as never, doc, [{ topic: ctx.topic(topicOf('case-cost.allocated@1')), event }], now)))) {
          throw new Error(`case cost revision ${doc._id} was written by another holder; the retry reads it`);
        }
        ctx.nudgeOutbox?.();
        return revision;
      });
    },
  };
}

export type CaseCostPublisher = ReturnType<typeof createCaseCostPublisher>;
