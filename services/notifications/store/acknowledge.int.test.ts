import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectMongo, type Platform } from '@aftersales/platform';
import { testLogger, uniqueName, utcDayAt } from '@aftersales/platform/testing';
import { acknowledgeNotice, markNoticeRead } from './acknowledge';
import { createNotificationsStore, type NoticeDoc, type NotificationsStore } from './collections';
import { createAcknowledgementActivities } from '../worker/acknowledgement-activities';
import { deliverNotice, toPerson } from './notifier';
import { createSubjectNotices } from './subject-notices';

const stack = inject('stack');
const dbName = uniqueName('notify-ack').replace(/-/g, '_');
const anchor = utcDayAt(0, '08:00');
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const notice = (id: string): NoticeDoc => ({
  _id: id, personId: 'P-1', eventId: `E-${id}`, eventType: 'service-request.sla-breached@1', kind: 'sla-breached', subject: 'SR-1', role: 'dispatcher', rosterId: null, because: 'named', urgent: true,
  language: 'en', title: 't', body: 'b', link: '/', call: { kind: 'sla-breached', requestId: 'SR-1', clock: 'first-response', tier: 'P1', dueAt: anchor.toISOString() },
  chainId: null, level: 0, occurredAt: anchor, createdAt: anchor, readAt: null, acknowledgedAt: null, acknowledgedBy: null,
});

