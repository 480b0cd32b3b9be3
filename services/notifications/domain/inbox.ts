/**
 * A person's inbox as one document: the newest notices' ids with what the lists filter by, so
 * the inbox, its unread count and its live stream are `_id` reads however many notices the
 * service holds (FerretDB v1 scans any other filter). Pure: the store changes it under a lock.
 */
export interface InboxEntry {
  id: string;
  at: Date;
  urgent: boolean;
  read: boolean;
  acknowledged: boolean;
}

/**
 * The newest this many notices are listed (and counted as unread); older ones stay in the
 * deliveries evidence. Small on purpose: the document is rewritten for every notice, so its size
 * is the cost of telling a busy person (1,000 entries made the thousandth notice 4x slower).
 */
export const inboxCap = 200;

const newestFirst = (a: InboxEntry, b: InboxEntry) => b.at.getTime() - a.at.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Adds a notice once (adding it again changes nothing), newest first, within the cap. */
export function withNotice(entries: readonly InboxEntry[], entry: InboxEntry): InboxEntry[] {
  if (entries.some((e) => e.id === entry.id)) return [...entries];
  return [...entries, entry].sort(newestFirst).slice(0, inboxCap);
}

/** Marks a notice read and/or acknowledged (acknowledging reads it); marks never go back. */
export function withMark(entries: readonly InboxEntry[], id: string, mark: { read?: boolean; acknowledged?: boolean }): InboxEntry[] {
  return entries.map((e) => (e.id === id ? { ...e, read: e.read || !!mark.read || !!mark.acknowledged, acknowledged: e.acknowledged || !!mark.acknowledged } : e));
}

export type InboxFilter = 'all' | 'unread' | 'unacknowledged';

export function listed(entries: readonly InboxEntry[], filter: InboxFilter, limit: number): InboxEntry[] {
  const keep = filter === 'unread' ? (e: InboxEntry) => !e.read : filter === 'unacknowledged' ? (e: InboxEntry) => e.urgent && !e.acknowledged : () => true;
  return entries.filter(keep).slice(0, limit);
}

export const unreadCount = (entries: readonly InboxEntry[]): number => entries.filter((e) => !e.read).length;
