import type { Db } from 'mongodb';
import type { Logger } from 'pino';
import type { OutboxEntry } from '../mongo/outbox';
import { seqOf, type AuditDraft } from './chain';
import { auditCollections, isDuplicateSeq, writeErrorsOf, type AuditChain } from './store';
import { bulkWriteInChunks } from '../mongo/bulk';

/**
 * An event's mark: inserted (unique on the event id) before its entry is appended, given the
 * entry's seq after. A relay that publishes an event again (at-least-once) finds the mark with a
 * seq and appends nothing. A mark without a seq is an append in progress, or one whose process
 * died: after `staleMs` it is taken over (a unique key per takeover), the chain searched from
 * `fromSeq` (the tip the marker saw) for an entry of the event, and appended only if none is there.
 */
interface MarkDoc {
  _id: string;
  fromSeq: number;
  claimedAt: Date;
  seq?: number;
}

export class AppendInProgressError extends Error {
  constructor(eventId: string) {
    super(`audit chain: event ${eventId} is being appended by another process; the relay tries again`);
  }
}

/** What the chain records of an outbox entry: the writer's before/after when it gave them, else the event's data as the after. */
export function draftOfEvent(entry: OutboxEntry): AuditDraft {
  const { event } = entry;
  return {
    at: event.occurredAt,
    actor: entry.actor ?? event.source,
    action: entry.change?.action ?? `${event.type}@${event.version}`,
    subject: event.subject,
    kind: entry.change ? 'state' : 'event',
    before: entry.change ? entry.change.before : null,
    after: entry.change ? entry.change.after : event.data,
    ref: event.id,
  };
}

export interface EventChainOptions {
  now: () => Date;
  /** How long a mark without a seq belongs to the process that wrote it. */
  staleMs?: number;
  /** Where a failed write of the marks' seqs is told (it loses nothing; see `marking`). */
  log?: Logger;
}

/** Appends the entries of outbox events, each once by event id, in the order given. */
export function createEventChain(db: Db, chain: AuditChain, options: EventChainOptions) {
  const marks = db.collection<MarkDoc>(auditCollections.marks);
  const staleMs = options.staleMs ?? 30_000;
  /**
   * The seqs noted on the last record's marks, written after its append without holding up the
   * publish. A mark still without its seq only means "maybe appended": a retry of the same event
   * waits, and after `staleMs` takeOver finds the entry in the chain. So a crash before they land
   * loses nothing, and a failed write is left to that path (not retried here), though said: each
   * such event costs a takeover's read of the chain if it is relayed again.
   */
  let marking: Promise<void> = Promise.resolve();

  /** A mark without a seq whose process died: this process takes it over, or null when another did. */
  async function takeOver(mark: MarkDoc): Promise<'appended' | 'mine' | null> {
    const key = `${mark._id}|takeover|${mark.claimedAt.getTime()}`;
    try {
      await marks.insertOne({ _id: key, fromSeq: mark.fromSeq, claimedAt: options.now() });
    } catch (error) {
      if (isDuplicateSeq(error)) return null;
      throw error;
    }
    const tip = await chain.tip();
    for (let seq = mark.fromSeq + 1; seq <= tip.seq; seq++) {
      const entry = await chain.entryAt(seq);
      if (entry?.ref === mark._id) {
        await marks.updateOne({ _id: mark._id }, { $set: { seq } });
        return 'appended';
      }
    }
    await marks.updateOne({ _id: mark._id }, { $set: { claimedAt: options.now(), fromSeq: tip.seq } });
    return 'mine';
  }

  return {
    /** Appends what is not in the chain yet; throws AppendInProgressError while another process holds one of them. */
    async record(outbox: readonly OutboxEntry[]): Promise<number> {
      const byId = new Map(outbox.map((e) => [e.event.id, e]));
      if (byId.size === 0) return 0;
      const ids = [...byId.keys()];
      // The previous record's seqs first: an event relayed again right after must find its mark sealed.
      await marking;
      const fromSeq = await chain.floor();
      const claimedAt = options.now();
      const taken = new Set<number>();
      try {
        await marks.insertMany(ids.map((_id) => ({ _id, fromSeq, claimedAt })), { ordered: false });
      } catch (error) {
        if (!isDuplicateSeq(error)) throw error;
        for (const e of writeErrorsOf(error)) taken.add(e.index);
      }
      const mine = new Set(ids.filter((_, i) => !taken.has(i)));
      for (const i of taken) {
        const mark = await marks.findOne({ _id: ids[i]! });
        if (!mark || mark.seq !== undefined) continue;
        if (options.now().getTime() - mark.claimedAt.getTime() < staleMs) throw new AppendInProgressError(mark._id);
        const outcome = await takeOver(mark);
        if (outcome === null) throw new AppendInProgressError(mark._id);
        if (outcome === 'mine') mine.add(mark._id);
      }
      const drafts = ids.filter((id) => mine.has(id)).map((id) => draftOfEvent(byId.get(id)!));
      const written = await chain.append(drafts);
      if (written.length > 0) {
        marking = bulkWriteInChunks(marks, written.map((e) => ({ updateOne: { filter: { _id: e.ref! }, update: { $set: { seq: seqOf(e._id) } } } })), { ordered: false }).catch((error: unknown) => {
          options.log?.warn({ err: error, events: written.length }, 'audit marks not sealed with their seqs; an event relayed again waits for the takeover');
        });
      }
      return written.length;
    },
    /** Resolves once the seqs of the last record are on its marks (for tests). */
    async marked(): Promise<void> {
      await marking;
    },
  };
}

export type EventChain = ReturnType<typeof createEventChain>;
