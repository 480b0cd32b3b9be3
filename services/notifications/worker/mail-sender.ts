import nodemailer, { type Transporter } from 'nodemailer';
import { insertedOnce, type Logger } from '@aftersales/platform';
import { createHash } from 'node:crypto';
import { digestOf, retryDelaySeconds } from '../domain/notices';
import type { MailQueueDoc, NotificationsStore } from '../store/collections';
import { pollRounds } from './rounds';

export interface MailSender {
  /** Sends what is due once; answers how many were sent and how many failed (to be retried). */
  runOnce(): Promise<{ sent: number; failed: number }>;
  start(): void;
  nudge(): void;
  stop(): void;
}

/** A digest's Message-ID: its person and morning, and the deliveries in it (a resend of the same digest keeps it). */
const digestId = (key: string, entries: MailQueueDoc[]) =>
  `digest.${createHash('sha256').update([key, ...entries.map((e) => e._id).sort()].join('\u0000')).digest('hex').slice(0, 24)}`;

export interface MailSenderOptions {
  smtpUrl: string;
  from: string;
  pollMs: number;
  leaseSeconds: number;
  now: () => Date;
  log: Logger;
}

/**
 * Sends queued e-mail through SMTP. Each attempt of each e-mail is claimed by a unique insert, so
 * two workers never send the same attempt; a claim whose sender died is given up after the lease
 * and the next attempt claimed. While the SMTP server is down every attempt fails and is retried
 * with backoff from the queue entry, which stays until the server accepted the message: nothing
 * is lost. The Message-ID is derived from the delivery, so a resend after a crash between the
 * server's acceptance and the record is recognisable as the same message.
 */
export function createMailSender(store: NotificationsStore, options: MailSenderOptions): MailSender {
  const { log, now } = options;
  const transport: Transporter = nodemailer.createTransport(options.smtpUrl);

  /**
   * Sends one message for queue entries (one e-mail, or a person's digest), claimed by a unique
   * insert per attempt. Every entry is marked sent (its delivery first, then its queue entry gone)
   * or has its failure recorded and its next attempt set with backoff.
   */
  async function sendMessage(queued: MailQueueDoc[], message: { to: string; subject: string; text: string; language: string; id: string }): Promise<'sent' | 'failed' | 'skipped'> {
    // A sender that died between marking a delivery sent and removing its queue entry left the
    // entry behind: it is done, not due again.
    const entries: MailQueueDoc[] = [];
    for (const e of queued) {
      const delivery = await store.deliveries.findOne({ _id: e._id }, { projection: { status: 1 } });
      if (delivery?.status === 'sent') await store.mailQueue.deleteOne({ _id: e._id });
      else entries.push(e);
    }
    if (entries.length === 0) return 'skipped';
    const attempt = Math.min(...entries.map((e) => e.attempt));
    const claim = `${message.id}#${attempt}`;
    if (!(await insertedOnce(store.mailClaims.insertOne({ _id: claim, claimedAt: now() })))) {
      const held = await store.mailClaims.findOne({ _id: claim });
      if (held && now().getTime() - held.claimedAt.getTime() > options.leaseSeconds * 1000) {
        for (const e of entries) await store.mailQueue.updateOne({ _id: e._id, attempt: e.attempt }, { $set: { attempt: attempt + 1, dueAt: now() } });
      }
      return 'skipped';
    }
    try {
      const info = await transport.sendMail({
        from: options.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        messageId: `<${message.id}@aftersales.notifications>`,
        headers: { 'Content-Language': message.language },
      });
      const at = now();
      const digest = entries.length > 1 || entries[0]?.digest ? { digest: message.id } : {};
      for (const e of entries) {
        await store.deliveries.updateOne({ _id: e._id }, { $set: { status: 'sent', deliveredAt: at }, $push: { attempts: { at, outcome: 'sent', ...digest } } });
        await store.mailQueue.deleteOne({ _id: e._id });
      }
      log.info({ message: message.id, deliveries: entries.length, to: message.to, response: info.response }, 'e-mail accepted by the SMTP server');
      return 'sent';
    } catch (err) {
      const at = now();
      const error = err instanceof Error ? err.message : String(err);
      const delay = retryDelaySeconds(attempt);
      for (const e of entries) {
        await store.deliveries.updateOne({ _id: e._id }, { $push: { attempts: { at, outcome: 'failed', error: error.slice(0, 500) } } });
        await store.mailQueue.updateOne({ _id: e._id, attempt: e.attempt }, { $set: { attempt: e.attempt + 1, dueAt: new Date(at.getTime() + delay * 1000) } });
      }
      log.warn({ message: message.id, attempt, error, retryInSeconds: delay }, 'e-mail not sent; retried from its queue entry');
      return 'failed';
    }
  }

  async function runOnce() {
    const due = await store.mailQueue.find({ dueAt: { $lte: now() } }).sort({ dueAt: 1 }).limit(100).toArray();
    const digests = new Map<string, MailQueueDoc[]>();
    const single: MailQueueDoc[] = [];
    for (const entry of due) {
      if (entry.digest) digests.set(entry.digest, [...(digests.get(entry.digest) ?? []), entry]);
      else single.push(entry);
    }
    let sent = 0;
    let failed = 0;
    const count = (result: 'sent' | 'failed' | 'skipped') => {
      if (result === 'sent') sent++;
      if (result === 'failed') failed++;
    };
    for (const entry of single) count(await sendMessage([entry], { to: entry.to, subject: entry.subject, text: entry.text, language: entry.language, id: entry._id }));
    for (const [key, entries] of digests) {
      const words = digestOf(entries.map((e) => ({ subject: e.subject, text: e.text })), entries[0]!.language);
      count(await sendMessage(entries, { to: entries[0]!.to, ...words, language: entries[0]!.language, id: digestId(key, entries) }));
    }
    return { sent, failed };
  }

  const rounds = pollRounds(runOnce, options.pollMs, log, 'mail');
  return {
    runOnce,
    start: rounds.start,
    nudge: rounds.nudge,
    stop() {
      rounds.stop();
      transport.close();
    },
  };
}
