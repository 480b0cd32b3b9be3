import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { buildEvent, topicOf, type eventContracts } from '@aftersales/contracts';
import { insertedOnce, insertWithOutbox, isDuplicateKeyError, type Logger } from '@aftersales/platform';
import { resolveDuty, type Person, type Roster } from '../domain/duty';
import { emailSendAt, type QuietHours } from '../domain/quiet-hours';
import { deliveryId, emailText, isUrgent, noticeId, recipientsFor, render, subjectOf, type Call } from '../domain/notices';
import type { DeliveryDoc, NotificationsStore, NoticeDoc, PersonDoc, RosterDoc } from './collections';
import { createInboxes } from './inboxes';
import { createSubjectNotices } from './subject-notices';

export const toPerson = ({ _id, updatedAt: _u, ...rest }: PersonDoc): Person => ({ id: _id, ...rest });
export const toRoster = ({ _id, updatedAt: _u, ...rest }: RosterDoc): Roster => ({ id: _id, ...rest });

export interface Directory {
  people: Map<string, Person>;
  rosters: Roster[];
}

/** People and rosters are small collections: read whole, resolved in memory. */
export async function readDirectory(store: NotificationsStore): Promise<Directory> {
  const [people, rosters] = await Promise.all([store.people.find({}).toArray(), store.rosters.find({}).toArray()]);
  return { people: new Map(people.map((p) => [p._id, toPerson(p)])), rosters: rosters.map(toRoster) };
}

/**
 * The directory as facts are told: read again at most every 5 s rather than for every fact (a
 * burst of facts would read it thousands of times). A change through this process's API is seen
 * at once; one made through another process within 5 s.
 */
export const directoryCacheMs = 5_000;
const directoryCache = new WeakMap<NotificationsStore, { at: number; value: Promise<Directory> }>();

export function cachedDirectory(store: NotificationsStore): Promise<Directory> {
  const hit = directoryCache.get(store);
  if (hit && Date.now() - hit.at < directoryCacheMs) return hit.value;
  const value = readDirectory(store);
  directoryCache.set(store, { at: Date.now(), value });
  value.catch(() => directoryCache.delete(store));
  return value;
}

export function forgetDirectory(store: NotificationsStore): void {
  directoryCache.delete(store);
}

export interface FactToTell {
  eventId: string;
  eventType: string;
  occurredAt: Date;
  call: Call;
  region: string | null;
  productLine: string | null;
  link: string;
}

export interface TellOutcome {
  told: { personId: string; noticeId: string; role: string; because: string; created: boolean }[];
  unresolved: string[];
  /** Urgent notices and who is told next if nobody acknowledges: the person on duty, the roster's stand-in, their manager. */
  chains: { noticeId: string; chain: string[]; windowMs: number }[];
}

export interface NoticeTarget {
  eventId: string;
  eventType: string;
  occurredAt: Date;
  call: Call;
  link: string;
  role: string;
  /** The roster that named the person; null when the fact named them itself. */
  rosterId: string | null;
  because: 'on-duty' | 'stand-in' | 'passed-on' | 'named';
  chainId: string | null;
  level: number;
  /** The roster's quiet hours for this duty (the person's own apply when it has none). */
  quietHours?: QuietHours | null;
  /** Words put before the notice's own, e.g. why it was passed on. */
  preface?: { 'zh-CN': string; en: string };
}

export type AckLinkFor = (noticeId: string) => string;

/** What a deployment adds to a notice: the acknowledgement link, and the topic its told-fact goes to. */
export interface NoticeOptions {
  ackLinkFor?: AckLinkFor;
  /** The deployment's name of a topic; without it no notice.told fact is published (unit and int tests). */
  topic?: (name: string) => string;
}

/**
 * Gives one person one notice: the inbox entry, its inbox delivery and its e-mail, each a unique-key
 * insert (the notice by event x person), and the told fact, so doing it again completes what is
 * missing and adds nothing.
 */
export async function deliverNotice(store: NotificationsStore, person: Person, target: NoticeTarget, now: () => Date, options: NoticeOptions = {}): Promise<{ noticeId: string; created: boolean }> {
  const { ackLinkFor } = options;
  const id = noticeId(target.eventId, person.id);
  const words = render(target.call, person.language, person.timeZone, target.link);
  const preface = target.preface?.[person.language];
  if (preface) words.body = `${preface}\n\n${words.body}`;
  const at = now();
  const notice: NoticeDoc = {
    _id: id,
    personId: person.id,
    eventId: target.eventId,
    eventType: target.eventType,
    kind: target.call.kind,
    subject: subjectOf(target.call),
    role: target.role,
    rosterId: target.rosterId,
    because: target.because,
    urgent: isUrgent(target.call),
    language: person.language,
    title: words.title,
    body: words.body,
    link: target.link,
    call: target.call,
    chainId: target.chainId ?? (isUrgent(target.call) ? id : null),
    level: target.level,
    occurredAt: target.occurredAt,
    createdAt: at,
    readAt: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
  };
  // Listed under its subject first: a crash in between leaves an id to nothing, never an unlisted notice.
  await createSubjectNotices(store, now).add(notice.subject, id);
  const created = await insertedOnce(store.notices.insertOne(notice));
  // Seen before (a retry after a crash): the inbox gets the notice as stored, read or not.
  await createInboxes(store, now).add(created ? notice : ((await store.notices.findOne({ _id: id })) ?? notice));
  if (options.topic) {
    const data = { noticeId: id, subject: notice.subject, kind: notice.kind, personId: person.id, personName: person.name, role: notice.role, because: notice.because, urgent: notice.urgent, toldAt: notice.createdAt.toISOString() };
    await publishNoticeFact(store, `${id}:told`, 'notice.told@1', data, options.topic, at);
  }
  await insertedOnce(store.deliveries.insertOne(delivery(notice, 'inbox', null, at)));
  const ackUrl = notice.urgent && ackLinkFor ? ackLinkFor(id) : null;
  const sendAt = emailSendAt(at, notice.urgent, target.quietHours ?? person.quietHours, person.timeZone);
  await queueEmail(store, notice, person, { title: words.title, body: emailText(words.body, person.language, ackUrl) }, at, sendAt);
  return { noticeId: id, created };
}

