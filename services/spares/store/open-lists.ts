import type { Logger } from 'pino';
import { createKeyLocks, insertedOnce, readEachById } from '@aftersales/platform';
import type { Collection } from 'mongodb';
import type { DefectiveReturnDoc, SparesStore, SupplierClaimDoc } from './collections';

/**
 * The returns and supplier claims still open, as small collections read whole: the spares desk
 * polls them every 30 s, and on FerretDB v1 a filter such as `{ status }` reads every return and
 * claim ever stored. An entry `{ _id: <document id>, at }` (at: the return's `dueAt`, the claim's
 * `openedAt`, the list's sort key; neither ever changes) is inserted before the document is stored
 * open or moved to an open status, and deleted after it is stored in a final one. So a crash
 * between the two writes leaves an entry naming a document not stored (yet) or closed, which
 * readers skip, never an open document no entry names. An entry naming a closed document is
 * deleted by the reader under the document's key lock (the lock of `guarded-writes.ts`), the lock
 * a claim's status moves hold too: a claim can be moved open again, a return cannot.
 */
export type OpenKind = 'returns' | 'supplier-claims';

export interface OpenEntryDoc {
  _id: string; // the return's or claim's id
  at: Date;
}

/** Statuses a return or claim is still open in: the desk's lists of these read the open entries. */
export const openStatuses = {
  returns: ['awaiting-return', 'returned'] as readonly string[],
  'supplier-claims': ['open', 'submitted', 'accepted'] as readonly string[],
} satisfies Record<OpenKind, readonly string[]>;

type OpenDoc<K extends OpenKind> = K extends 'returns' ? DefectiveReturnDoc : SupplierClaimDoc;
type OpenStore = Pick<SparesStore, 'returns' | 'supplierClaims' | 'openReturns' | 'openSupplierClaims' | 'locks'>;

/** Documents read by `_id` at once while listing. */
const batch = 50;

