import { z } from 'zod';
import { defineRoute, ForbiddenError, identifier, NotFoundError, type Platform, type Principal, type RouteSpec } from '@aftersales/platform';
import { inboxCap, listed, unreadCount } from '../domain/inbox';
import { acknowledgeNotice, markNoticeRead } from '../store/acknowledge';
import { createInboxes } from '../store/inboxes';
import { createSubjectNotices } from '../store/subject-notices';
import type { DeliveryDoc, NoticeDoc, NotificationsStore } from '../store/collections';
import { deliverySchema, noticeSchema } from './responses';

/** Staff read their own inbox; managers and the platform may act for anyone, auditors read anyone's. */
const staff = ['agent', 'dispatcher', 'engineer', 'depot', 'spares', 'quality', 'finance', 'manager', 'auditor', 'platform'] as const;
/** Who may mark read or acknowledge: staff but the auditor, whose role is read-only everywhere. */
const actors = staff.filter((role) => role !== 'auditor');
const evidenceReaders = ['manager', 'auditor', 'quality', 'platform'] as const;

function mayRead(principal: Principal | null, personId: string): void {
  if (!principal) throw new ForbiddenError('no principal');
  if (principal.sub === personId || principal.roles.some((r) => r === 'manager' || r === 'platform' || r === 'auditor')) return;
  throw new ForbiddenError(`this inbox belongs to ${personId}`, 'personId');
}

function mayAct(principal: Principal | null, personId: string): void {
  if (!principal) throw new ForbiddenError('no principal');
  if (principal.sub === personId || principal.roles.some((r) => r === 'manager' || r === 'platform')) return;
  throw new ForbiddenError(`this notice was sent to ${personId}`, 'personId');
}

/** How often an open stream looks at its inbox document (one `_id` read). */
const streamPollMs = 1000;

/**
 * From a notice to its reader's inbox and to acknowledging it. Not to the evidence by its subject:
 * a calendar's notice is about "calendar business-hours", which is no request or 8D id.
 */
const noticeLinks = {
  getInbox: { operationId: 'getPeopleByIdNotices', parameters: { id: '$response.body#/personId' } },
  acknowledge: { operationId: 'postNoticesByIdAcknowledgement', parameters: { id: '$response.body#/id' } },
};

export const noticeView = ({ _id, ...n }: NoticeDoc) => ({ id: _id, ...n });
const deliveryView = ({ _id, ...d }: DeliveryDoc) => ({ id: _id, ...d });

