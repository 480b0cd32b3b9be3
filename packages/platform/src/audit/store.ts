import type { Collection, Db } from 'mongodb';
import { isDuplicateKeyError } from '../mongo/connection';
import { createChainVerifier, genesisHash, sealAfter, seqId, seqOf, type AuditDraft, type AuditEntry, type Verification } from './chain';

/**
 * A service's audit chain in its own database: `audit_chain` (the entries, `_id` = seq) and
 * `audit_head` (one document: a seq at or below the chain's tip, so a process finds the tip by a
 * few `_id` lookups instead of a sort, which FerretDB v1 answers by reading the whole collection).
 * Appends from several processes are safe: the next seq is claimed by a unique-key insert; a
 * duplicate key means another process took it, and the tip is read again.
 */
export const auditCollections = { entries: 'audit_chain', head: 'audit_head', marks: 'audit_marks' } as const;

interface HeadDoc {
  _id: 'head';
  seq: number;
}

export interface Tip {
  seq: number;
  hash: string;
}

export interface AuditChainOptions {
  /**
   * The head hint is written after an append that crosses a multiple of this (1: every append).
   * A stale hint costs a few `_id` lookups, but a process starting below a deleted entry would
   * see the hole as the tip; every append keeps that window to the appends in flight.
   */
  headEvery?: number;
  /** Missing seqs looked past at the end of a walk (a deleted entry is stepped over, not filled). */
  holeProbe?: number;
}

export interface AuditPage {
  items: AuditEntry[];
  /** The seq to pass as `after` for the next page; null at the tip. */
  next: number | null;
}

export type AuditChain = ReturnType<typeof createAuditChain>;

export function createAuditChain(db: Db, options: AuditChainOptions = {}) {
  const entries: Collection<AuditEntry> = db.collection<AuditEntry>(auditCollections.entries);
  const heads = db.collection<HeadDoc>(auditCollections.head);
  const headEvery = options.headEvery ?? 1;
  const holeProbe = options.holeProbe ?? 1;
  /** The last entry this process wrote or saw: the next append tries the seq after it first. */
  let known: Tip | null = null;
  /** Appends of one process run one at a time: they would only take each other's seq. */
  let queue: Promise<unknown> = Promise.resolve();

  async function entryAt(seq: number): Promise<AuditEntry | null> {
    return entries.findOne({ _id: seqId(seq) });
  }

  /**
   * Moves from a known entry over everything appended after it, by `_id` lookups. A missing seq
   * with entries after it is a deleted entry (tampering): stepped over, never filled, so the
   * deletion stays visible to verification. Looking `holeProbe` seqs past the end finds it.
   */
  async function walkForward(from: Tip): Promise<Tip> {
    let tip = from;
    for (;;) {
      let step = 1;
      let next = await entryAt(tip.seq + 1);
      while (!next && step <= holeProbe) next = await entryAt(tip.seq + 1 + step++);
      if (!next) return tip;
      tip = { seq: seqOf(next._id), hash: next.hash };
    }
  }

  /** The chain's tip: the head hint, back over entries deleted under it (tampering), then forward to the end. */
  async function readTip(): Promise<Tip> {
    let seq = (await heads.findOne({ _id: 'head' }))?.seq ?? 0;
    for (; seq > 0; seq--) {
      const entry = await entryAt(seq);
      if (entry) return walkForward({ seq, hash: entry.hash });
    }
    return walkForward({ seq: 0, hash: genesisHash });
  }

  async function noteHead(seq: number): Promise<void> {
    await heads.updateOne({ _id: 'head' }, { $max: { seq } }, { upsert: true }).catch((error: unknown) => {
      // Two first upserts race on the key: the other one wrote it.
      if (!isDuplicateKeyError(error)) throw error;
    });
  }

  async function appendNow(drafts: AuditDraft[]): Promise<{ written: AuditEntry[]; head: Promise<void> | null }> {
    const written: AuditEntry[] = [];
    let rest = drafts;
    while (rest.length > 0) {
      const tip = known ?? (await readTip());
      const sealed = sealAfter(tip, rest);
      try {
        await entries.insertMany(sealed, { ordered: true });
        written.push(...sealed);
        known = { seq: seqOf(sealed[sealed.length - 1]!._id), hash: sealed[sealed.length - 1]!.hash };
        rest = [];
      } catch (error) {
        known = null;
        if (!isDuplicateSeq(error)) throw error;
        // Ordered: the ones before the first error are in; the rest go after the new tip.
        const inserted = firstErrorIndex(error);
        written.push(...sealed.slice(0, inserted));
        const last = inserted > 0 ? sealed[inserted - 1]! : null;
        known = await walkForward(last ? { seq: seqOf(last._id), hash: last.hash } : tip);
        rest = rest.slice(inserted);
      }
    }
    const first = written[0] ? seqOf(written[0]._id) : 0;
    // The hint is written beside whatever the caller does next (the relay's publish), not before
    // it answers; the next append of this process waits for it, so the window stays one append.
    const head = known && Math.floor(known.seq / headEvery) > Math.floor((first - 1) / headEvery) ? noteHead(known.seq) : null;
    return { written, head };
  }

  return {
    /** Appends entries in order, after whatever other processes appended; returns them sealed. */
    append(drafts: AuditDraft[]): Promise<AuditEntry[]> {
      if (drafts.length === 0) return Promise.resolve([]);
      const run = queue.then(() => appendNow(drafts));
      // A failed hint costs a later reader a few `_id` lookups, never an entry.
      queue = run.then(({ head }) => head).catch(() => undefined);
      return run.then(({ written }) => written);
    },
    /**
     * A seq at or below the tip, without a read when this process has appended or read the chain
     * before (the chain only grows): where a search for an entry appended from now on may start.
     */
    async floor(): Promise<number> {
      known ??= await readTip();
      return known.seq;
    },
    /** The tip as stored now (read by `_id`). */
    async tip(): Promise<Tip> {
      known = known ? await walkForward(known) : await readTip();
      return known;
    },
    entryAt,
    /** Up to `limit` entries after seq `after`, each read by `_id` (seqs are dense; a missing one is skipped here and named by verify). */
    async page(after: number, limit: number): Promise<AuditPage> {
      const tip = await readTip();
      const last = Math.min(tip.seq, after + limit);
      const seqs = Array.from({ length: Math.max(0, last - after) }, (_, i) => after + 1 + i);
      const found = await Promise.all(seqs.map(entryAt));
      return { items: found.filter((e): e is AuditEntry => e !== null), next: last < tip.seq ? last : null };
    },
    /** Reads the whole chain in `_id` order (one cursor) and verifies it; the head hint catches a cut-off tail. */
    async verify(): Promise<Verification> {
      const verifier = createChainVerifier();
      for await (const entry of entries.find({}).sort({ _id: 1 })) verifier.push(entry);
      const hint = (await heads.findOne({ _id: 'head' }))?.seq;
      return verifier.result(hint);
    },
  };
}

export function writeErrorsOf(error: unknown): { index: number; code: number }[] {
  const writeErrors = (error as { writeErrors?: { index: number; code: number }[] | { index: number; code: number } }).writeErrors;
  return Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
}

/** A duplicate key on an insert of entries (the driver reports a bulk insert's errors per document). */
export function isDuplicateSeq(error: unknown): boolean {
  const list = writeErrorsOf(error);
  return list.length > 0 ? list.every((e) => e.code === 11000) : isDuplicateKeyError(error);
}

function firstErrorIndex(error: unknown): number {
  const list = writeErrorsOf(error);
  return list.length > 0 ? Math.min(...list.map((e) => e.index)) : 0;
}
