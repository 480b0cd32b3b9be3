import type { Logger } from 'pino';
import { isDuplicateKeyError } from '@aftersales/platform';
import { returnAction, type ReturnPolicy } from '../domain/returns';
import type { SparesStore } from '../store/collections';
import type { CaseFlow } from '../store/case-flow';
import { withEvent, type EventContext } from '../store/events';
import { createAwaitingReports } from '../store/awaiting-reports';
import { createGuardedWrites } from '../store/guarded-writes';
import { createOpenLists } from '../store/open-lists';
import type { ReservationBook } from '../store/reservations';

/**
 * A reservation lists itself open first, stores its claims next and itself last, and a release its
 * end first, gives the claims back next and leaves the list last: an open entry older than this
 * whose reservation was never stored, or ended longer ago than this, was left by a crash (the
 * deployment's SPARES_ORPHAN_GRACE_MS when given).
 */
const defaultOrphanGraceMs = 10 * 60_000;
/** How long a closed case waits for its work order's report before it is charged without one. */
export const reportGraceMs = 60 * 60_000;

/**
 * The worker's periodic chores: reservations not consumed by their expiry go back to stock, claims
 * and stock cards a crash left behind are put right, cases closed without their work order's
 * report are charged past the grace, and defective parts not returned by their due date are chased
 * and, past the limit, flagged. Each reads a small list whole and then documents by `_id` (on
 * FerretDB v1 any other filter reads its whole collection, every SPARES_SWEEP_MS): the open
 * reservations (open-reservations.ts), the cases awaiting their report (awaiting-reports.ts), the
 * receipts and transfers not yet counted on their cards (stock-cards.ts) and the open returns
 * (open-lists.ts). A filter runs only on a crash's rare path (claims of a reservation never stored).
 */
export function createSweeps(store: SparesStore, book: ReservationBook, now: () => Date, log: Logger, policy: ReturnPolicy, flow?: Pick<CaseFlow, 'allocate'>, events?: EventContext, orphanGraceMs = defaultOrphanGraceMs) {
  const guarded = createGuardedWrites(store, now);
  const openLists = createOpenLists(store, now);
  const awaiting = createAwaitingReports(store);
  /** The open reservations, once: due ones expired, claims a crash left given back. */
  const settleReservations = () => book.openList.settle((r) => book.release(r._id, 'expired', { correlationId: r.requestId, causationId: null }, r), now(), orphanGraceMs, log);

  /** Reservations not consumed or released by their expiry (and claims a crash left: see dropOrphanClaims). */
  async function expireReservations(): Promise<number> {
    return (await settleReservations()).expired;
  }

  /**
   * Claims a crash left behind (its reservation never stored, or ended without giving them back)
   * go back after a grace period (and reservations due expire: one pass over the open list).
   */
  async function dropOrphanClaims(): Promise<number> {
    return (await settleReservations()).givenBack;
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
    // From the list of cases awaiting their report (small), each case by `_id`.
    const waiting = await awaiting.due(new Date(now().getTime() - reportGraceMs), 200, log);
    for (const c of waiting) {
      await flow.allocate(c._id, c.closedAt!, c.closedWorkOrderId ?? null, true);
      await store.redFlags
        .insertOne({ _id: `no-completion-report|${c._id}`, kind: 'no-completion-report', subject: c._id, detail: `closed ${c.closedAt!.toISOString()} without a report for ${c.closedWorkOrderId ?? 'its work order'}: charged without parts or effort`, engineerId: null, raisedAt: now() })
        .catch(() => undefined);
      log.warn({ serviceRequestId: c._id, workOrderId: c.closedWorkOrderId }, 'case charged without its work order report');
    }
    return waiting.length;
  }

  /** Receipts and transfers their stock card missed (a crash between the writes) are counted or noted on it, from the uncounted entries. */
  async function reconcileStockCards(): Promise<number> {
    const counted = await book.cards.reconcileUncounted(now(), orphanGraceMs);
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
      const { expired } = await settleReservations();
      await settleUnreportedCases();
      const returns = await chaseReturns();
      if (expired || returns.chased) log.info({ expired, ...returns }, 'sweep done');
      return { expired, ...returns };
    },
  };
}
