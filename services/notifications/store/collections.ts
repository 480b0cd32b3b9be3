import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import type { KeyLockDoc, OutboxFields } from '@aftersales/platform';
import type { Language, Person, Roster } from '../domain/duty';
import type { InboxEntry } from '../domain/inbox';
import type { Call, NoticeKind } from '../domain/notices';

/**
 * Notifications' collections. "Once" rests on unique keys: a notice is `_id`-keyed by event and
 * person, a delivery by notice and channel, a send attempt's claim by delivery and attempt, so
 * re-deliveries and racing workers collide on an insert instead of telling someone twice.
 * People, rosters and the mail queue stay small (the queue holds only e-mail not yet sent); the
 * context read models are read by `_id` only.
 */
export type PersonDoc = Omit<Person, 'id'> & { _id: string; updatedAt: Date };
export type RosterDoc = Omit<Roster, 'id'> & { _id: string; updatedAt: Date };

/** What notices need of a request: where it stands and what machine, from service-request.registered. */
export interface RequestContextDoc {
  _id: string;
  region: string | null;
  productLine: string | null;
  model: string | null;
  customerId: string;
}

/** What notices need of an 8D, from eight-d.opened. */
export interface EightDContextDoc {
  _id: string;
  productLine: string;
  model: string;
}

/** One person's copy of one fact: the inbox entry. Only the person's own actions change it. */
export interface NoticeDoc {
  _id: string;
  personId: string;
  eventId: string;
  eventType: string;
  kind: NoticeKind;
  /** The request or 8D it is about. */
  subject: string;
  role: string;
  /** null when the fact named the person itself (an engineer, an approver, an 8D owner). */
  rosterId: string | null;
  because: 'on-duty' | 'stand-in' | 'passed-on' | 'named';
  urgent: boolean;
  language: Language;
  title: string;
  body: string;
  link: string;
  /** The fact as the words were made from it, so a notice passed on can be worded for its next reader. */
  call: Call;
  /** Urgent notices wait for acknowledgement in a chain named by its first notice; 0 = the person on duty, then stand-in, manager. */
  chainId: string | null;
  level: number;
  occurredAt: Date;
  createdAt: Date;
  readAt: Date | null;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  /** How it was acknowledged (absent on notices acknowledged before links existed). */
  acknowledgedVia?: 'inbox' | 'email-link';
}

export interface DeliveryAttempt {
  at: Date;
  outcome: 'delivered' | 'sent' | 'failed';
  error?: string;
  /** The digest message it went out in. */
  digest?: string;
}

/** One channel's delivery of one notice, with every attempt. Only the sender that holds the attempt's claim writes it. */
export interface DeliveryDoc {
  _id: string;
  noticeId: string;
  personId: string;
  subject: string;
  channel: 'inbox' | 'email';
  address: string | null;
  status: 'delivered' | 'pending' | 'sent';
  createdAt: Date;
  deliveredAt: Date | null;
  /** Not sent before this instant: the reader's quiet hours (absent or null = at once). */
  heldUntil?: Date | null;
  attempts: DeliveryAttempt[];
}

/** The durable record of an e-mail not yet accepted by the SMTP server; removed once it is. */
export interface MailQueueDoc {
  _id: string; // the delivery id
  to: string;
  subject: string;
  text: string;
  language: Language;
  attempt: number;
  dueAt: Date;
  /** Held through the reader's quiet hours: sent with the others of the same key as one digest (`<person>@<instant>`). */
  digest?: string;
}

/** Claim on one send attempt of one e-mail: two workers never send the same attempt. */
export interface MailClaimDoc {
  _id: string; // delivery id#attempt
  claimedAt: Date;
}

/** A chat-tool subscriber: where facts are POSTed, the secret they are signed with, which kinds it takes (none = all). */
export interface WebhookDoc {
  _id: string;
  url: string;
  secret: string;
  kinds: NoticeKind[];
  updatedAt: Date;
}

/** One fact to one subscriber: its body as sent, every attempt, and whether it was accepted or parked (dead). */
export interface WebhookDeliveryDoc {
  _id: string;
  subscriberId: string;
  eventId: string;
  subject: string;
  kind: NoticeKind;
  body: string;
  status: 'pending' | 'delivered' | 'dead';
  createdAt: Date;
  deliveredAt: Date | null;
  attempts: { at: Date; outcome: 'delivered' | 'failed'; httpStatus: number | null; error?: string }[];
}

/** Webhook deliveries waiting for their next attempt (small: removed when delivered or parked). */
export interface WebhookQueueDoc {
  _id: string;
  attempt: number;
  dueAt: Date;
}

