import { insertedOnce } from '@aftersales/platform';
import type { Collection } from 'mongodb';
import type { SparesStore } from './collections';

/**
 * What a case (or a work order) is made of, findable by `_id`: on FerretDB v1 a filter such as
 * `{ caseId }` reads every document ever stored, once per event or call. Entries `kind|owner|n`
 * (n = 1, 2, ...) each name a batch of ids; read in order until one is missing; claimed by a
 * unique insert, so two writers at once take different numbers and neither is lost (FerretDB v1
 * loses one of two concurrent updates of one document, so there is no single list to update).
 *
 * An entry is written before the documents it names: a crash between the two leaves an entry
 * naming a document never stored, which a reader skips (its `_id` lookup finds nothing) and a
 * retry of the same write (the ids are derived from the case) finds listed already. So nothing
 * stored is ever missing from its list, and nothing needs repairing.
 */
export type ListKind =
  /** A case's cost allocation entries (`costAllocations`), by request id. */
  | 'allocations'
  /** A case's defective returns, by request id. */
  | 'returns'
  /** A request's quotes, by request id. */
  | 'quotes'
  /** A case's work orders whose report arrived (they carry the engineer's failure decision), by request id. */
  | 'reported-work-orders'
  /** Units a work order's consumption wrote off (claims tried, before each was claimed), by work order id. */
  | 'write-offs'
  /** A work order's requisitions, by work order id. */
  | 'requisitions';

export interface ListEntryDoc {
  _id: string; // kind|owner|n
  kind: ListKind;
  owner: string;
  ids: string[];
}

/** The ids listed so far (first listed first, once each), and the first free entry number. */
export interface Listed {
  ids: string[];
  next: number;
}

export function createCaseLists(store: Pick<SparesStore, 'caseLists'>) {
  const entries = store.caseLists;

  async function read(kind: ListKind, owner: string): Promise<Listed> {
    const ids: string[] = [];
    for (let n = 1; ; n++) {
      const entry = await entries.findOne({ _id: `${kind}|${owner}|${n}` });
      if (!entry) return { ids, next: n };
      for (const id of entry.ids) if (!ids.includes(id)) ids.push(id);
    }
  }

  /**
   * Lists the ids not listed yet, as one entry at the first free number. `known`: the list as the
   * caller has just read it (a writer meanwhile only moves the number up; an id listed twice is read once).
   */
  async function add(kind: ListKind, owner: string, ids: readonly string[], known?: Listed): Promise<Listed> {
    const before = known ?? (await read(kind, owner));
    const missing = [...new Set(ids)].filter((id) => !before.ids.includes(id));
    if (missing.length === 0) return before;
    let n = before.next;
    while (!(await insertedOnce(entries.insertOne({ _id: `${kind}|${owner}|${n}`, kind, owner, ids: missing })))) n++;
    return { ids: [...before.ids, ...missing], next: n + 1 };
  }

  /** The listed documents that are stored (by `_id`, at once), in the order listed; `projection` as findOne's. */
  async function docsOf<T extends { _id: string }>(collection: Collection<T>, kind: ListKind, owner: string, known?: Listed, projection?: Record<string, 0 | 1>): Promise<{ docs: T[]; listed: Listed }> {
    const listed = known ?? (await read(kind, owner));
    const found = await Promise.all(listed.ids.map((_id) => collection.findOne({ _id } as never, projection ? { projection } : {}) as Promise<T | null>));
    return { docs: found.flatMap((d) => (d ? [d] : [])), listed };
  }

  return { read, add, docsOf };
}

export type CaseLists = ReturnType<typeof createCaseLists>;

/** Marks the one-time build of the lists from the documents stored before they existed. */
export const caseListsBuildId = 'case-lists@2'; // @2: requisitions listed too (a build lists only what is missing)

/**
 * Lists what was stored before the lists existed, once (a marker in `sparesBuilds`): reads each
 * collection whole, one time. Run at start before serving, after any demo data: every write since
 * lists itself first. Several processes building at once list the same ids twice at worst (read once).
 * Returns the number of ids newly listed, or -1 when it had been built already.
 */
export async function buildCaseListsOnce(store: Pick<SparesStore, 'caseLists' | 'builds' | 'allocations' | 'returns' | 'quotes' | 'workOrders' | 'requisitions'>, now: () => Date): Promise<number> {
  if (await store.builds.findOne({ _id: caseListsBuildId })) return -1;
  const lists = createCaseLists(store);
  const byOwner = (docs: { _id: string; owner: string }[]) => {
    const grouped = new Map<string, string[]>();
    for (const d of docs) grouped.set(d.owner, [...(grouped.get(d.owner) ?? []), d._id]);
    return grouped;
  };
  const sources: [ListKind, Map<string, string[]>][] = [
    ['allocations', byOwner((await store.allocations.find({}, { projection: { caseId: 1 } }).toArray()).map((d) => ({ _id: d._id, owner: d.caseId })))],
    ['returns', byOwner((await store.returns.find({}, { projection: { requestId: 1 } }).toArray()).map((d) => ({ _id: d._id, owner: d.requestId })))],
    ['quotes', byOwner((await store.quotes.find({}, { projection: { requestId: 1 } }).toArray()).map((d) => ({ _id: d._id, owner: d.requestId })))],
    ['reported-work-orders', byOwner((await store.workOrders.find({ completion: { $ne: null } }, { projection: { requestId: 1 } }).toArray()).map((d) => ({ _id: d._id, owner: d.requestId })))],
    ['requisitions', byOwner((await store.requisitions.find({}, { projection: { workOrderId: 1 } }).toArray()).map((d) => ({ _id: d._id, owner: d.workOrderId })))],
  ];
  let listed = 0;
  for (const [kind, owners] of sources) {
    for (const [owner, ids] of owners) {
      const before = await lists.read(kind, owner);
      listed += (await lists.add(kind, owner, ids, before)).ids.length - before.ids.length;
    }
  }
  await insertedOnce(store.builds.insertOne({ _id: caseListsBuildId, builtAt: now() }));
  return listed;
}
