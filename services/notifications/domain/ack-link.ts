import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The acknowledgement link in an e-mail: the notice id and an HMAC of it, so the link itself is
 * the credential (the reader need not log in from a phone) and nobody can forge one for another
 * notice. Opening it only shows the notice; acknowledging takes a press of its button (a POST),
 * because mail scanners and link previews fetch every link in a message.
 */
const signatureLength = 32;

function signature(noticeId: string, secret: string): string {
  return createHmac('sha256', secret).update(`ack:${noticeId}`).digest('base64url').slice(0, signatureLength);
}

export function ackToken(noticeId: string, secret: string): string {
  return `${noticeId}.${signature(noticeId, secret)}`;
}

/** The notice a token names, or null when the token was not made with this secret for it. */
export function noticeOfAckToken(token: string, secret: string): string | null {
  const dot = token.lastIndexOf('.');
  if (dot <= 0) return null;
  const noticeId = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1));
  const expected = Buffer.from(signature(noticeId, secret));
  return given.length === expected.length && timingSafeEqual(given, expected) ? noticeId : null;
}
