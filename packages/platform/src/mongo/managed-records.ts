import type { Collection } from 'mongodb';
import type { z } from 'zod';
import { ConflictError, NotFoundError, UnprocessableError } from '../errors';
import type { OutgoingEvent } from '../kafka/producer';
import { isDuplicateKeyError } from './connection';
import { insertWithOutbox, type StoredEvent } from './outbox';

/** A problem with a body, named to its field. */
export interface RecordProblem {
  field: string;
  message: string;
}

const pathOf = (path: readonly PropertyKey[]) => path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');

/** A body's problems against a schema, each named by its path (`week.1[0].start`); a misspelt key is named itself. */
export function problemsAgainst(schema: z.ZodType, body: unknown, whole: string): RecordProblem[] {
  const parsed = schema.safeParse(body);
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => ({ field: pathOf(issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path) || whole, message: issue.message }));
}

/**
 * Managed reference data (calendars, SLA policies, business rules) as versions: every change is a new immutable
 * version document, `<id>@<n>`, with who, when, why and from when it counts. Two writers amending
 * the same version race on that `_id`, so one gets 409 and nothing is lost (the unique-key rule).
 * A small head document per id lists the versions; it is written after the version, and a reader
 * that finds the next version already stored rolls the head forward, so a crash between the two
 * writes leaves nothing behind. Every read is an `_id` lookup, and the heads stay few.
 */
export interface VersionDoc<T> {
  _id: string;
  recordId: string;
  version: number;
  body: T;
  effectiveFrom: Date;
  changedAt: Date;
  changedBy: string;
  reason: string;
}

export type VersionSummary = Omit<VersionDoc<unknown>, '_id' | 'recordId' | 'body'>;

export interface HeadDoc {
  _id: string;
  version: number;
  versions: VersionSummary[];
}

export interface Amendment<T> {
  body: T;
  reason: string;
  /** From when the version counts; now when absent. Never in the past: elapsed time is not recounted. */
  effectiveFrom?: Date;
  /** The version the writer read; a newer one stored meanwhile answers 409. */
  expectedVersion?: number;
}

export interface ManagedKind<T> {
  /** In the domain's words, for messages: 'calendar', 'SLA policy'. */
  what: string;
  heads: Collection<HeadDoc>;
  versions: Collection<VersionDoc<T>>;
  /** Problems with a body, each naming its field (relative to the body). */
  check(body: unknown, id: string): RecordProblem[];
  /** Events stored with a new version (through the version collection's outbox). */
  eventsFor?(version: VersionDoc<T>): OutgoingEvent[];
}

/**
 * A version's line in the audit chain, stored with it (chain-only: never published): who changed
 * the record, the previous version's fields as the before and the new one's as the after.
 */
function chainedVersion<T>(what: string, collection: string, doc: VersionDoc<T>, previous: VersionDoc<T> | null, action: string): StoredEvent {
  const fields = (v: VersionDoc<T>) => ({ version: v.version, body: v.body, effectiveFrom: v.effectiveFrom, changedAt: v.changedAt, changedBy: v.changedBy, reason: v.reason });
  return {
    topic: '',
    chainOnly: true,
    actor: doc.changedBy,
    change: { action: `${action} ${what}`, before: previous ? fields(previous) : null, after: fields(doc) },
    event: { id: `${collection}/${doc._id}`, type: 'managed-record.versioned', version: 1, source: collection, occurredAt: doc.changedAt.toISOString(), subject: doc.recordId, correlationId: doc._id, causationId: null, data: null },
  };
}

/** Heads are cached this long; a reader on another process sees a new version within it. */
const headTtlMs = 5_000;
/** A version may say it counts from up to this long ago (clock skew between writer and server). */
const pastTolerance = 60_000;
export const epoch = new Date(0);

export type ManagedRecords<T> = ReturnType<typeof managedRecords<T>>;

