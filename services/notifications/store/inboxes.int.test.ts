import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { commandNames, commandRecorder, monitoredConnection, scansOf, uniqueName, utcDayAt } from '@aftersales/platform/testing';
import { inboxCap } from '../domain/inbox';
import { createNotificationsStore, type NoticeDoc, type NotificationsStore } from './collections';
import { buildInboxesOnce, createInboxes } from './inboxes';

/**
 * A person's inbox is one document. People whose notices were stored before inbox documents
 * existed had theirs made from a filter on `notices` (every notice ever sent, on FerretDB v1) at
 * their first notice or first look, and so did anyone with no notice yet, at every look. The
 * inboxes of the first are now written once at start; after that no path reads `notices` by filter.
 */
const dbName = uniqueName('notify-inboxes').replace(/-/g, '_');
const anchor = utcDayAt(-3, '08:00').getTime();
const keyed = new Set(['notices', 'inboxes']);
const small = new Set(['inboxLocks', 'notificationBuilds']);
const { listener, recorded } = commandRecorder();

let connection: Connection;
let store: NotificationsStore;

const notice = (i: number, personId: string, marks: Partial<Pick<NoticeDoc, 'readAt' | 'acknowledgedAt'>> = {}): NoticeDoc => ({
  _id: `N-${String(i).padStart(5, '0')}`, personId, eventId: `E-${i}`, eventType: 'service-request.sla-breached@1', kind: 'sla-breached', subject: `SR-${i}`, role: 'dispatcher', rosterId: null, because: 'named', urgent: i % 2 === 0,
  language: 'en', title: 't', body: 'b', link: '/', call: { kind: 'sla-breached', requestId: `SR-${i}`, clock: 'first-response', tier: 'P1', dueAt: new Date(anchor).toISOString() },
  chainId: null, level: 0, occurredAt: new Date(anchor + i * 1_000), createdAt: new Date(anchor + i * 1_000), readAt: null, acknowledgedAt: null, acknowledgedBy: null, ...marks,
});

beforeAll(async () => {
  connection = await monitoredConnection(inject('stack').mongoUrl, dbName, listener);
  store = createNotificationsStore(connection);
  await store.init();
  // As stored before inbox documents: P-1 told 300 times (more than the cap), some read; P-2 twice, one acknowledged.
  await store.notices.insertMany([
    ...Array.from({ length: 300 }, (_, i) => notice(i, 'P-1', i % 3 === 0 ? { readAt: new Date(anchor) } : {})),
    notice(1_000, 'P-2'),
    notice(1_001, 'P-2', { readAt: new Date(anchor), acknowledgedAt: new Date(anchor) }),
  ]);
  // P-3 already has an inbox, as every person told since inbox documents existed.
  await store.notices.insertOne(notice(2_000, 'P-3'));
  await createInboxes(store, () => new Date()).add(notice(2_000, 'P-3'));
});

afterAll(async () => {
  await connection?.dropDatabase();
  await connection?.close();
});

describe('inboxes of notices stored before them', () => {
  it('are written once at start as the per-person filter made them, and nobody\'s look reads notices by filter after', async () => {
    // What each first look used to make: the person's notices by filter.
    const before = createInboxes(store, () => new Date());
    expect(await buildInboxesOnce(store, () => new Date())).toBe(2);
    expect(await buildInboxesOnce(store, () => new Date())).toBe(-1);
    const p1 = await before.read('P-1');
    expect(p1.entries).toHaveLength(inboxCap);
    expect(p1.entries[0]).toMatchObject({ id: 'N-00299', read: false, urgent: false });
    expect(p1.entries.filter((e) => e.read)).toHaveLength(66); // every third of N-00100..N-00299
    expect((await before.read('P-2')).entries).toEqual([
      { id: 'N-01001', at: new Date(anchor + 1_001_000), urgent: false, read: true, acknowledged: true },
      { id: 'N-01000', at: new Date(anchor + 1_000_000), urgent: true, read: false, acknowledged: false },
    ]);
    // P-3's inbox was left as it was.
    expect((await store.inboxes.findOne({ _id: 'P-3' }))?.revision).toBe(1);

    const inboxes = createInboxes(store, () => new Date());
    const looks: (() => Promise<unknown>)[] = [() => inboxes.read('P-NOBODY'), () => inboxes.read('P-1'), () => inboxes.add(notice(3_000, 'P-NEW')), () => inboxes.mark('P-2', 'N-01000', { read: true })];
    for (const look of looks) {
      const { commands } = await recorded(look);
      expect(scansOf(commands, { keyed, small })).toEqual([]);
      expect(commandNames(commands)).not.toContain('find notices');
    }
    // Nobody told yet: an empty inbox, nothing written for the look.
    expect(await inboxes.read('P-NOBODY')).toEqual({ revision: 0, entries: [] });
    expect(await store.inboxes.findOne({ _id: 'P-NOBODY' })).toBeNull();
    expect((await inboxes.read('P-NEW')).entries.map((e) => e.id)).toEqual(['N-03000']);
    expect((await inboxes.read('P-2')).entries.find((e) => e.id === 'N-01000')?.read).toBe(true);
  });
});
