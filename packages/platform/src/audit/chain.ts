import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * One link of a service's audit chain. `_id` is the sequence number zero-padded to 12 digits, so
 * `_id` order is chain order and the next number is claimed by a unique-key insert. Every value is
 * plain JSON (instants as ISO strings): what is hashed is exactly what is stored and read back.
 */
export interface AuditEntry {
  _id: string;
  /** When the change happened (the event's occurredAt), or when the query was made. */
  at: string;
  /** The user id of the caller; the service's name for changes it made by itself. */
  actor: string;
  /** The event's `type@version`, `amend <what>` for managed records, or `query`. */
  action: string;
  /** The aggregate id the change is about. */
  subject: string;
  /**
   * What `before` and `after` hold: `state` (the record's fields before and after the change),
   * `event` (no before is known: `after` is the event's data), `query` (`after` is the request).
   */
  kind: 'state' | 'event' | 'query';
  before: unknown;
  after: unknown;
  /** The event id the entry was made for (null for a query): how a retried append finds it. */
  ref: string | null;
  prevHash: string;
  hash: string;
}

export type SealedFields = 'prevHash' | 'hash' | '_id';
export type AuditDraft = Omit<AuditEntry, SealedFields>;

/** The prevHash of seq 1. */
export const genesisHash = '0'.repeat(64);
const seqDigits = 12;

export const seqId = (seq: number): string => String(seq).padStart(seqDigits, '0');
export const seqOf = (id: string): number => Number(id);

/** A value as it survives a round trip through JSON (dates become ISO strings, undefined goes). */
export function asJson(value: unknown): unknown {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as unknown);
}

/** sha256 (hex) of the RFC 8785 canonical JSON of the entry without its `hash`. */
export function entryHash(entry: Omit<AuditEntry, 'hash'> & { hash?: string }): string {
  const { hash: _hash, ...hashed } = entry;
  return createHash('sha256').update(canonicalize(hashed) ?? '').digest('hex');
}

/** The entry at `seq` after `prevHash`, sealed with its hash. */
export function sealEntry(draft: AuditDraft, seq: number, prevHash: string): AuditEntry {
  const unsealed = { ...(asJson(draft) as AuditDraft), _id: seqId(seq), prevHash };
  return { ...unsealed, hash: entryHash(unsealed) };
}

/** Drafts sealed one after the other from the chain's tip. */
export function sealAfter(tip: { seq: number; hash: string }, drafts: AuditDraft[]): AuditEntry[] {
  const sealed: AuditEntry[] = [];
  let prev = tip;
  for (const draft of drafts) {
    const entry = sealEntry(draft, prev.seq + 1, prev.hash);
    sealed.push(entry);
    prev = { seq: prev.seq + 1, hash: entry.hash };
  }
  return sealed;
}

/**
 * How a chain is broken at its first bad seq:
 * - `edited`: the entry's content does not give its hash (changed after it was written);
 * - `deleted`: the seq is missing, and no later entry carries it;
 * - `swapped`: the seq turns up later, out of its place;
 * - `relinked`: the entry is whole, but its prevHash is not the previous entry's hash (an entry
 *   before it was rewritten together with its hash, or entries were swapped and rehashed).
 */
export type ChainBreak = 'edited' | 'deleted' | 'swapped' | 'relinked';

export type Verification =
  | { ok: true; checked: number; head: { seq: number; hash: string } }
  | { ok: false; checked: number; seq: number; break: ChainBreak; message: string };

export interface ChainVerifier {
  /** The next entry in the order read (by `_id`). */
  push(entry: AuditEntry): void;
  /** The verdict over what was pushed; `expectedHead` (seq) catches a cut-off tail. */
  result(expectedHead?: number): Verification;
}

/**
 * Checks entries in order, from `from` (the genesis by default, or the last entry of a verified
 * page). Pure: the caller reads the entries. A missing seq is judged at the end (or when it turns
 * up later), so a deletion and a swap are told apart.
 */
export function createChainVerifier(from: { seq: number; hash: string } = { seq: 0, hash: genesisHash }): ChainVerifier {
  let prev = from;
  let checked = 0;
  let missing: number | null = null;
  let found: Extract<Verification, { ok: false }> | null = null;
  const fail = (seq: number, kind: ChainBreak, message: string) => {
    found = { ok: false, checked, seq, break: kind, message };
  };
  return {
    push(entry) {
      if (found) return;
      const seq = seqOf(entry._id);
      if (missing !== null) {
        // Looking only for the missing seq: found later, it was swapped out of its place.
        if (seq === missing) fail(missing, 'swapped', `entry ${seqId(missing)} is out of its place in the chain`);
        return;
      }
      checked++;
      const expected = prev.seq + 1;
      if (seq !== expected) {
        if (seq < expected) return fail(expected, 'swapped', `entry ${entry._id} appears after entry ${seqId(prev.seq)}`);
        missing = expected;
        return;
      }
      if (entryHash(entry) !== entry.hash) return fail(seq, 'edited', `entry ${entry._id} does not match its hash: it was changed after it was written`);
      if (entry.prevHash !== prev.hash) return fail(seq, 'relinked', `entry ${entry._id} does not follow the hash of entry ${seqId(prev.seq)}`);
      prev = { seq, hash: entry.hash };
    },
    result(expectedHead) {
      if (found) return found;
      if (missing !== null) return { ok: false, checked, seq: missing, break: 'deleted', message: `entry ${seqId(missing)} is missing from the chain` };
      if (expectedHead !== undefined && expectedHead > prev.seq) {
        return { ok: false, checked, seq: prev.seq + 1, break: 'deleted', message: `the chain ends at ${seqId(prev.seq)}, but entry ${seqId(expectedHead)} was written` };
      }
      return { ok: true, checked, head: prev };
    },
  };
}

/** Verifies a whole list of entries in the order given. */
export function verifyChain(entries: readonly AuditEntry[], expectedHead?: number): Verification {
  const verifier = createChainVerifier();
  for (const entry of entries) verifier.push(entry);
  return verifier.result(expectedHead);
}