/** On the real Mongo server: a notice's first acknowledgement and first reading stand, read and written by `_id`. */
describe('notice marks', () => {
  let connection: Connection;
  let store: NotificationsStore;
  let clock = anchor;
  const platform = { now: () => clock, logger: testLogger(), topic: (n: string) => `${dbName}.${n}`, nudgeOutbox: () => undefined, temporal: {} } as unknown as Pick<Platform, 'now' | 'temporal' | 'logger' | 'topic' | 'nudgeOutbox'>;

  beforeAll(async () => {
    connection = await connectMongo(stack.mongoUrl, dbName);
    store = createNotificationsStore(connection);
    await store.init();
  });

  afterAll(async () => {
    await connection?.dropDatabase();
    await connection?.close();
  });

  it('acknowledged from the inbox and by e-mail link at once: the first stands, and its fact says so', async () => {
    const doc = notice('N-1');
    await store.notices.insertOne(doc);
    let second: Promise<void> | null = null;
    // The inbox's look at the notice answers; the e-mail link's acknowledgement then runs (if nothing holds it) before the inbox writes.
    const notices = new Proxy(store.notices, {
      get(target, prop) {
        if (prop === 'findOne' && !second) {
          return async (...args: Parameters<Collection<NoticeDoc>['findOne']>) => {
            const read = await target.findOne(...args);
            clock = new Date(anchor.getTime() + 5_000);
            second = acknowledgeNotice(store, platform, doc, 'P-2', 'email-link');
            await sleep(300);
            return read;
          };
        }
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    await acknowledgeNotice({ ...store, notices }, platform, doc, 'P-1', 'inbox');
    await second;
    const stored = await store.notices.findOne({ _id: 'N-1' });
    expect(stored).toMatchObject({ acknowledgedBy: 'P-1', acknowledgedVia: 'inbox', acknowledgedAt: anchor });
    const fact = await store.noticeFacts.findOne({ _id: 'N-1:acknowledged' });
    expect(fact?.outbox?.[0]?.event.data).toMatchObject({ by: 'P-1', via: 'inbox', acknowledgedAt: anchor.toISOString() });
    const inbox = await store.inboxes.findOne({ _id: 'P-1' });
    expect(inbox?.entries.find((e) => e.id === 'N-1')).toMatchObject({ acknowledged: true });
  });

  it('read twice: the first reading stands', async () => {
    await store.notices.insertOne(notice('N-2'));
    clock = anchor;
    await markNoticeRead(store, platform.now, 'N-2');
    clock = new Date(anchor.getTime() + 60_000);
    await markNoticeRead(store, platform.now, 'N-2');
    expect(await store.notices.findOne({ _id: 'N-2' })).toMatchObject({ readAt: anchor });
    expect(await store.inboxLocks.countDocuments({})).toBe(0);
  });

  it("an acknowledgement in the chain is found by the next step by _id: the passed-on notice's, and one a retried step's earlier try told", async () => {
    clock = anchor;
    for (const id of ['P-A', 'P-B', 'P-C']) {
      await store.people.insertOne({ _id: id, name: id, roles: [], email: `${id.toLowerCase()}@example.test`, phone: null, timeZone: 'UTC', language: 'en', regions: [], productLines: [], manager: null, absences: [], updatedAt: anchor });
    }
    const { passOn } = createAcknowledgementActivities(store, platform.now);
    const root = { ...notice('N-CHAIN'), personId: 'P-A', chainId: 'N-CHAIN' };
    await store.notices.insertOne(root);
    const step = { noticeId: 'N-CHAIN', windowMs: 60_000 };
    const toB = await passOn({ ...step, level: 1, from: 'P-A', to: 'P-B', chainNotices: ['N-CHAIN'] });
    if (!('told' in toB)) throw new Error('the stand-in should have been told');
    // B acknowledges the passed-on notice; its signal is lost (no Temporal here).
    const passed = (await store.notices.findOne({ _id: toB.told }))!;
    clock = new Date(anchor.getTime() + 10_000);
    await acknowledgeNotice(store, platform, passed, 'P-B', 'inbox');
    // The next step finds it: C is not told.
    expect(await passOn({ ...step, level: 2, from: 'P-B', to: 'P-C', chainNotices: ['N-CHAIN', toB.told] })).toEqual({ acknowledged: { noticeId: toB.told, by: 'P-B', at: clock.toISOString() } });
    expect(await store.notices.countDocuments({ personId: 'P-C' })).toBe(0);
    // A step whose first try told B but never returned: its retry names only the root, and still finds B's.
    expect(await passOn({ ...step, level: 1, from: 'P-A', to: 'P-B', chainNotices: ['N-CHAIN'] })).toMatchObject({ acknowledged: { noticeId: toB.told, by: 'P-B' } });
  });

  it("a subject's notices and deliveries, read by _id, are what the filters over every notice find; built once, none lost at once", async () => {
    const subjects = createSubjectNotices(store, platform.now);
    const byFilter = async (subject: string) => {
      const notices = await store.notices.find({ subject }).sort({ occurredAt: 1, _id: 1 }).toArray();
      const deliveries = await store.deliveries.find({ subject }).toArray();
      return notices.map((n) => ({ id: n._id, channels: deliveries.filter((d) => d.noticeId === n._id).map((d) => d.channel).sort() }));
    };
    const byList = async (subject: string) => (await subjects.evidence(subject)).map(({ notice, deliveries }) => ({ id: notice._id, channels: deliveries.map((d) => d.channel) }));
    // The notices above were partly written straight to the store, as before the lists existed.
    expect(await subjects.buildOnce()).toBe(true);
    expect(await subjects.buildOnce()).toBe(false);
    expect((await byList('SR-1')).length).toBeGreaterThan(3);
    expect(await byList('SR-1')).toEqual(await byFilter('SR-1'));
    // Twenty notices of one request told at once, racing for the subject's entries.
    const people = await store.people.find({ _id: { $in: ['P-A', 'P-B', 'P-C'] } }).toArray();
    const call = { ...notice('x').call, requestId: 'SR-MANY' };
    await Promise.all(Array.from({ length: 20 }, (_, i) => deliverNotice(store, toPerson(people[i % 3]!), { eventId: `E-MANY-${i}`, eventType: 'service-request.sla-breached@1', occurredAt: new Date(anchor.getTime() + i * 1000), call, link: '/', role: 'dispatcher', rosterId: null, because: 'named', chainId: null, level: 0 }, platform.now)));
    const many = await byList('SR-MANY');
    expect(many).toHaveLength(20);
    expect(many).toEqual(await byFilter('SR-MANY'));
    // An id listed by a process that died before the notice's insert names nothing and is skipped.
    await subjects.add('SR-MANY', 'NTC-NEVER-WRITTEN');
    expect(await byList('SR-MANY')).toEqual(many);
  });
});