export function managedRecords<T>(kind: ManagedKind<T>, now: () => Date) {
  const heads = new Map<string, { head: HeadDoc | null; readAt: number }>();
  const versions = new Map<string, VersionDoc<T>>();

  async function readVersion(id: string, version: number): Promise<VersionDoc<T> | null> {
    const key = `${id}@${version}`;
    const cached = versions.get(key);
    if (cached) return cached;
    const doc = await kind.versions.findOne({ _id: key } as never, { projection: { outbox: 0, outboxDueAt: 0 } });
    if (doc) versions.set(key, doc as VersionDoc<T>);
    return (doc as VersionDoc<T> | null) ?? null;
  }

  /** Writes the head for a stored version (idempotent: a head already past it is left alone). */
  async function advanceHead(doc: VersionDoc<T>): Promise<void> {
    const { _id: _key, recordId: _record, body: _body, ...summary } = doc;
    if (doc.version === 1) {
      await kind.heads.insertOne({ _id: doc.recordId, version: 1, versions: [summary] }).catch((error: unknown) => {
        if (!isDuplicateKeyError(error)) throw error;
      });
      return;
    }
    await kind.heads.updateOne({ _id: doc.recordId, version: doc.version - 1 }, { $set: { version: doc.version }, $push: { versions: summary } });
  }

  async function head(id: string, fresh = false): Promise<HeadDoc | null> {
    const cached = heads.get(id);
    if (!fresh && cached && Date.now() - cached.readAt < headTtlMs) return cached.head;
    let current = await kind.heads.findOne({ _id: id });
    // Roll forward over versions stored by a writer that died before its head update.
    for (;;) {
      const next = await readVersion(id, (current?.version ?? 0) + 1);
      if (!next) break;
      await advanceHead(next);
      current = await kind.heads.findOne({ _id: id });
    }
    heads.set(id, { head: current, readAt: Date.now() });
    return current;
  }

  /** The version in force at an instant: the newest one whose effectiveFrom has come. */
  async function inForce(id: string, at: Date): Promise<(VersionSummary & { id: string; body: T }) | null> {
    const h = await head(id);
    const summary = [...(h?.versions ?? [])].reverse().find((v) => v.effectiveFrom.getTime() <= at.getTime());
    if (!summary) return null;
    const doc = await readVersion(id, summary.version);
    return doc ? { ...summary, id, body: doc.body } : null;
  }

  async function amend(id: string, change: Amendment<T>, by: string): Promise<VersionDoc<T>> {
    const problems = kind.check(change.body, id);
    if (problems.length > 0) {
      const first = problems[0]!;
      throw new UnprocessableError(`body.${first.field}`, `${kind.what} ${id}: body.${first.field} ${first.message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`);
    }
    const at = now();
    const effectiveFrom = change.effectiveFrom ?? at;
    if (effectiveFrom.getTime() < at.getTime() - pastTolerance) {
      throw new UnprocessableError('effectiveFrom', 'effectiveFrom may not lie in the past: a change counts from now on, and time already elapsed is never recounted');
    }
    const current = await head(id, true);
    const version = (current?.version ?? 0) + 1;
    if (change.expectedVersion !== undefined && change.expectedVersion !== version - 1) {
      throw new ConflictError(`${kind.what} ${id} is at version ${version - 1}, not ${change.expectedVersion}; read it again and repeat the change on top`, 'expectedVersion');
    }
    const doc: VersionDoc<T> = { _id: `${id}@${version}`, recordId: id, version, body: change.body, effectiveFrom, changedAt: at, changedBy: by, reason: change.reason };
    const previous = version > 1 ? await readVersion(id, version - 1) : null;
    const events = [...(kind.eventsFor?.(doc) ?? []), chainedVersion(kind.what, kind.versions.collectionName, doc, previous, 'amend')];
    try {
      await insertWithOutbox(kind.versions as never, doc, events, at);
    } catch (error) {
      if (isDuplicateKeyError(error)) throw new ConflictError(`${kind.what} ${id} was changed meanwhile (version ${version}); read it again and repeat the change on top`, 'expectedVersion');
      throw error;
    }
    await advanceHead(doc);
    heads.delete(id);
    return doc;
  }

  return {
    head,
    inForce,
    amend,
    /** One version as stored (null when there is no such version). */
    version: readVersion,
    /** Every version of one record, oldest first (404 when there is none). */
    async history(id: string): Promise<VersionSummary[]> {
      const h = await head(id, true);
      if (!h) throw new NotFoundError(kind.what, id, 'id');
      return h.versions;
    },
    /** Every record's head; the collection stays small (a manufacturer keeps tens of calendars). */
    async list(): Promise<HeadDoc[]> {
      return kind.heads.find({}).sort({ _id: 1 }).toArray();
    },
    /** The shipped values as version 1, in force since ever; records that exist are left alone. */
    async seed(records: Readonly<Record<string, T>>, at: Date): Promise<void> {
      for (const [id, body] of Object.entries(records)) {
        if (await head(id, true)) continue;
        const doc: VersionDoc<T> = { _id: `${id}@1`, recordId: id, version: 1, body, effectiveFrom: epoch, changedAt: at, changedBy: 'seed', reason: 'the values the platform ships with' };
        try {
          await insertWithOutbox(kind.versions as never, doc, [...(kind.eventsFor?.(doc) ?? []), chainedVersion(kind.what, kind.versions.collectionName, doc, null, 'seed')], at);
        } catch (error) {
          if (!isDuplicateKeyError(error)) throw error;
        }
        await advanceHead(doc);
        heads.delete(id);
      }
    },
  };
}
