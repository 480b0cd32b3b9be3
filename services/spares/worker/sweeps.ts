import type { Logger } from 'pino';
import { isDuplicateKeyError } from '@aftersales/platform';
import { returnAction, type ReturnPolicy } from '../domain/returns';
import type { SparesStore } from '../store/collections';
import type { CaseFlow } from '../store/case-flow';
import { withEvent, type EventContext } from '../store/events';
import { createGuardedWrites } from '../store/guarded-writes';
import { createOpenLists } from '../store/open-lists';
import type { ReservationBook } from '../store/reservations';

/**
 * A reservation stores its claims first and itself last, and a release its end first and gives the
 * claims back last: reserved claims older than this whose reservation was never stored, or ended
 * longer ago than this, were left by a crash.
 */
const orphanGraceMs = 10 * 60_000;
/** How long a closed case waits for its work order's report before it is charged without one. */
export const reportGraceMs = 60 * 60_000;

/**
 * The worker's periodic chores: reservations not consumed by their expiry go back to stock, claims
 * and stock cards a crash left behind are put right, and defective parts not returned by their
 * due date are chased and, past the limit, flagged. Unlike the request paths most filter by
 * more than `_id` (expiry, state and age, every receipt), so on FerretDB v1 each reads its whole
 * collection once per sweep (every SPARES_SWEEP_MS), not once per reservation; the chase reads the
 * open returns' small list instead (open-lists.ts).
 */
export function createSweeps(store: SparesStore, book: ReservationBook, now: () => Date, log: Logger, policy: ReturnPolicy, flow?: Pick<CaseFlow, 'allocate'>, events?: EventContext) {
  const guarded = createGuardedWrites(store, now);
  const openLists = createOpenLists(store, now);
  async function expireReservations(): Promise<number> {
    const due = await store.reservations.find({ expiresAt: { $lte: now() } }, { projection: { _id: 1, requestId: 1 } }).limit(500).toArray();
    const ended = new Set((await store.reservationEnds.find({ _id: { $in: due.map((r) => r._id) } }, { projection: { _id: 1 } }).toArray()).map((e) => e._id));
    let expired = 0;
    for (const r of due.filter((d) => !ended.has(d._id))) {
      if (await book.release(r._id, 'expired', { correlationId: r.requestId, causationId: null })) expired++;
    }
    return expired;
  }

  /** Claims a crash left behind (its reservation never stored, or ended without giving them back) go back after a grace period. */
  async function dropOrphanClaims(): Promise<number> {
    const before = new Date(now().getTime() - orphanGraceMs);
    const old = await store.claims.find({ state: 'reserved', claimedAt: { $lt: before } }, { projection: { reservationId: 1 } }).limit(1000).toArray();
    const ids = [...new Set(old.flatMap((c) => (c.reservationId ? [c.reservationId] : [])))];
    const stored = new Set((await store.reservations.find({ _id: { $in: ids } }, { projection: { _id: 1 } }).toArray()).map((r) => r._id));
    const ended = new Set((await store.reservationEnds.find({ _id: { $in: [...stored] }, at: { $lt: before } }, { projection: { _id: 1 } }).toArray()).map((e) => e._id));
    const orphans = ids.filter((id) => !stored.has(id) || ended.has(id));
    if (orphans.length === 0) return 0;
    const { deletedCount } = await store.claims.deleteMany({ reservationId: { $in: orphans }, state: 'reserved' });
    log.warn({ reservations: orphans.length, claims: deletedCount }, 'orphaned claims given back');
    return deletedCount;
  }

  async function chaseReturns(): Promise<{ chased: number; flagged: number }> {
    const at = now();
    // From the open returns' list (small), not a filter over every return stored.
    const open = await openLists.list('returns', (r) => r.status === 'awaiting-return' && r.dueAt < at, 1000, at);
    let chased = 0;
    let flagged = 0;
    for (const r of open) {
      const action = returnAction(r, at, policy);
      if (action === 'none') continue;
      // The chase's fact first, keyed by its number: a sweep that dies before the count moves tells nobody twice.
      const chase = r.chaseCount + 1;
      if (events) {
        const data = { returnId: r._id, partNumber: r.partNumber, workOrderId: r.workOrderId, requestId: r.requestId, engineerId: r.engineerId, dueAt: r.dueAt.toISOString(), chase, flagged: action === 'chase-and-flag', chasedAt: at.toISOString() };
        await store.returnChases
          .insertOne({ _id: `${r._id}#${chase}`, returnId: r._id, chasedAt: at, ...withEvent(events, 'defective-part.return-overdue@1', r._id, data, { correlationId: r.requestId, causationId: null }) })
          .catch((error: unknown) => {
            if (!isDuplicateKeyError(error)) throw error;
          });
      }
      // By `_id` under the return's lock (as its receipt): a return received, or chased by another sweep, since it was read is left as it is.
      await guarded.setIf(store.returns, r._id, (stored) => stored.status === 'awaiting-return' && stored.chaseCount === r.chaseCount, { lastChasedAt: at, chaseCount: chase, ...(action === 'chase-and-flag' ? { flaggedAt: at } : {}) });
      chased++;
      log.info({ returnId: r._id, engineerId: r.engineerId, workOrderId: r.workOrderId, dueAt: r.dueAt }, 'defective part overdue: engineer chased');
      if (action === 'chase-and-flag') {
        flagged++;
        await store.redFlags
          .insertOne({ _id: `defective-part-not-returned|${r._id}`, kind: 'defective-part-not-returned', subject: r._id, detail: `${r.partNumber} from ${r.workOrderId} due ${r.dueAt.toISOString()} not returned`, engineerId: r.engineerId, raisedAt: at })
          .catch(() => undefined);
      }
    }
    return { chased, flagged };
  }

  /** Cases closed without their work order's report past the grace are charged with what is known, and flagged. */
  async function settleUnreportedCases(): Promise<number> {
    if (!flow) return 0;
    const waiting = await store.cases.find({ status: 'awaiting-report', closedAt: { $lt: new Date(now().getTime() - reportGraceMs) } }).limit(200).toArray();
    for (const c of waiting) {
      await flow.allocate(c._id, c.closedAt!, c.closedWorkOrderId ?? null, true);
      await store.redFlags
        .insertOne({ _id: `no-completion-report|${c._id}`, kind: 'no-completion-report', subject: c._id, detail: `closed ${c.closedAt!.toISOString()} without a report for ${c.closedWorkOrderId ?? 'its work order'}: charged without parts or effort`, engineerId: null, raisedAt: now() })
        .catch(() => undefined);
      log.warn({ serviceRequestId: c._id, workOrderId: c.closedWorkOrderId }, 'case charged without its work order report');
    }
    return waiting.length;
  }

  /** Receipts their stock card missed (a crash between the two writes, receipts older than cards) are counted on it. */
  async function reconcileStockCards(): Promise<number> {
    const counted = await book.cards.reconcile();
    if (counted) log.warn({ receipts: counted }, 'receipts counted on their stock cards by the sweep');
    return counted;
  }

  return {
    expireReservations,
    chaseReturns,
    dropOrphanClaims,
    reconcileStockCards,
    settleUnreportedCases,
    async runOnce() {
      await reconcileStockCards();
      const expired = await expireReservations();
      await dropOrphanClaims();
      await settleUnreportedCases();
      const returns = await chaseReturns();
      if (expired || returns.chased) log.info({ expired, ...returns }, 'sweep done');
      return { expired, ...returns };
    },
  };
}
