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
 * each process keeps the months it has read (the last `monthsKept`) and reads only the pages after
 * them: one `_id` read when nothing is new.
 *
 * A month of small pages would cost a process's first read one `_id` read per case booked; so a
 * reader that has read `snapshotEvery` pages past the month's latest snapshot appends another,
 * `<YYYY-MM>~#<n>` in the same collection, naming its parts: every entry of the pages before
 * `upTo`, `snapshotPartSize` to a part, each part a JSON string in a document of its own. A first
 * read takes the latest snapshot and its parts, then the pages from its `upTo`. Snapshots are made
 * from pages that never change, so two readers writing one at once write the same entries.
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

/** Pages read past a month's latest snapshot before a reader writes the next. */
export const snapshotEvery = 64;
/**
 * Entries in one part of a snapshot (about 1.5 MB of JSON): a month's snapshot in one document
 * would near FerretDB's 16 MB document limit at about 50,000 entries, and its write would then fail.
 */
export const snapshotPartSize = 5000;
/** Months a process keeps read (the most recently asked); an older one is read again from its snapshot. */
const monthsKept = 24;
/** Entries in one page of the one-time build (what was booked before the ledger, packed). */
const buildPageSize = 500;

/** The UTC calendar month of an instant, as the monthly totals group them. */
export const monthOf = (at: Date): string => at.toISOString().slice(0, 7);
/** The first instant of a `YYYY-MM` month and of the month after it, UTC. */
const monthBounds = (month: string) => [Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1, 1), Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 1)] as const;

const entryId = (e: Pick<AllocationEntry, 'caseId' | 'lineId' | 'costCentre'>) => `${e.caseId}|${e.lineId}|${e.costCentre}`;
/** A snapshot as its numbered entry holds it: its parts' ids (written first), or, written before parts, its entries. */
type SnapshotHead = { upTo: number; parts: string[] } | { upTo: number; entries: StoredEntry[] };
const snapshotsOf = (month: string) => `${month}~`;

function byMonth(docs: readonly AllocationEntryDoc[]): Map<string, AllocationEntryDoc[]> {
  const months = new Map<string, AllocationEntryDoc[]>();
  for (const doc of docs) {
    const month = monthOf(doc.closedAt);
    const inMonth = months.get(month);
    if (inMonth) inMonth.push(doc);
    else months.set(month, [doc]);
  }
  return months;
}

type StoredEntry = Omit<AllocationEntryDoc, 'closedAt'> & { closedAt: string };
const revive = (e: StoredEntry): AllocationEntryDoc => ({ ...e, closedAt: new Date(e.closedAt) });

/** What a process knows of a month: its entries (first copy of an id kept), the next page to read, and where its latest snapshot ends. */
interface MonthRead {
  entries: Map<string, AllocationEntryDoc>;
  next: number;
  snapshotUpTo: number;
  /** The entries in booking order (closedAt, then id), until the month's next page. */
  sorted?: AllocationEntryDoc[];
}

/** Booking order: by closedAt, then id. */
export const inBookingOrder = (a: AllocationEntryDoc, b: AllocationEntryDoc) => a.closedAt.getTime() - b.closedAt.getTime() || (a._id < b._id ? -1 : a._id > b._id ? 1 : 0);