/** A person's inbox: their newest notices with what the lists filter by (domain/inbox.ts). */
export interface InboxDoc {
  _id: string; // person id
  revision: number;
  entries: InboxEntry[];
  updatedAt: Date;
}

/** A fact about a notice (`<notice>:told`, `<notice>:acknowledged`), inserted once with its event in the outbox. */
export interface NoticeFactDoc extends OutboxFields {
  _id: string;
  subject: string;
}

/** An answer that is due (a quote waiting for the customer): told at `dueAt` unless removed first. Small: only pending ones. */
export interface ReminderDoc {
  _id: string;
  dueAt: Date;
  call: Call;
  link: string;
  /** Where the rosters are chosen (the request's region, the 8D's product line), kept when it was set. */
  region: string | null;
  productLine: string | null;
}

/** One notice of a subject, `_id` = `<subject>#<n>` (see subject-notices.ts). */
export interface SubjectNoticesDoc {
  _id: string;
  noticeId: string;
}

/** One delivery of a subscriber's log, `_id` = `<subscriber>#<n>` (see webhook-logs.ts). */
export interface SubscriberDeliveryDoc {
  _id: string;
  deliveryId: string;
}

export interface NotificationsStore {
  people: Collection<PersonDoc>;
  rosters: Collection<RosterDoc>;
  requestContexts: Collection<RequestContextDoc>;
  eightDContexts: Collection<EightDContextDoc>;
  notices: Collection<NoticeDoc>;
  inboxes: Collection<InboxDoc>;
  inboxLocks: Collection<KeyLockDoc>;
  noticeFacts: Collection<NoticeFactDoc>;
  reminders: Collection<ReminderDoc>;
  deliveries: Collection<DeliveryDoc>;
  mailQueue: Collection<MailQueueDoc>;
  mailClaims: Collection<MailClaimDoc>;
  webhooks: Collection<WebhookDoc>;
  webhookDeliveries: Collection<WebhookDeliveryDoc>;
  webhookQueue: Collection<WebhookQueueDoc>;
  webhookClaims: Collection<MailClaimDoc>;
  subjectNotices: Collection<SubjectNoticesDoc>;
  subscriberDeliveries: Collection<SubscriberDeliveryDoc>;
  parkedDeliveries: Collection<SubscriberDeliveryDoc>;
  /** One-off builds that ran (their id names them), so each runs once. */
  builds: Collection<{ _id: string; builtAt: Date }>;
  init(): Promise<void>;
}

export function createNotificationsStore(connection: Connection): NotificationsStore {
  const db = connection.db;
  if (!db) throw new Error('the Mongo connection has no database yet');
  const store = {
    people: db.collection<PersonDoc>('people'),
    rosters: db.collection<RosterDoc>('rosters'),
    requestContexts: db.collection<RequestContextDoc>('requestContexts'),
    eightDContexts: db.collection<EightDContextDoc>('eightDContexts'),
    notices: db.collection<NoticeDoc>('notices'),
    inboxes: db.collection<InboxDoc>('inboxes'),
    inboxLocks: db.collection<KeyLockDoc>('inboxLocks'),
    noticeFacts: db.collection<NoticeFactDoc>('noticeFacts'),
    reminders: db.collection<ReminderDoc>('reminders'),
    deliveries: db.collection<DeliveryDoc>('deliveries'),
    mailQueue: db.collection<MailQueueDoc>('mailQueue'),
    mailClaims: db.collection<MailClaimDoc>('mailClaims'),
    webhooks: db.collection<WebhookDoc>('webhooks'),
    webhookDeliveries: db.collection<WebhookDeliveryDoc>('webhookDeliveries'),
    webhookQueue: db.collection<WebhookQueueDoc>('webhookQueue'),
    webhookClaims: db.collection<MailClaimDoc>('webhookClaims'),
    subjectNotices: db.collection<SubjectNoticesDoc>('subjectNotices'),
    subscriberDeliveries: db.collection<SubscriberDeliveryDoc>('webhookSubscriberDeliveries'),
    parkedDeliveries: db.collection<SubscriberDeliveryDoc>('webhookParkedDeliveries'),
    builds: db.collection<{ _id: string; builtAt: Date }>('notificationBuilds'),
  };
  return {
    ...store,
    async init() {
      // For the one-off inbox build of a person whose notices predate inbox documents; a subject's
      // notices are read through subjectNotices, by `_id`.
      await store.notices.createIndex({ personId: 1, createdAt: -1 });
    },
  };
}
