import nodemailer, { type Transporter } from 'nodemailer';
import { insertedOnce, type Logger } from '@aftersales/platform';
import { retryDelaySeconds } from '../domain/notices';
import type { MailQueueDoc, NotificationsStore } from '../store/collections';
import { pollRounds } from './rounds';

export interface MailSender {
  /** Sends what is due once; answers how many were sent and how many failed (to be retried). */
  runOnce(): Promise<{ sent: number; failed: number }>;
  start(): void;
  nudge(): void;
  stop(): void;
}

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

  async function sendOne(entry: MailQueueDoc): Promise<'sent' | 'failed' | 'skipped'> {
    const claim = `${entry._id}#${entry.attempt}`;
    if (!(await insertedOnce(store.mailClaims.insertOne({ _id: claim, claimedAt: now() })))) {
      const held = await store.mailClaims.findOne({ _id: claim });
      if (held && now().getTime() - held.claimedAt.getTime() > options.leaseSeconds * 1000) {
        await store.mailQueue.updateOne({ _id: entry._id, attempt: entry.attempt }, { $set: { attempt: entry.attempt + 1, dueAt: now() } });
      }
      return 'skipped';
    }
    try {
      const info = await transport.sendMail({
        from: options.from,
        to: entry.to,
        subject: entry.subject,
        text: entry.text,
        messageId: `<${entry._id}@aftersales.notifications>`,
        headers: { 'Content-Language': entry.language },
      });
      const at = now();
      await store.deliveries.updateOne({ _id: entry._id }, { $set: { status: 'sent', deliveredAt: at }, $push: { attempts: { at, outcome: 'sent' } } });
      await store.mailQueue.deleteOne({ _id: entry._id });
      log.info({ deliveryId: entry._id, to: entry.to, response: info.response }, 'e-mail accepted by the SMTP server');
      return 'sent';
    } catch (err) {
      const at = now();
      const error = err instanceof Error ? err.message : String(err);
      const delay = retryDelaySeconds(entry.attempt);
      await store.deliveries.updateOne({ _id: entry._id }, { $push: { attempts: { at, outcome: 'failed', error: error.slice(0, 500) } } });
      await store.mailQueue.updateOne({ _id: entry._id, attempt: entry.attempt }, { $set: { attempt: entry.attempt + 1, dueAt: new Date(at.getTime() + delay * 1000) } });
      log.warn({ deliveryId: entry._id, attempt: entry.attempt, error, retryInSeconds: delay }, 'e-mail not sent; retried from its queue entry');
      return 'failed';
    }
  }

  async function runOnce() {
    const due = await store.mailQueue.find({ dueAt: { $lte: now() } }).sort({ dueAt: 1 }).limit(100).toArray();
    let sent = 0;
    let failed = 0;
    for (const entry of due) {
      const result = await sendOne(entry);
      if (result === 'sent') sent++;
      if (result === 'failed') failed++;
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
