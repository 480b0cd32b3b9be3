import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { topicOf } from '@aftersales/contracts';
import { killServer, startServer } from '../infra/stack.mjs';
import { factMessage, useFactPublisher } from './support/kafka';
import { withMongo } from './support/mongo';
import { api } from './support/services';
import { useTestBed } from './support/testbed';
import { eventually } from './support/wait';

const local = process.env.STACK !== 'external';
const quiet = { log: () => undefined };
const supervisor = 'P-SH-SUP';
const supervisorEmail = 'wang.fang@service.example.com';

interface Attempt { at: string; outcome: string; error?: string }
interface Delivery { channel: string; status: string; address: string | null; attempts: Attempt[] }
interface Evidence { id: string; personId: string; eventId: string; title: string; subject: string; deliveries: Delivery[] }
interface MailMessage { ID: string; Subject: string; MessageID: string; To: { Address: string }[] }

/**
 * The notifications service as its own process on the real stack (Kafka, FerretDB, Temporal,
 * Mailpit), with the demo directory: Shanghai's supervisor on duty is P-SH-SUP. It is SIGKILLed
 * while a burst of SLA warnings is being told and e-mailed, and (second test) while Mailpit is
 * down too. After the restarts every fact must have given exactly one notice, one inbox delivery
 * and one e-mail sent, and Mailpit must hold exactly one message per notice.
 */
