/**
 * bench:notify — notices per second through the notifications service, from events on Kafka to the
 * inbox and to the SMTP server, beside raw Kafka (kafkajs produce + consume) and raw SMTP sends
 * (nodemailer to the same server) measured in the same run.
 *
 *   BENCH_NOTICES (1000)  SLA warnings published, each on a request of its own registered in
 *                         Shanghai first (one notice to the demo supervisor P-SH-SUP and one e-mail
 *                         each); also the number of raw messages and of raw e-mails
 *   BENCH_BATCH (100)     messages per producer send, for the events and the raw messages alike
 *   BENCH_TIMEOUT (180)   seconds to wait for every notice and e-mail
 *
 * The service runs in a namespace of its own (topics, database, groups) with the demo directory;
 * its e-mail goes to the stack's Mailpit, counted there by a tag in each subject and removed after.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import type { Kafka } from 'kafkajs';
import { MongoClient } from 'mongodb';
import nodemailer from 'nodemailer';
import { buildEvent, topicOf, topics, type EventKey } from '@aftersales/contracts';
import { ServiceProcess, tokenFor } from '../tests/support/services';
import { benchNamespace, cleanup, envInt, fmt, kafkaClient, log, sleep, stackEndpoints, table, namespaceCleanup, runBench } from './lib';

const count = envInt('BENCH_NOTICES', 1000);
const batch = envInt('BENCH_BATCH', 100);
const timeoutMs = envInt('BENCH_TIMEOUT', 180) * 1000;
const stack = stackEndpoints();
const ns = benchNamespace('bench-notify');
/** In every request id and raw subject: what this run put in Mailpit is found (and removed) by it. */
const tag = `BN${randomBytes(4).toString('hex')}`;
const smtpUrl = stack.smtpUrl ?? 'smtp://127.0.0.1:1025';
const mailApi = stack.mailApiUrl ?? 'http://127.0.0.1:8025/api/v1';
const supervisor = 'P-SH-SUP';

interface Message {
  key: string;
  value: string;
}

function envelope(key: EventKey, subject: string, data: Record<string, unknown>): Message {
  const event = buildEvent(key, data as never, { id: randomUUID(), occurredAt: new Date(), source: 'bench', subject, correlationId: subject, causationId: null });
  return { key: subject, value: JSON.stringify(event) };
}

/** Sends the messages in batches of BENCH_BATCH, one after the other, as an idempotent producer. */
async function produce(kafka: Kafka, topic: string, messages: Message[]): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += batch) await producer.send({ topic, acks: -1, messages: messages.slice(i, i + batch) });
  } finally {
    await producer.disconnect();
  }
}

/** Polls `read` until it answers at least `target`; the instant it first did, or null at the deadline. */
async function until(what: string, target: number, read: () => Promise<number>, deadline: number): Promise<number | null> {
  let shownAt = Date.now();
  for (;;) {
    const seen = await read();
    if (seen >= target) return Date.now();
    if (Date.now() > deadline) {
      log(`  ${what}: ${seen}/${target} when the bench stopped waiting`);
      return null;
    }
    if (Date.now() - shownAt > 5000) {
      shownAt = Date.now();
      log(`  ${what}: ${seen}/${target}`);
    }
    await sleep(250);
  }
}

async function mailpitCount(query: string): Promise<number> {
  const response = await fetch(`${mailApi}/search?query=${encodeURIComponent(query)}&limit=1`);
  if (!response.ok) throw new Error(`Mailpit search answered ${response.status}`);
  return ((await response.json()) as { messages_count: number }).messages_count;
}

/** Raw Kafka: a fresh topic and group; the consumer joined, then the same number and size of messages produced the same way; consumed per second from the first send. */
async function rawKafka(kafka: Kafka, size: number): Promise<{ perSecond: number; seconds: number }> {
  const topic = `${ns}.bench.raw`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3, replicationFactor: -1 }] }).finally(() => admin.disconnect());
  const consumer = kafka.consumer({ groupId: `${ns}-raw-reader`, sessionTimeout: 10_000, heartbeatInterval: 1_000, allowAutoTopicCreation: false });
  let joined = false;
  let consumed = 0;
  let lastAt = 0;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joined = true;
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async () => {
        consumed++;
        lastAt = Date.now();
      },
    });
    while (!joined) await sleep(50);
    const value = 'x'.repeat(size);
    const startedAt = Date.now();
    await produce(kafka, topic, Array.from({ length: count }, (_, i) => ({ key: `SR-RAW-${i}`, value })));
    if ((await until('raw messages consumed', count, async () => consumed, Date.now() + timeoutMs)) === null) throw new Error(`raw Kafka: ${consumed}/${count} consumed`);
    const seconds = (lastAt - startedAt) / 1000;
    return { perSecond: count / seconds, seconds };
  } finally {
    await consumer.disconnect();
  }
}

