import type { Logger } from 'pino';
import { insertedOnce, numberedEntries, type NumberedEntryDoc } from '@aftersales/platform';
import type { AllocationEntry } from '../domain/cost-allocation';
import type { AllocationEntryDoc, SparesStore } from './collections';
import { createCaseLists, type Listed } from './case-lists';

/**
 * Who pays, by the month it was booked in, read by `_id`: finance asks for a month (or a range) of
 * entries and its totals, and on FerretDB v1 `find({ closedAt: range })` reads every entry ever
 * booked (a few per closed case, so hundreds of thousands at a year's cases). Each write of a
 * case's entries also appends one page to its month, `<YYYY-MM>#<n>` in `costLedgerPages`: the
 * platform's numbered entries, the page's entries as one JSON string. Pages are never changed, so
 * each process keeps the pages it has read and reads only the ones after them.
 *
 * A page is written before its entries: a crash between leaves a page naming entries not stored
 * yet, and the retry (the same case, the same derived ids) stores them; a retry writes its page
 * again, and a reader keeps the first page's copy of an id, as the insert-once entries keep the
 * first write. So nothing stored is ever missing from its month.
 */
export type LedgerPageDoc = NumberedEntryDoc<'entries'>;
/** A month with pages (small: twelve a year), so an open range reads only months that exist. */
export interface LedgerMonthDoc {
  _id: string; // YYYY-MM
  notedAt: Date;
}

type LedgerStore = Pick<SparesStore, 'ledgerPages' | 'ledgerMonths' | 'allocations' | 'caseLists'>;

/** The UTC calendar month of an instant, as the monthly totals group them. */
export const monthOf = (at: Date): string => at.toISOString().slice(0, 7);

const entryId = (e: Pick<AllocationEntry, 'caseId' | 'lineId' | 'costCentre'>) => `${e.caseId}|${e.lineId}|${e.costCentre}`;

function byMonth(docs: readonly AllocationEntryDoc[]): Map<string, AllocationEntryDoc[]> {
  const months = new Map<string, AllocationEntryDoc[]>();
  for (const doc of docs) months.set(monthOf(doc.closedAt), [...(months.get(monthOf(doc.closedAt)) ?? []), doc]);
  return months;
}

const pageOf = (docs: readonly AllocationEntryDoc[]) => JSON.stringify(docs);
const entriesOfPage = (page: string): AllocationEntryDoc[] => (JSON.parse(page) as (Omit<AllocationEntryDoc, 'closedAt'> & { closedAt: string })[]).map((e) => ({ ...e, closedAt: new Date(e.closedAt) }));

export function createCostLedger(store: LedgerStore, now: () => Date = () => new Date()) {
  // One per process: its bound of each month's end saves the reads that find the end again.
  const pages = numberedEntries(store.ledgerPages, 'entries', { batch: 16 });
  const lists = createCaseLists(store);
  /** The months this process has noted (a month is noted once, before its first page). */
  const noted = new Set<string>();
  /** Each month's entries as read so far, first copy of an id kept, and the next page to read. */
  const read = new Map<string, { entries: Map<string, AllocationEntryDoc>; next: number }>();

  /** Appends the entries' pages, one per month they fall in (before the entries are stored). */
  async function note(docs: readonly AllocationEntryDoc[]): Promise<void> {
    for (const [month, inMonth] of byMonth(docs)) {
      if (!noted.has(month)) {
        await insertedOnce(store.ledgerMonths.insertOne({ _id: month, notedAt: now() }));
        noted.add(month);
      }
      await pages.append(month, pageOf(inMonth));
    }
  }

  /** A month's entries: only the pages after those this process read before. */
  async function month(name: string): Promise<AllocationEntryDoc[]> {
    const known = read.get(name) ?? { entries: new Map<string, AllocationEntryDoc>(), next: 0 };
    const { refs, free } = await pages.readFrom(name, known.next);
    for (const page of refs) for (const entry of entriesOfPage(page)) if (!known.entries.has(entry._id)) known.entries.set(entry._id, entry);
    // Another read of the same month may have gone further meanwhile: keep the further one.
    if ((read.get(name)?.next ?? -1) <= free) read.set(name, { entries: known.entries, next: free });
    return [...known.entries.values()];
  }

  return {
    /**
     * Stores a case's entries once each: listed under the case (case-lists), paged under their
     * month, then inserted (their ids derive from the case, so a retry finds the first write).
     */
    async record(requestId: string, entries: readonly AllocationEntry[], currency: string, listed?: Listed): Promise<void> {
      const docs = entries.map((e) => ({ _id: entryId(e), ...e, closedAt: new Date(e.closedAt), currency }));
      if (docs.length === 0) return;
      await lists.add('allocations', requestId, docs.map((d) => d._id), listed);
      await note(docs);
      for (const doc of docs) await insertedOnce(store.allocations.insertOne(doc));
    },
    /** A case's entries, by `_id` from its list. */
    ofCase: (requestId: string, listed?: Listed) => lists.docsOf(store.allocations, 'allocations', requestId, listed),
    /** Entries booked in [from, to) (either end open), read month by month, unsorted. */
    async between(from?: Date, to?: Date): Promise<AllocationEntryDoc[]> {
      const lowest = from ? monthOf(from) : '';
      const highest = to ? monthOf(new Date(to.getTime() - 1)) : '\uffff';
      const months = (await store.ledgerMonths.find({}).toArray()).map((m) => m._id).filter((m) => m >= lowest && m <= highest);
      const entries: AllocationEntryDoc[] = [];
      // Four months at a time: each month is itself 16 `_id` reads at once.
      for (let i = 0; i < months.length; i += 4) for (const got of await Promise.all(months.slice(i, i + 4).map(month))) entries.push(...got);
      return entries.filter((e) => (!from || e.closedAt >= from) && (!to || e.closedAt < to));
    },
    note,
  };
}

export type CostLedger = ReturnType<typeof createCostLedger>;

/** Marks the one-time paging of the entries booked before the ledger existed. */
export const costLedgerBuildId = 'cost-ledger@1';

/**
 * Pages what was booked before the ledger existed, once (a marker in `sparesBuilds`): reads every
 * entry once by filter, one page per case and month. A write meanwhile may page an entry twice;
 * readers keep one. The number of entries paged, or -1 when built already.
 */
export async function buildCostLedgerOnce(store: LedgerStore & Pick<SparesStore, 'builds'>, now: () => Date, log?: Logger): Promise<number> {
  if (await store.builds.findOne({ _id: costLedgerBuildId })) return -1;
  const ledger = createCostLedger(store, now);
  const stored = await store.allocations.find({}).sort({ closedAt: 1, _id: 1 }).toArray();
  const byCase = new Map<string, AllocationEntryDoc[]>();
  for (const doc of stored) byCase.set(doc.caseId, [...(byCase.get(doc.caseId) ?? []), doc]);
  const cases = [...byCase.values()];
  // Sixteen cases at a time: their pages take different numbers by their unique keys.
  for (let i = 0; i < cases.length; i += 16) await Promise.all(cases.slice(i, i + 16).map((docs) => ledger.note(docs)));
  await insertedOnce(store.builds.insertOne({ _id: costLedgerBuildId, builtAt: now() }));
  log?.info({ paged: stored.length }, 'cost allocation entries booked before the ledger, paged by month');
  return stored.length;
}
