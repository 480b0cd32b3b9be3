import { z } from 'zod';
import { ConflictError, defineRoute, identifier, NotFoundError, type RouteSpec } from '@aftersales/platform';
import type { NotificationsStore, WebhookDeliveryDoc, WebhookDoc } from '../store/collections';
import { webhookLogsOf } from '../store/webhook-logs';
import { replayWebhook } from '../worker/webhooks';
import { subscriberSchema, webhookDeliverySchema, webhookKinds } from './responses';

const admins = ['manager', 'platform'] as const;
const kinds = webhookKinds;

const subscriberView = ({ _id, secret: _secret, ...w }: WebhookDoc) => ({ id: _id, ...w });
const deliveryView = ({ _id, ...d }: WebhookDeliveryDoc) => ({ id: _id, ...d });

/** Webhook subscribers for chat tools, their delivery log, and replay of parked deliveries. */
export function webhookRoutes(store: NotificationsStore, now: () => Date, nudge: () => void): RouteSpec[] {
  return [
    defineRoute({
      method: 'put',
      path: '/v1/webhooks/:id',
      summary: 'Adds or replaces a subscriber: the URL facts are POSTed to, the HMAC secret, the kinds it takes (none = all)',
      tags: ['webhooks'],
      roles: admins,
      params: z.object({ id: identifier }),
      body: z.strictObject({ url: z.url({ protocol: /^https?$/ }), secret: z.string().min(16).max(256), kinds: z.array(kinds).max(10).default([]) }),
      responses: { 200: { description: 'Stored (the secret is never shown again)', schema: subscriberSchema, links: { getDeliveries: { operationId: 'getWebhooksByIdDeliveries', parameters: { id: '$response.body#/id' } } } } },
      handler: async ({ params, body }) => {
        const doc: WebhookDoc = { _id: params.id, ...body, updatedAt: now() };
        await store.webhooks.replaceOne({ _id: params.id }, doc, { upsert: true });
        return { status: 200, body: subscriberView(doc) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/webhooks',
      summary: 'Every subscriber (without secrets)',
      tags: ['webhooks'],
      roles: [...admins, 'auditor'],
      responses: { 200: { description: 'The subscribers', schema: z.object({ items: z.array(subscriberSchema) }) } },
      handler: async () => ({ status: 200, body: { items: (await store.webhooks.find({}).sort({ _id: 1 }).toArray()).map(subscriberView) } }),
    }),
    defineRoute({
      method: 'get',
      path: '/v1/webhooks/:id/deliveries',
      summary: "A subscriber's delivery log, newest first (at most 500, from its latest 20,000; every parked one with status=dead): every fact posted, every attempt with its HTTP status, delivered, pending or dead",
      tags: ['webhooks'],
      roles: [...admins, 'auditor'],
      params: z.object({ id: identifier }),
      query: z.object({ status: z.enum(['pending', 'delivered', 'dead']).optional() }),
      responses: { 200: { description: 'The deliveries, newest first', schema: z.object({ subscriberId: z.string(), items: z.array(webhookDeliverySchema) }) }, 404: { description: 'No such subscriber' } },
      handler: async ({ params, query }) => {
        if (!(await store.webhooks.findOne({ _id: params.id }, { projection: { _id: 1 } }))) throw new NotFoundError('webhook', params.id, 'id');
        const docs = await webhookLogsOf(store).deliveriesOf(params.id, query.status);
        return { status: 200, body: { subscriberId: params.id, items: docs.map(deliveryView) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/webhook-deliveries/:id/replay',
      summary: 'Sends a parked (dead) delivery again, after the subscriber is fixed',
      tags: ['webhooks'],
      roles: admins,
      params: z.object({ id: identifier }),
      responses: { 202: { description: 'Queued again', schema: z.object({ id: z.string(), status: z.literal('pending') }) }, 404: { description: 'No such delivery' }, 409: { description: 'Not parked' } },
      handler: async ({ params }) => {
        const doc = await store.webhookDeliveries.findOne({ _id: params.id }, { projection: { status: 1 } });
        if (!doc) throw new NotFoundError('webhook delivery', params.id, 'id');
        if (!(await replayWebhook(store, params.id, now))) throw new ConflictError(`delivery ${params.id} is ${doc.status}, not dead`, 'id');
        nudge();
        return { status: 202, body: { id: params.id, status: 'pending' } };
      },
    }),
  ];
}