describe.skipIf(!local)('notifications killed during a burst, and with the SMTP server down', () => {
  const { smtpUrl } = inject('stack');
  // A short lease: an e-mail claimed by the killed process is tried again after 5 s, not 60.
  const bed = useTestBed('notify-burst', {
    notifications: { SEED_DEMO_DATA: 'true', NOTIFY_MAIL_POLL_MS: '200', NOTIFY_MAIL_LEASE_SECONDS: '5', ...(smtpUrl ? { SMTP_URL: smtpUrl } : {}) },
  });
  const notifications = () => bed.service('notifications');
  const tag = `NB${randomBytes(4).toString('hex')}`;
  const facts = useFactPublisher(bed);
  let mailApi: string;

  beforeAll(async () => {
    if (!bed.stack.mailApiUrl || !bed.stack.smtpUrl) throw new Error('no Mailpit in .stack/run/stack.json: run node infra/stack.mjs up');
    mailApi = bed.stack.mailApiUrl;
  });
  afterAll(async () => {
    // Whatever happened, leave Mailpit running for the next test run.
    await startServer('mailpit', quiet);
  });

  /** For each request, its registration in Shanghai and then an SLA warning (same key, so in order); answers the warnings' event ids. */
  async function publishFacts(requestIds: string[]): Promise<Map<string, string>> {
    const warnings = new Map<string, string>();
    const messages = requestIds.flatMap((requestId) => {
      const now = Date.now();
      const registered = factMessage('service-request.registered@1', requestId, {
        requestId, customerId: 'CUST-0001', contact: { name: 'Burst' }, channel: 'phone', serialNumber: `SN-${requestId}`, symptom: 'no beam',
        raisedAt: new Date(now).toISOString(), neededBy: new Date(now + 86_400_000).toISOString(),
        machine: { model: 'FL-3015', productLine: 'fiber-laser-cutting' }, site: { city: 'Shanghai', lat: 31.03, lon: 121.22 },
      });
      const warning = factMessage('service-request.sla-warning@1', requestId, {
        requestId, clock: 'first-response', tier: 'P2', targetMs: 4 * 3_600_000, warnAt: new Date(now).toISOString(), dueAt: new Date(now + 3_600_000).toISOString(), elapsedMs: 3 * 3_600_000,
      });
      warnings.set(requestId, warning.id);
      return [registered.message, warning.message];
    });
    await facts.producer.send({ topic: `${bed.ns}.${topicOf('service-request.registered@1')}`, acks: -1, messages });
    return warnings;
  }

  /** Straight from the service's database: notices told and e-mails sent so far for these requests. */
  async function progress(requestIds: string[]): Promise<{ notices: number; sent: number; failedAttempts: number }> {
    return withMongo(bed.stack.mongoUrl, async (client) => {
      const db = client.db(`${bed.ns}_notifications`);
      const subject = { $in: requestIds };
      const [notices, sent, emails] = await Promise.all([
        db.collection('notices').countDocuments({ subject }),
        db.collection('deliveries').countDocuments({ subject, channel: 'email', status: 'sent' }),
        db.collection<{ attempts: Attempt[] }>('deliveries').find({ subject, channel: 'email' }).toArray(),
      ]);
      return { notices, sent, failedAttempts: emails.reduce((n, d) => n + d.attempts.filter((a) => a.outcome === 'failed').length, 0) };
    });
  }

  async function evidence(requestId: string): Promise<Evidence[]> {
    const res = await api(notifications(), 'GET', `/v1/notifications/deliveries?subject=${requestId}`, { token: bed.token('auditor') });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.items as Evidence[];
  }

  async function mails(runTag: string): Promise<MailMessage[]> {
    const res = await fetch(`${mailApi}/search?query=${encodeURIComponent(`subject:${runTag}`)}&limit=1000`);
    expect(res.status).toBe(200);
    return ((await res.json()) as { messages: MailMessage[] }).messages;
  }

  /** Waits until every request's e-mail is sent, then holds the promise: one notice, one inbox and one e-mail delivery each, one message in Mailpit. */
  async function assertExactlyOnce(runTag: string, requestIds: string[], warnings: Map<string, string>): Promise<Evidence[]> {
    await eventually('every e-mail sent', async () => ((await progress(requestIds)).sent >= requestIds.length ? true : undefined), { timeoutMs: 150_000, intervalMs: 500 });
    const told: Evidence[] = [];
    for (const requestId of requestIds) {
      const items = await evidence(requestId);
      expect(items.map((n) => [n.personId, n.eventId]), requestId).toEqual([[supervisor, warnings.get(requestId)]]);
      const [notice] = items as [Evidence];
      expect(notice.deliveries.map((d) => [d.channel, d.status]), requestId).toEqual([['email', 'sent'], ['inbox', 'delivered']]);
      const email = notice.deliveries[0]!;
      expect(email.address).toBe(supervisorEmail);
      expect(email.attempts.filter((a) => a.outcome === 'sent'), `${requestId}: 'sent' attempts on its e-mail delivery (two: sent again after it was marked sent)`).toHaveLength(1);
      expect(email.attempts.at(-1)?.outcome).toBe('sent');
      told.push(notice);
    }
    // The supervisor's inbox: one notice per fact, none twice.
    const inbox = await api(notifications(), 'GET', `/v1/people/${supervisor}/notices?limit=200`, { token: bed.token('manager') });
    expect(inbox.status).toBe(200);
    const mine = (inbox.body.items as Evidence[]).filter((n) => requestIds.includes(n.subject));
    expect(mine.map((n) => n.subject).sort()).toEqual([...requestIds].sort());
    // Mailpit: one message per notice, its Message-ID the delivery's; a moment's grace for a late duplicate.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const arrived = await mails(runTag);
    expect(arrived.map((m) => m.MessageID).sort(), 'Message-IDs in Mailpit, one per notice (one twice: sent again after a crash)').toEqual(told.map((n) => `${n.id}.email@aftersales.notifications`).sort());
    expect(arrived.map((m) => m.Subject).sort()).toEqual(told.map((n) => n.title).sort());
    expect(arrived.every((m) => m.To.map((t) => t.Address).join() === supervisorEmail)).toBe(true);
    return told;
  }

  it('SIGKILLed while a burst of 40 warnings is being told and e-mailed: after the restart each was told and e-mailed exactly once', async () => {
    const runTag = `${tag}B`;
    const requestIds = Array.from({ length: 40 }, (_, i) => `SR-${runTag}-${String(i).padStart(2, '0')}`);
    const warnings = await publishFacts(requestIds);

    // A quarter of the notices told: kill at once, mid-burst (facts being told, e-mails being sent).
    await eventually('ten notices told', async () => ((await progress(requestIds)).notices >= 10 ? true : undefined), { timeoutMs: 60_000, intervalMs: 25 });
    await notifications().kill();
    const atKill = await progress(requestIds);
    console.info(`killed with ${atKill.notices}/40 notices told and ${atKill.sent}/40 e-mails sent`);
    expect(atKill.sent, 'the kill landed before the burst was through').toBeLessThan(requestIds.length);

    await notifications().start();
    await assertExactlyOnce(runTag, requestIds, warnings);
  });

  it('Mailpit down and the service SIGKILLed with e-mail waiting: nothing lost, each sent exactly once when both are back', async () => {
    const runTag = `${tag}D`;
    const requestIds = Array.from({ length: 5 }, (_, i) => `SR-${runTag}-${i}`);
    await killServer('mailpit', quiet);
    const warnings = await publishFacts(requestIds);

    // Told in the inbox at once; every e-mail pending with a failed attempt recorded.
    await eventually('a failed attempt on each e-mail', async () => {
      for (const requestId of requestIds) {
        const email = (await evidence(requestId))[0]?.deliveries.find((d) => d.channel === 'email');
        if (email?.status !== 'pending' || !email.attempts.some((a) => a.outcome === 'failed')) return undefined;
      }
      return true;
    }, { timeoutMs: 60_000, intervalMs: 500 });
    for (const requestId of requestIds) {
      const [notice] = await evidence(requestId);
      expect(notice?.deliveries.find((d) => d.channel === 'inbox')?.status).toBe('delivered');
    }

    // Killed with the e-mail waiting; restarted while the SMTP server is still down: it keeps trying.
    await notifications().kill();
    const beforeRestart = (await progress(requestIds)).failedAttempts;
    await notifications().start();
    await eventually('the restarted process failing again', async () => ((await progress(requestIds)).failedAttempts > beforeRestart ? true : undefined), { timeoutMs: 60_000, intervalMs: 500 });
    expect((await progress(requestIds)).sent).toBe(0);

    await startServer('mailpit', quiet);
    const told = await assertExactlyOnce(runTag, requestIds, warnings);
    for (const notice of told) expect(notice.deliveries[0]!.attempts.some((a) => a.outcome === 'failed')).toBe(true);
  });
});