export function createCostLedger(store: LedgerStore, now: () => Date = () => new Date(), options: { snapshotPartSize?: number } = {}) {
  const partSize = options.snapshotPartSize ?? snapshotPartSize;
  // One per process: its bound of each list's end saves the reads that find the end again.
  const pages = numberedEntries(store.ledgerPages, 'entries', { batch: 16 });
  const lists = createCaseLists(store);
  /** The months this process has noted (a month is noted once, before its first page). */
  const noted = new Set<string>();
  /** The months read, least recently asked first. */
  const read = new Map<string, MonthRead>();

  async function noteMonth(month: string): Promise<void> {
    if (noted.has(month)) return;
    await insertedOnce(store.ledgerMonths.insertOne({ _id: month, notedAt: now() }));
    noted.add(month);
  }

  /** Appends the entries' pages, one per month they fall in (before the entries are stored). */
  async function note(docs: readonly AllocationEntryDoc[]): Promise<void> {
    for (const [month, inMonth] of byMonth(docs)) {
      await noteMonth(month);
      await pages.append(month, JSON.stringify(inMonth));
    }
  }

  /** A month as a first read finds it: its latest snapshot (its parts by `_id`, at once), if any. */
  async function firstRead(month: string): Promise<MonthRead> {
    const latest = (await pages.end(snapshotsOf(month))) - 1;
    const snapshot = latest < 0 ? null : await store.ledgerPages.findOne({ _id: `${snapshotsOf(month)}#${latest}` });
    if (!snapshot) return { entries: new Map(), next: 0, snapshotUpTo: 0 };
    const head = JSON.parse(snapshot.entries) as SnapshotHead;
    const parts = 'parts' in head ? await Promise.all(head.parts.map((_id) => store.ledgerPages.findOne({ _id }))) : [];
    if (parts.some((part) => !part)) throw new Error(`cost ledger: a part of ${month}'s snapshot ${latest} is missing`);
    const entries = 'parts' in head ? parts.flatMap((part) => JSON.parse(part!.entries) as StoredEntry[]) : head.entries;
    return { entries: new Map(entries.map((e) => [e._id, revive(e)])), next: head.upTo, snapshotUpTo: head.upTo };
  }

  /**
   * Appends a snapshot of a month's entries up to page `upTo`: its parts first, each a document of
   * its own named by the snapshot and this writer (two readers writing one at once each name their
   * own), then the entry naming them, so an entry never names a part not written.
   */
  async function snapshot(month: string, upTo: number, entries: readonly AllocationEntryDoc[]): Promise<void> {
    const writer = Math.random().toString(36).slice(2, 10);
    const parts = Array.from({ length: Math.max(1, Math.ceil(entries.length / partSize)) }, (_, k) => ({ _id: `${snapshotsOf(month)}${upTo}.${writer}/${k}`, entries: JSON.stringify(entries.slice(k * partSize, (k + 1) * partSize)) }));
    for (const part of parts) await insertedOnce(store.ledgerPages.insertOne(part));
    await pages.append(snapshotsOf(month), JSON.stringify({ upTo, parts: parts.map((p) => p._id) } satisfies SnapshotHead));
  }

  /** A month's entries: the pages after those this process read before (one read when there are none). */
  async function month(name: string): Promise<AllocationEntryDoc[]> {
    const known = read.get(name) ?? (await firstRead(name));
    read.delete(name);
    read.set(name, known);
    if (read.size > monthsKept) read.delete(read.keys().next().value!);
    const from = known.next;
    const probe = await store.ledgerPages.findOne({ _id: `${name}#${from}` });
    if (probe) {
      const more = await pages.readFrom(name, from + 1);
      for (const page of [probe.entries, ...more.refs]) for (const entry of JSON.parse(page) as StoredEntry[]) if (!known.entries.has(entry._id)) known.entries.set(entry._id, revive(entry));
      // Another read of the same month may have gone further meanwhile: keep the further one.
      known.next = Math.max(known.next, more.free);
      delete known.sorted;
    }
    if (known.next - known.snapshotUpTo >= snapshotEvery) {
      const upTo = known.next;
      await snapshot(name, upTo, [...known.entries.values()]);
      known.snapshotUpTo = Math.max(known.snapshotUpTo, upTo);
    }
    known.sorted ??= [...known.entries.values()].sort(inBookingOrder);
    return known.sorted;
  }

  /**
   * The months of [from, to) (either end open), oldest first, each with its entries in booking order
   * (closedAt, then id). `whole`: the range holds the whole month, and `entries` is the month as
   * this process keeps it, the same array until the month's next page is read (so what is worked out
   * from it may be kept as long as the array is the same); else only the entries inside the range.
   */
  async function monthsBetween(from?: Date, to?: Date): Promise<LedgerMonth[]> {
    const lowest = from ? monthOf(from) : '';
    const highest = to ? monthOf(new Date(to.getTime() - 1)) : '\uffff';
    const months = (await store.ledgerMonths.find({}).toArray()).map((m) => m._id).filter((m) => m >= lowest && m <= highest).sort();
    const found: LedgerMonth[] = [];
    // Four months at a time: a month's first read is itself up to 16 `_id` reads at once.
    for (let i = 0; i < months.length; i += 4) {
      for (const [k, got] of (await Promise.all(months.slice(i, i + 4).map(month))).entries()) {
        const name = months[i + k]!;
        const [start, end] = monthBounds(name);
        const whole = (!from || from.getTime() <= start) && (!to || to.getTime() >= end);
        found.push({ month: name, whole, entries: whole ? got : got.filter((e) => (!from || e.closedAt >= from) && (!to || e.closedAt < to)) });
      }
    }
    return found;
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
    monthsBetween,
    /** Entries booked in [from, to) (either end open), read month by month, in booking order (closedAt, then id). */
    async between(from?: Date, to?: Date): Promise<AllocationEntryDoc[]> {
      return (await monthsBetween(from, to)).flatMap((m) => m.entries);
    },
    note,
    /** Pages entries in pages of `buildPageSize`, month by month (the one-time build: no snapshot needed). */
    async pack(docs: readonly AllocationEntryDoc[]): Promise<void> {
      for (const [month, inMonth] of byMonth(docs)) {
        await noteMonth(month);
        const packed = Array.from({ length: Math.ceil(inMonth.length / buildPageSize) }, (_, i) => JSON.stringify(inMonth.slice(i * buildPageSize, (i + 1) * buildPageSize)));
        await pages.appendMissing(month, packed);
      }
    },
  };
}

export type CostLedger = ReturnType<typeof createCostLedger>;

export interface LedgerMonth {
  month: string;
  whole: boolean;
  entries: readonly AllocationEntryDoc[];
}

/** Marks the one-time paging of the entries booked before the ledger existed. */
export const costLedgerBuildId = 'cost-ledger@1';

/**
 * Pages what was booked before the ledger existed, once (a marker in `sparesBuilds`): reads every
 * entry once by filter, packed `buildPageSize` to a page, month by month. A write meanwhile may page
 * an entry twice; readers keep one. The number of entries paged, or -1 when built already.
 */
export async function buildCostLedgerOnce(store: LedgerStore & Pick<SparesStore, 'builds'>, now: () => Date, log?: Logger): Promise<number> {
  if (await store.builds.findOne({ _id: costLedgerBuildId })) return -1;
  const stored = await store.allocations.find({}).sort({ closedAt: 1, _id: 1 }).toArray();
  await createCostLedger(store, now).pack(stored);
  await insertedOnce(store.builds.insertOne({ _id: costLedgerBuildId, builtAt: now() }));
  log?.info({ paged: stored.length }, 'cost allocation entries booked before the ledger, paged by month');
  return stored.length;
}
