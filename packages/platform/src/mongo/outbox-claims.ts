import type { OutboxEntry } from './outbox';

/** An entry of the pending index as a pass reads it: what it is, since when it is due, what it carries. */
export interface DueEntry {
  _id: string;
  dueAt: Date;
  entries: readonly OutboxEntry[];
  /** How often the entry was taken over from a relay whose lease ran out (absent: never). */
  leaseEpoch?: number;
}

/**
 * The lease key of an entry's state: relays that read the same state race for one key (a unique
 * insert), so one of them wins. A taken-over entry gets the next epoch and with it a new key.
 */
export const leaseKeyOf = (p: Pick<DueEntry, '_id' | 'dueAt' | 'leaseEpoch'>): string => `${p._id}|${p.dueAt.getTime()}${p.leaseEpoch ? `|${p.leaseEpoch}` : ''}`;

/** The Kafka keys (aggregate ids) an entry's events go out under; a chain-only entry has none. */
export function keysOf(p: DueEntry): string[] {
  return p.entries.filter((e) => !e.chainOnly).map((e) => e.event.subject);
}

export interface OrderSafe<T> {
  /** Won and behind no held key: published by this pass, in this order. */
  take: T[];
  /** Won, but behind an entry of the same key that is not published yet: given back (lease deleted). */
  giveBack: T[];
  /** Lost: another relay holds the lease (or held it and died). */
  held: T[];
}

/**
 * Which of the entries a pass tried to lease (in due order) it may publish. An entry another relay
 * holds may not be out yet, so no later event of its aggregate may go before it: every entry after
 * it with one of its keys waits too (and blocks its own keys in turn), whether this pass won it or not.
 */
export function orderSafe<T extends DueEntry>(tried: readonly T[], lost: ReadonlySet<number>): OrderSafe<T> {
  const blocked = new Set<string>();
  const result: OrderSafe<T> = { take: [], giveBack: [], held: [] };
  tried.forEach((p, i) => {
    const keys = keysOf(p);
    const waits = lost.has(i) || keys.some((k) => blocked.has(k));
    if (!waits) {
      result.take.push(p);
      return;
    }
    (lost.has(i) ? result.held : result.giveBack).push(p);
    for (const k of keys) blocked.add(k);
  });
  return result;
}

/**
 * Held entries whose lease may have run out: a lease is taken after its entry fell due, so only an
 * entry due for longer than a lease can have one that old (the others need no read of the lease).
 */
export function mayBeStale<T extends DueEntry>(held: readonly T[], at: Date, leaseMs: number): T[] {
  return held.filter((p) => p.dueAt.getTime() < at.getTime() - leaseMs);
}

/** A lease that ran out (or was purged): its holder died or gave up; the entry may be taken over. */
export function leaseRanOut(lease: { claimedAt: Date } | null, at: Date, leaseMs: number): boolean {
  return lease === null || lease.claimedAt.getTime() < at.getTime() - leaseMs;
}

/**
 * The epoch a taken-over entry gets: a new lease key while its due instant, and so its place among
 * its aggregate's entries, stays (moving it to now would put it behind later ones). Every relay that
 * finds the same run-out lease writes the same epoch, then they race for its key.
 */
export const takenOverEpoch = (p: DueEntry): number => (p.leaseEpoch ?? 0) + 1;