export function createOpenLists(store: OpenStore, now: () => Date) {
  // Same keys as guarded writes (`<collection>|<id>`): one lock per document, whoever changes it.
  const locks = createKeyLocks(store.locks, { what: 'open list', now, leaseMs: 15_000 });
  const parts = <K extends OpenKind>(kind: K) =>
    (kind === 'returns'
      ? { docs: store.returns, entries: store.openReturns, keyOf: (d: DefectiveReturnDoc) => d.dueAt }
      : { docs: store.supplierClaims, entries: store.openSupplierClaims, keyOf: (d: SupplierClaimDoc) => d.openedAt }) as unknown as {
      docs: Collection<OpenDoc<K>>;
      entries: Collection<OpenEntryDoc>;
      keyOf: (d: OpenDoc<K>) => Date;
    };
  const isOpen = (kind: OpenKind, doc: { status: string }) => openStatuses[kind].includes(doc.status);

  /** Lists a document as open: before it is stored open or moved to an open status. */
  async function open(kind: OpenKind, id: string, at: Date): Promise<void> {
    await insertedOnce(parts(kind).entries.insertOne({ _id: id, at }));
  }

  /** Takes a document off the list: after it is stored in a final status. */
  async function close(kind: OpenKind, id: string): Promise<void> {
    await parts(kind).entries.deleteOne({ _id: id });
  }

  /** Puts a document's entry right by the document as stored, under its lock (nothing for one not stored). */
  async function settleHeld<K extends OpenKind>(kind: K, id: string): Promise<void> {
    const { docs, entries, keyOf } = parts(kind);
    const doc = (await docs.findOne({ _id: id } as never)) as OpenDoc<K> | null;
    if (!doc) return;
    if (!isOpen(kind, doc)) {
      await entries.deleteOne({ _id: id });
      return;
    }
    if (!(await insertedOnce(entries.insertOne({ _id: id, at: keyOf(doc) })))) await entries.updateOne({ _id: id }, { $set: { at: keyOf(doc) } });
  }
  const settle = (kind: OpenKind, id: string) => locks.holding(`${parts(kind).docs.collectionName}|${id}`, () => settleHeld(kind, id));

  /**
   * Stores a new document: an open one's entry first, then the insert. When it was stored before
   * (a retry, a redelivery), the entry is put right by the stored one. Whether this inserted it.
   */
  async function insert<K extends OpenKind>(kind: K, doc: OpenDoc<K>): Promise<boolean> {
    const { docs, keyOf } = parts(kind);
    if (isOpen(kind, doc)) await open(kind, doc._id, keyOf(doc));
    if (await insertedOnce(docs.insertOne(doc as never))) return true;
    await settle(kind, doc._id);
    return false;
  }

  /**
   * Moves a supplier claim to `status` under its lock: to an open status listed first, to a final
   * one taken off after. The claim as stored after, or null when there is none.
   */
  async function moveClaim(id: string, status: SupplierClaimDoc['status']): Promise<SupplierClaimDoc | null> {
    return locks.holding(`${store.supplierClaims.collectionName}|${id}`, async () => {
      const claim = await store.supplierClaims.findOne({ _id: id });
      if (!claim) return null;
      if (isOpen('supplier-claims', { status })) await open('supplier-claims', id, claim.openedAt);
      await store.supplierClaims.updateOne({ _id: id }, { $set: { status } });
      if (!isOpen('supplier-claims', { status })) await close('supplier-claims', id);
      return { ...claim, status };
    });
  }

  /**
   * The open documents of `kind` that `matches` keeps, by their sort key (then id), at most
   * `limit`: the entries whole, then the documents by `_id` in that order, a batch at a time,
   * until `limit` are found. An entry naming a closed document is skipped and taken off; one naming
   * nothing (a write under way, or one that crashed before its retry) is skipped. With `before`,
   * only entries whose key is earlier are read (the returns' chase: due before now).
   */
  async function list<K extends OpenKind>(kind: K, matches: (doc: OpenDoc<K>) => boolean, limit: number, before?: Date): Promise<OpenDoc<K>[]> {
    const { docs, entries, keyOf } = parts(kind);
    const listed = (await entries.find({}).toArray()).filter((e) => !before || e.at.getTime() < before.getTime()).sort((a, b) => a.at.getTime() - b.at.getTime() || (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));
    const stale: string[] = [];
    const keep = (doc: OpenDoc<K>) => {
      if (isOpen(kind, doc)) return matches(doc);
      stale.push(doc._id);
      return false;
    };
    const found = await readEachById(listed.map((e) => e._id), (id) => docs.findOne({ _id: id } as never) as Promise<OpenDoc<K> | null>, { batch, keep, limit });
    // Best effort: a lock held too long leaves the entry to the next read, which skips it as well.
    await Promise.all(stale.map((id) => settle(kind, id).catch(() => undefined)));
    // The documents' own keys decide (the entries carry the same ones).
    return found.sort((a, b) => keyOf(a).getTime() - keyOf(b).getTime() || (a._id < b._id ? -1 : a._id > b._id ? 1 : 0)).slice(0, limit);
  }

  return { open, close, settle, insert, moveClaim, list };
}

export type OpenLists = ReturnType<typeof createOpenLists>;

/** Marks the one-time listing of the returns and claims that were open before the lists existed. */
export const openListsBuildId = 'open-lists@1';

/**
 * Lists the returns and claims stored open before the lists existed, once (a marker in
 * `sparesBuilds`): reads both collections by status, one time, at start, before serving (after any
 * demo data). Every write since lists itself first; several processes building at once insert the
 * same entries (a duplicate is nothing). Returns the number listed, or -1 when built already.
 */
export async function buildOpenListsOnce(store: OpenStore & Pick<SparesStore, 'builds'>, now: () => Date, log?: Logger): Promise<number> {
  if (await store.builds.findOne({ _id: openListsBuildId })) return -1;
  const returns = await store.returns.find({ status: { $in: [...openStatuses.returns] as DefectiveReturnDoc['status'][] } }, { projection: { dueAt: 1 } }).toArray();
  const claims = await store.supplierClaims.find({ status: { $in: [...openStatuses['supplier-claims']] as SupplierClaimDoc['status'][] } }, { projection: { openedAt: 1 } }).toArray();
  let listed = 0;
  for (const r of returns) if (await insertedOnce(store.openReturns.insertOne({ _id: r._id, at: r.dueAt }))) listed++;
  for (const c of claims) if (await insertedOnce(store.openSupplierClaims.insertOne({ _id: c._id, at: c.openedAt }))) listed++;
  await insertedOnce(store.builds.insertOne({ _id: openListsBuildId, builtAt: now() }));
  log?.info({ listed }, 'open returns and supplier claims listed from the documents stored before the lists');
  return listed;
}
