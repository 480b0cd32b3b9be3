import { z } from 'zod';
import { defineRoute, ForbiddenError, identifier, NotFoundError, type Platform, type Principal, type RouteSpec } from '@aftersales/platform';
import { acknowledgeNotice } from '../store/acknowledge';
import type { DeliveryDoc, NoticeDoc, NotificationsStore } from '../store/collections';

/** Staff read their own inbox; managers and the platform may act for anyone, auditors read anyone's. */
const staff = ['agent', 'dispatcher', 'engineer', 'depot', 'spares', 'quality', 'finance', 'manager', 'auditor', 'platform'] as const;
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

export const noticeView = ({ _id, ...n }: NoticeDoc) => ({ id: _id, ...n });
const deliveryView = ({ _id, ...d }: DeliveryDoc) => ({ id: _id, ...d });

/** A person's inbox: list, unread count, mark read, acknowledge; and the evidence per request or 8D. */
export function inboxRoutes(store: NotificationsStore, platform: Pick<Platform, 'now' | 'temporal' | 'logger'>): RouteSpec[] {
  const { now } = platform;
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
      query: z.object({ status: z.enum(['all', 'unread', 'unacknowledged']).default('all'), limit: z.coerce.number().int().min(1).max(500).default(100) }),
      responses: { 200: { description: 'The notices' } },
      handler: async ({ params, query, principal }) => {
        await person(params.id);
        mayRead(principal, params.id);
        const filter: Record<string, unknown> = { personId: params.id };
        if (query.status === 'unread') filter.readAt = null;
        if (query.status === 'unacknowledged') Object.assign(filter, { urgent: true, acknowledgedAt: null });
        const docs = await store.notices.find(filter).sort({ createdAt: -1, _id: 1 }).limit(query.limit).toArray();
        return { status: 200, body: { personId: params.id, items: docs.map(noticeView) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/people/:id/notices/unread-count',
      summary: 'How many notices the person has not read',
      tags: ['inbox'],
      roles: staff,
      params: z.object({ id: identifier }),
      responses: { 200: { description: '{ personId, unread }' } },
      handler: async ({ params, principal }) => {
        await person(params.id);
        mayRead(principal, params.id);
        const unread = await store.notices.countDocuments({ personId: params.id, readAt: null });
        return { status: 200, body: { personId: params.id, unread } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/notices/:id/read',
      summary: 'Marks a notice read (once; later calls answer the first reading)',
      tags: ['inbox'],
      roles: staff,
      params: z.object({ id: identifier }),
      responses: { 200: { description: 'The notice' }, 404: { description: 'No such notice' } },
      handler: async ({ params, principal }) => {
        const doc = await notice(params.id);
        mayAct(principal, doc.personId);
        if (!doc.readAt) await store.notices.updateOne({ _id: doc._id, readAt: null }, { $set: { readAt: now() } });
        return { status: 200, body: noticeView(await notice(params.id)) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/notices/:id/acknowledgement',
      summary: 'Acknowledges a notice: the person has taken it on (also marks it read); once',
      tags: ['inbox'],
      roles: staff,
      params: z.object({ id: identifier }),
      responses: { 200: { description: 'The notice with who acknowledged and when' }, 404: { description: 'No such notice' } },
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
      responses: { 200: { description: 'The notices with their deliveries, oldest first' } },
      handler: async ({ query }) => {
        const [notices, deliveries] = await Promise.all([
          store.notices.find({ subject: query.subject }).sort({ occurredAt: 1, _id: 1 }).toArray(),
          store.deliveries.find({ subject: query.subject }).toArray(),
        ]);
        const byNotice = new Map<string, DeliveryDoc[]>();
        for (const d of deliveries) byNotice.set(d.noticeId, [...(byNotice.get(d.noticeId) ?? []), d]);
        const items = notices.map((n) => ({
          ...noticeView(n),
          deliveries: (byNotice.get(n._id) ?? []).sort((a, b) => a.channel.localeCompare(b.channel)).map(deliveryView),
        }));
        return { status: 200, body: { subject: query.subject, items } };
      },
    }),
  ];
}