/**
 * Tells the people on duty for a fact: for each role the fact calls for, the holders at the
 * fact's instant each get one notice (inbox) and one e-mail queued for sending. A re-delivered
 * fact (or a retry after a crash half-way) adds nothing that exists and completes what is missing;
 * an e-mail is queued only while its delivery is pending.
 */
export async function tell(store: NotificationsStore, fact: FactToTell, now: () => Date, log: Logger, options: NoticeOptions = {}): Promise<TellOutcome> {
  const directory = await cachedDirectory(store);
  const outcome: TellOutcome = { told: [], unresolved: [], chains: [] };
  const subject = subjectOf(fact.call);
  for (const role of recipientsFor(fact.call)) {
    // A name the fact gives that is a person (an engineer, an approver) is that person; any other is a duty role.
    const duty = directory.people.has(role)
      ? { holders: [{ personId: role, rosterId: null, because: 'named' as const }], unresolved: null }
      : resolveDuty(directory.rosters, directory.people, { role, region: fact.region, productLine: fact.productLine, at: fact.occurredAt });
    if (duty.holders.length === 0) {
      log.warn({ subject, role, reason: duty.unresolved }, 'a fact that calls for a person reached nobody');
      outcome.unresolved.push(`${role}: ${duty.unresolved ?? 'nobody'}`);
      continue;
    }
    for (const holder of duty.holders) {
      const person = directory.people.get(holder.personId)!;
      const roster = holder.rosterId ? directory.rosters.find((r) => r.id === holder.rosterId) : undefined;
      const told = await deliverNotice(store, person, { ...fact, role, rosterId: holder.rosterId, because: holder.because, chainId: null, level: 0, quietHours: roster?.quietHours ?? null }, now, options);
      outcome.told.push({ personId: person.id, noticeId: told.noticeId, role, because: holder.because, created: told.created });
      if (isUrgent(fact.call)) {
        const chain = [...new Set([person.id, roster?.standIn, person.manager].filter((id): id is string => !!id && directory.people.has(id)))];
        outcome.chains.push({ noticeId: told.noticeId, chain, windowMs: Math.round((roster?.acknowledgeWithinMinutes ?? 30) * 60_000) });
      }
    }
  }
  return outcome;
}

function delivery(notice: NoticeDoc, channel: 'inbox' | 'email', address: string | null, at: Date): DeliveryDoc {
  const inbox = channel === 'inbox';
  return {
    _id: deliveryId(notice._id, channel),
    noticeId: notice._id,
    personId: notice.personId,
    subject: notice.subject,
    channel,
    address,
    status: inbox ? 'delivered' : 'pending',
    createdAt: at,
    deliveredAt: inbox ? at : null,
    attempts: inbox ? [{ at, outcome: 'delivered' }] : [],
  };
}

async function queueEmail(store: NotificationsStore, notice: NoticeDoc, person: Person, words: { title: string; body: string }, at: Date, sendAt: Date): Promise<void> {
  const id = deliveryId(notice._id, 'email');
  const held = sendAt.getTime() > at.getTime();
  if (!(await insertedOnce(store.deliveries.insertOne({ ...delivery(notice, 'email', person.email, at), heldUntil: held ? sendAt : null })))) {
    // Seen before: queue it only if it is still pending (the sender marks it sent before it
    // removes its queue entry, so pending without an entry means it was never queued).
    const existing = await store.deliveries.findOne({ _id: id }, { projection: { status: 1 } });
    if (existing?.status !== 'pending') return;
  }
  await insertedOnce(store.mailQueue.insertOne({ _id: id, to: person.email, subject: words.title, text: words.body, language: person.language, attempt: 1, dueAt: sendAt, ...(held ? { digest: `${person.id}@${sendAt.toISOString()}` } : {}) }));
}

/** A fact about a notice (told, acknowledged) in the outbox, once by its id. */
export async function publishNoticeFact<K extends 'notice.told@1' | 'notice.acknowledged@1'>(
  store: NotificationsStore,
  factId: string,
  key: K,
  data: z.input<(typeof eventContracts)[K]['schema']>,
  topic: (name: string) => string,
  at: Date,
): Promise<void> {
  const event = buildEvent(key, data, { id: randomUUID(), occurredAt: at, source: 'notifications', subject: data.subject, correlationId: data.subject, causationId: null });
  // Through the relay's small pending index: the facts collection grows with every notice, and a
  // relay that filtered it by due date would read all of it on every pass (FerretDB v1 scans).
  await insertWithOutbox(store.noticeFacts, { _id: factId, subject: data.subject }, [{ topic: topic(topicOf(key)), event }], at).catch((error: unknown) => {
    if (!isDuplicateKeyError(error)) throw error;
  });
}
