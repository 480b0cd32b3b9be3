import { z } from 'zod';
import type { ContractEntry } from '../contract-entry';
import { topics } from '../topics';

/**
 * Who was told of what, and who took it on: notifications' facts about its notices, on
 * notifications.notices.v1 keyed by the subject (a request or an 8D), so a request's history can
 * show them in order.
 */
const instant = z.iso.datetime();
const id = z.string().min(1);

export const noticeToldV1 = z.object({
  noticeId: id,
  /** The request or 8D the notice is about. */
  subject: id,
  kind: id,
  personId: id,
  personName: z.string().min(1),
  role: id,
  /** on-duty, stand-in, passed-on (nobody acknowledged in time) or named (the fact named the person). */
  because: z.enum(['on-duty', 'stand-in', 'passed-on', 'named']),
  urgent: z.boolean(),
  toldAt: instant,
});

export const noticeAcknowledgedV1 = z.object({
  noticeId: id,
  subject: id,
  personId: id,
  by: id,
  via: z.enum(['inbox', 'email-link']),
  acknowledgedAt: instant,
});

export const noticeContracts = {
  'notice.told@1': { topic: topics.notices, schema: noticeToldV1 },
  'notice.acknowledged@1': { topic: topics.notices, schema: noticeAcknowledgedV1 },
} as const satisfies Record<string, ContractEntry>;