/** A person's inbox: list, unread count, mark read, acknowledge; and the evidence per request or 8D. */
export function inboxRoutes(store: NotificationsStore, platform: Pick<Platform, 'now' | 'temporal' | 'logger' | 'topic' | 'nudgeOutbox'>): RouteSpec[] {
  const { now } = platform;
  const inboxes = createInboxes(store, now);
  /** Notices by `_id`, in the order given (each a pushed-down lookup on FerretDB). */
  async function noticesOf(ids: string[]) {
    const docs = await Promise.all(ids.map((id) => store.notices.findOne({ _id: id })));
    return docs.filter((d): d is NoticeDoc => d !== null).map(noticeView);
  }
  /** Unknown people are 404 before anyone's right to their inbox is judged. */
  async function person(id: string): Promise<void> {
    if (!(await store.people.findOne({ _id: id }, { projection: { _id: 1 } }))) throw new NotFoundError('person', id, 'id');
  }
  async function notice(id: string): Promise<NoticeDoc> {
    const doc = await store.notices.findOne({ _id: id });
    if (!doc) throw new NotFoundError('notice', id, 'id');
    return doc;
  }
  return [
    defineRoute({
      method: 'get',
      path: '/v1/people/:id/notices',
      summary: "A person's inbox, newest first (status=unread for the unread ones)",
      tags: ['inbox'],
      roles: staff,
      params: z.object({ id: identifier }),
      query: z.object({ status: z.enum(['all', 'unread', 'unacknowledged']).default('all'), limit: z.coerce.number().int().min(1).max(inboxCap).default(100) }),
      responses: { 200: { description: 'The notices', schema: z.object({ personId: z.string(), items: z.array(noticeSchema) }) } },
      handler: async ({ params, query, principal }) => {
        await person(params.id);
        mayRead(principal, params.id);
        const box = await inboxes.read(params.id);
        return { status: 200, body: { personId: params.id, items: await noticesOf(listed(box.entries, query.status, query.limit).map((e) => e.id)) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/people/:id/notices/unread-count',
      summary: 'How many notices the person has not read',
      tags: ['inbox'],
      roles: staff,
      params: z.object({ id: identifier }),
      responses: { 200: { description: '{ personId, unread }', schema: z.object({ personId: z.string(), unread: z.number().int().nonnegative() }) } },
      handler: async ({ params, principal }) => {
        await person(params.id);
        mayRead(principal, params.id);
        return { status: 200, body: { personId: params.id, unread: unreadCount((await inboxes.read(params.id)).entries) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/people/:id/notices/stream',
      summary: "The person's inbox live (server-sent events): `inbox` with the unread count and the notices new since the last event",
      tags: ['inbox'],
      roles: staff,
      params: z.object({ id: identifier }),
      responses: { 200: { description: '`inbox` events: { personId, revision, unread, added: notices }', contentType: 'text/event-stream' } },
      handler: async ({ params, principal }) => {
        await person(params.id);
        mayRead(principal, params.id);
        const personId = params.id;
        return {
          status: 200,
          events: {
            start(send, closed) {
              let open = true;
              void closed.then(() => (open = false));
              void (async () => {
                let revision = -1;
                let seen = new Set<string>();
                while (open) {
                  try {
                    const box = await inboxes.read(personId);
                    if (box.revision !== revision) {
                      const fresh = revision === -1 ? [] : box.entries.filter((e) => !seen.has(e.id)).slice(0, 50);
                      send('inbox', { personId, revision: box.revision, unread: unreadCount(box.entries), added: await noticesOf(fresh.map((e) => e.id)) });
                      revision = box.revision;
                      seen = new Set(box.entries.map((e) => e.id));
                    }
                  } catch (err) {
                    platform.logger.warn({ err, personId }, 'inbox stream could not read the inbox; tries again');
                  }
                  await new Promise((resolve) => setTimeout(resolve, streamPollMs));
                }
              })();
            },
          },
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/notices/:id/read',
      summary: 'Marks a notice read (once; later calls answer the first reading)',
      tags: ['inbox'],
      roles: actors,
      params: z.object({ id: identifier }),
      responses: { 200: { description: 'The notice', schema: noticeSchema, links: noticeLinks }, 404: { description: 'No such notice' } },
      handler: async ({ params, principal }) => {
        const doc = await notice(params.id);
        mayAct(principal, doc.personId);
        if (!doc.readAt) await markNoticeRead(store, now, doc._id);
        await inboxes.mark(doc.personId, doc._id, { read: true });
        return { status: 200, body: noticeView(await notice(params.id)) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/notices/:id/acknowledgement',
      summary: 'Acknowledges a notice: the person has taken it on (also marks it read); once',
      tags: ['inbox'],
      roles: actors,
      params: z.object({ id: identifier }),
      responses: { 200: { description: 'The notice with who acknowledged and when', schema: noticeSchema, links: noticeLinks }, 404: { description: 'No such notice' } },
      handler: async ({ params, principal }) => {
        const doc = await notice(params.id);
        mayAct(principal, doc.personId);
        await acknowledgeNotice(store, platform, doc, principal?.sub ?? doc.personId, 'inbox');
        return { status: 200, body: noticeView(await notice(params.id)) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/notifications/deliveries',
      summary: 'For a request or 8D: every notice, to whom, on which channel, every attempt and its outcome, and who acknowledged when',
      tags: ['evidence'],
      roles: evidenceReaders,
      query: z.object({ subject: identifier }),
      responses: { 200: { description: 'The notices with their deliveries, oldest first', schema: z.object({ subject: z.string(), items: z.array(noticeSchema.extend({ deliveries: z.array(deliverySchema) })) }) } },
      handler: async ({ query }) => {
        const found = await createSubjectNotices(store, platform.now).evidence(query.subject);
        const items = found.map(({ notice, deliveries }) => ({ ...noticeView(notice), deliveries: deliveries.map(deliveryView) }));
        return { status: 200, body: { subject: query.subject, items } };
      },
    }),
  ];
}