/** Raw SMTP: e-mails of the same size sent one after another through one nodemailer transport, as the service's sender does. */
async function rawSmtp(bodyBytes: number): Promise<{ perSecond: number; seconds: number; arrived: number }> {
  const transport = nodemailer.createTransport(smtpUrl);
  const text = 'x'.repeat(bodyBytes);
  const startedAt = Date.now();
  try {
    for (let i = 0; i < count; i++) {
      await transport.sendMail({ from: 'bench@notify.example.com', to: 'raw@bench.example.com', subject: `${tag} raw ${i}`, text, messageId: `<${tag}-raw-${i}@bench>` });
    }
  } finally {
    transport.close();
  }
  const seconds = (Date.now() - startedAt) / 1000;
  return { perSecond: count / seconds, seconds, arrived: await mailpitCount(`${tag} subject:raw`) };
}

async function main(): Promise<void> {
  log(`namespace ${ns}, tag ${tag}: ${count} SLA warnings, batches of ${batch}`);
  const loadAtStart = loadavg()[0]!;
  const kafka = kafkaClient(stack, `${ns}-bench`);
  const mongo = await MongoClient.connect(stack.mongoUrl);
  const db = mongo.db(`${ns}_notifications`);
  let service: ServiceProcess | null = null;
  try {
    service = await ServiceProcess.start('notifications', ns, stack, { SEED_DEMO_DATA: 'true', LOG_LEVEL: 'warn', SMTP_URL: smtpUrl });
    const url = service.url;
    const token = await tokenFor('manager');
    // The inbox lists the newest 200 only, so the notices that reached it are counted by their inbox
    // deliveries (written after the inbox document took the notice); the API's count must agree up to the cap.
    const inboxDeliveries = db.collection('deliveries');
    const unread = async () => inboxDeliveries.countDocuments({ channel: 'inbox', personId: supervisor });
    const apiUnread = async () => {
      const response = await fetch(`${url}/v1/people/${supervisor}/notices/unread-count`, { headers: { authorization: `Bearer ${token}` } });
      if (!response.ok) throw new Error(`unread-count answered ${response.status}`);
      return ((await response.json()) as { unread: number }).unread;
    };
    const topic = `${ns}.${topicOf('service-request.sla-warning@1')}`;
    if (topicOf('service-request.registered@1') !== topics.serviceRequests) throw new Error('registered and sla-warning are on different topics');
    const ids = Array.from({ length: count }, (_, i) => `SR-${tag}-${i}`);
    const now = Date.now();

    // The registrations first (the region the roster is chosen by), applied before the clock starts.
    const registered = ids.map((requestId) =>
      envelope('service-request.registered@1', requestId, {
        requestId, customerId: 'CUST-BENCH', contact: { name: 'Bench' }, channel: 'phone', serialNumber: `SN-${requestId}`, symptom: 'no beam',
        raisedAt: new Date(now).toISOString(), neededBy: new Date(now + 86_400_000).toISOString(),
        machine: { model: 'FL-3015', productLine: 'fiber-laser-cutting' }, site: { city: 'Shanghai', lat: 31.03, lon: 121.22 },
      }),
    );
    const contexts = db.collection('requestContexts');
    // /readyz says the consumer runs, not that it has joined its group: the clock starts after it has.
    const admin = kafka.admin();
    await admin.connect();
    const stable = async () => ((await admin.describeGroups([`${ns}-notifications`])).groups[0]?.state === 'Stable' ? 1 : 0);
    const joined = await until('the service joining its consumer group', 1, stable, Date.now() + 60_000).finally(() => admin.disconnect());
    if (joined === null) throw new Error('the notifications consumer never joined its group');
    const regStart = Date.now();
    await produce(kafka, topic, registered);
    const regDone = await until('registrations applied', count, () => contexts.countDocuments({}), Date.now() + timeoutMs);
    if (regDone === null) throw new Error('the registrations were not all applied');
    const regRate = (count * 1000) / (regDone - regStart);
    log(`${count} registrations applied at ${fmt.n(regRate)}/s; unread before the warnings: ${await unread()}`);

    // The measured part: the warnings published, then every notice in the inbox and every e-mail in Mailpit.
    const warnings = ids.map((requestId) =>
      envelope('service-request.sla-warning@1', requestId, {
        requestId, clock: 'first-response', tier: 'P1', targetMs: 3_600_000, warnAt: new Date(now).toISOString(), dueAt: new Date(now + 1_800_000).toISOString(), elapsedMs: 1_800_000,
      }),
    );
    const eventBytes = Buffer.byteLength(warnings[0]!.value);
    const startedAt = Date.now();
    await produce(kafka, topic, warnings);
    const publishedAt = Date.now();
    const deadline = Date.now() + timeoutMs;
    const [inboxAt, mailAt] = await Promise.all([
      until('notices in the inbox', count, unread, deadline),
      until('e-mails in Mailpit', count, () => mailpitCount(`${tag} -subject:raw`), deadline),
    ]);
    const notices = await unread();
    const listed = await apiUnread();
    if (listed !== Math.min(notices, 200)) throw new Error(`the inbox API counts ${listed} unread, the deliveries ${notices}`);
    const mails = await mailpitCount(`${tag} -subject:raw`);
    const deliveries = db.collection('deliveries');
    const sent = await deliveries.countDocuments({ channel: 'email', status: 'sent' });
    const failedAttempts = await deliveries.countDocuments({ channel: 'email', 'attempts.outcome': 'failed' });
    // The e-mail's text is the notice's body.
    const notice = await db.collection<{ _id: string; body: string }>('notices').findOne({ personId: supervisor });
    const bodyBytes = Buffer.byteLength(notice?.body ?? 'x'.repeat(120));
    await service.stop();
    service = null;
    log('notifications stopped; raw ceilings next');

    const kafkaRaw = await rawKafka(kafka, eventBytes);
    log(`raw Kafka: ${count} messages of ${eventBytes} B in ${fmt.n(kafkaRaw.seconds, 2)} s`);
    const smtpRaw = await rawSmtp(bodyBytes);
    log(`raw SMTP: ${count} e-mails of ${bodyBytes} B in ${fmt.n(smtpRaw.seconds, 2)} s, ${smtpRaw.arrived} in Mailpit`);

    const rate = (at: number | null, n: number) => (at === null ? (n * 1000) / (Date.now() - startedAt) : (count * 1000) / (at - startedAt));
    const inboxRate = rate(inboxAt, notices);
    const mailRate = rate(mailAt, mails);
    const rows = [
      ['notices in the inbox /s (publish -> all unread)', fmt.n(inboxRate), `${fmt.n(kafkaRaw.perSecond)} raw kafkajs msgs consumed/s`, fmt.share(inboxRate, kafkaRaw.perSecond)],
      ['e-mails accepted by SMTP /s (publish -> all in Mailpit)', fmt.n(mailRate), `${fmt.n(smtpRaw.perSecond)} raw nodemailer sends/s`, fmt.share(mailRate, smtpRaw.perSecond)],
      ['  the same against raw Kafka', fmt.n(mailRate), `${fmt.n(kafkaRaw.perSecond)} raw kafkajs msgs consumed/s`, fmt.share(mailRate, kafkaRaw.perSecond)],
      ['registrations applied /s (context kept, no notice)', fmt.n(regRate), `${fmt.n(kafkaRaw.perSecond)} raw kafkajs msgs consumed/s`, fmt.share(regRate, kafkaRaw.perSecond)],
    ];
    const secs = (at: number | null) => (at === null ? 'not reached' : `${fmt.n((at - startedAt) / 1000, 2)} s`);
    process.stdout.write(
      [
        '',
        `bench:notify  ${count} SLA warnings (P1, Shanghai) to the notifications service, namespace ${ns}`,
        `servers: Kafka ${stack.kafkaBrokers}, Mongo ${stack.mongoUrl}, SMTP ${smtpUrl} (Mailpit API ${mailApi}); ${availableParallelism()} CPUs, 1-min load ${fmt.n(loadAtStart, 2)} at start, ${fmt.n(loadavg()[0]!, 2)} at the end (the servers share them)`,
        `sizes: event ${eventBytes} B (raw messages the same, batches of ${batch}, 3 partitions); e-mail body ${bodyBytes} B (raw e-mails the same, sent one after another)`,
        `published in ${fmt.n((publishedAt - startedAt) / 1000, 2)} s; all in the inbox after ${secs(inboxAt)}, all in Mailpit after ${secs(mailAt)}`,
        `counted: ${notices}/${count} unread notices for ${supervisor}, ${mails}/${count} e-mails in Mailpit, ${sent} e-mail deliveries marked sent, ${failedAttempts} with a failed attempt`,
        `raw ceilings (same run, after the service stopped): ${count} messages produced+consumed in ${fmt.n(kafkaRaw.seconds, 2)} s; ${count} e-mails sent in ${fmt.n(smtpRaw.seconds, 2)} s (${smtpRaw.arrived} in Mailpit)`,
        '',
        table(['figure', 'value', 'raw ceiling (same run)', 'ratio'], rows),
        ...(inboxAt === null || mailAt === null ? ['', 'NOT REACHED: a rate above counts what had arrived when the bench stopped waiting'] : []),
        '',
      ].join('\n'),
    );
  } finally {
    log('cleaning up');
    await cleanup([
      ['notifications', async () => service?.stop()],
      ['mongo client', async () => mongo.close()],
      ...namespaceCleanup(stack, kafka, ns),
      ['mailpit', async () => fetch(`${mailApi}/search?query=${encodeURIComponent(tag)}`, { method: 'DELETE' })],
    ]);
  }
}

runBench('notify', main);
