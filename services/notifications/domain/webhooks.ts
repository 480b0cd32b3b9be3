import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { NoticeKind } from './notices';

/**
 * Webhooks for chat tools: a subscriber gets every fact of the kinds it asked for as a JSON POST,
 * signed so it can tell the body came from here and was not replayed from long ago.
 * Signature: `sha256=` + hex HMAC-SHA256 over `<timestamp>.<body>` with the subscriber's secret;
 * the timestamp (seconds since the epoch) travels in `x-aftersales-timestamp`.
 */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** What a receiver does: the signature matches and the timestamp is within `toleranceSeconds` of its clock. */
export function verifyWebhook(secret: string, timestamp: number, body: string, signature: string, nowSeconds: number, toleranceSeconds = 300): boolean {
  if (!Number.isFinite(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** A subscriber takes a fact when it named no kinds (all) or named this one. */
export const wants = (kinds: readonly NoticeKind[], kind: NoticeKind): boolean => kinds.length === 0 || kinds.includes(kind);

/** One delivery per fact and subscriber, whatever redelivers the fact. */
export function webhookDeliveryId(eventId: string, subscriberId: string): string {
  return `WHD-${createHash('sha256').update(`${eventId}\u0000${subscriberId}`).digest('hex').slice(0, 24)}`;
}
