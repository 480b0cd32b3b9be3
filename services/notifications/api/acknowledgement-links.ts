import { z } from 'zod';
import { defineRoute, NotFoundError, type Platform, type RouteSpec } from '@aftersales/platform';
import { noticeOfAckToken } from '../domain/ack-link';
import { localTime } from '../domain/notices';
import { acknowledgeNotice } from '../store/acknowledge';
import type { NoticeDoc, NotificationsStore } from '../store/collections';

const token = z.string().min(10).max(200).regex(/^[A-Za-z0-9_.-]+$/, 'a token from an acknowledgement link');

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page a link opens: the notice, and either who acknowledged it when or the button that does. */
function page(doc: NoticeDoc, action: string, timeZone: string): string {
  const zh = doc.language === 'zh-CN';
  const done = doc.acknowledgedAt
    ? `<p role="status">${zh ? '已确认' : 'Acknowledged'}: ${escape(doc.acknowledgedBy ?? doc.personId)}, ${escape(localTime(doc.acknowledgedAt.toISOString(), timeZone, doc.language))}</p>`
    : `<form method="post" action="${escape(action)}"><button type="submit">${zh ? '确认收到' : 'Acknowledge'}</button></form>`;
  return `<!doctype html><html lang="${doc.language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(doc.title)}</title></head>
<body><main><h1>${escape(doc.title)}</h1><pre style="white-space:pre-wrap">${escape(doc.body)}</pre>${done}</main></body></html>`;
}

/**
 * Acknowledgement from the e-mail, without logging in: the signed link opens the notice (GET changes
 * nothing, since scanners and previews fetch links), its button acknowledges it as the person it
 * was sent to (POST). A link for another notice or with a wrong signature is 404.
 */
export function acknowledgementLinkRoutes(store: NotificationsStore, platform: Pick<Platform, 'now' | 'temporal' | 'logger' | 'topic' | 'nudgeOutbox'>, secret: string): RouteSpec[] {
  async function noticeOf(value: string): Promise<NoticeDoc> {
    const id = noticeOfAckToken(value, secret);
    const doc = id ? await store.notices.findOne({ _id: id }) : null;
    if (!doc) throw new NotFoundError('acknowledgement link', value, 'token');
    return doc;
  }
  async function html(doc: NoticeDoc, value: string) {
    // Instants as the person reads them, in their zone.
    const person = await store.people.findOne({ _id: doc.personId }, { projection: { timeZone: 1 } });
    return { status: 200, raw: { contentType: 'text/html; charset=utf-8', content: page(doc, `/v1/acknowledgements/${value}`, person?.timeZone ?? 'UTC') } };
  }
  return [
    defineRoute({
      method: 'get',
      path: '/v1/acknowledgements/:token',
      summary: 'The notice an e-mailed acknowledgement link names, with its acknowledge button (changes nothing)',
      tags: ['inbox'],
      roles: 'public',
      params: z.object({ token }),
      responses: { 200: { description: 'An HTML page', contentType: 'text/html' }, 404: { description: 'Not a link this service signed' } },
      handler: async ({ params }) => html(await noticeOf(params.token), params.token),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/acknowledgements/:token',
      summary: 'Acknowledges the notice as the person it was sent to (once) and stops its chain',
      tags: ['inbox'],
      roles: 'public',
      params: z.object({ token }),
      responses: { 200: { description: 'An HTML page saying who acknowledged when', contentType: 'text/html' }, 404: { description: 'Not a link this service signed' } },
      handler: async ({ params, log }) => {
        const doc = await noticeOf(params.token);
        await acknowledgeNotice(store, platform, doc, doc.personId, 'email-link');
        log.info({ noticeId: doc._id, personId: doc.personId }, 'notice acknowledged by its e-mail link');
        return html(await noticeOf(params.token), params.token);
      },
    }),
  ];
}
