import type { Logger } from 'pino';
import { insertedOnce, readEachById } from '@aftersales/platform';
import type { CaseDoc, SparesStore } from './collections';

/**
 * The cases closed and waiting for their work order's report, as a small collection the worker's
 * sweep reads whole: on FerretDB v1 its filter `{ status: 'awaiting-report', closedAt }` read every
 * case ever registered, once a minute.
 *
 * Crash order: the entry `{ _id: <request id>, at: <closed at> }` is inserted before the case is
 * stored awaiting-report, and deleted after the case is stored closed (CaseFlow.allocate), or at
 * once when the mark found no case to mark. So a crash between the writes leaves an entry naming a
 * case not (or no longer) waiting, never a waiting case no entry names. The sweep deletes an entry
 * whose case is closed (final: a closed case is never marked again); one whose case is still open
 * (a crash between the entry and the mark) is kept, since a later close of that case marks it
 * again under the same entry, until the case is closed.
 */
export interface AwaitingReportDoc {
  _id: string; // service request id
  /** When the case closed (as marked): the list's order. */
  at: Date;
}

type AwaitingStore = Pick<SparesStore, 'casesAwaitingReport' | 'cases'>;

/** Cases read by `_id` at once. */
const batch = 50;

export function createAwaitingReports(store: AwaitingStore) {
  return {
    /** Lists a case before it is stored awaiting-report. */
    async list(requestId: string, closedAt: Date): Promise<void> {
      await insertedOnce(store.casesAwaitingReport.insertOne({ _id: requestId, at: closedAt }));
    },

    /** Takes a case off the list after it is stored closed. */
    async unlist(requestId: string): Promise<void> {
      await store.casesAwaitingReport.deleteOne({ _id: requestId });
    },

    /**
     * The cases awaiting their report that closed before `closedBefore`, at most `limit`: the list
     * whole, then each case by `_id`. An entry whose case is closed (a crash before its delete) is deleted.
     */
    async due(closedBefore: Date, limit: number, log?: Logger): Promise<CaseDoc[]> {
      const entries = (await store.casesAwaitingReport.find({}).toArray()).sort((a, b) => a.at.getTime() - b.at.getTime());
      const stale: string[] = [];
      const due = (c: CaseDoc) => {
        if (c.status === 'closed') stale.push(c._id);
        return c.status === 'awaiting-report' && (c.closedAt?.getTime() ?? Number.POSITIVE_INFINITY) < closedBefore.getTime();
      };
      const found = await readEachById(entries.map((e) => e._id), (_id) => store.cases.findOne({ _id }), { batch, keep: due, limit });
      await Promise.all(stale.map((_id) => store.casesAwaitingReport.deleteOne({ _id })));
      if (stale.length) log?.info({ entries: stale.length }, 'entries of cases no longer awaiting their report taken off the list');
      return found.slice(0, limit);
    },
  };
}

/** Marks the one-time listing of the cases that awaited their report before the list existed. */
export const awaitingReportsBuildId = 'cases-awaiting-report@1';

/** Lists the cases stored awaiting their report before the list existed, once (a marker in `sparesBuilds`): one filter over the cases, at start. -1 when built already. */
export async function buildAwaitingReportsOnce(store: AwaitingStore & Pick<SparesStore, 'builds'>, now: () => Date, log?: Logger): Promise<number> {
  if (await store.builds.findOne({ _id: awaitingReportsBuildId })) return -1;
  let listed = 0;
  for (const c of await store.cases.find({ status: 'awaiting-report' }, { projection: { closedAt: 1 } }).toArray()) {
    if (await insertedOnce(store.casesAwaitingReport.insertOne({ _id: c._id, at: c.closedAt ?? now() }))) listed++;
  }
  await insertedOnce(store.builds.insertOne({ _id: awaitingReportsBuildId, builtAt: now() }));
  log?.info({ listed }, 'cases awaiting their report listed from the cases stored before the list');
  return listed;
}
