/**
 * bench:intake — registrations per second through intake, HTTP to stored, event on Kafka, workflow
 * started, beside raw ceilings of the same servers measured in the same run at the same concurrency.
 *
 *   BENCH_CONCURRENCY (8)  clients in a closed loop
 *   BENCH_SECONDS (20)     duration of the load and of each raw ceiling
 *   BENCH_E2E_TIMEOUT (600) seconds to wait after the load for every event and workflow
 */
import { randomBytes } from 'node:crypto';
import { BSON, MongoClient } from 'mongodb';
import type { Kafka } from 'kafkajs';
import { registrationBody } from '../tests/support/demo';
import { deleteTopicsWithPrefix } from '../tests/support/kafka';
import { dropNamespaceDatabases } from '../tests/support/mongo';
import { ServiceProcess, tokenFor } from '../tests/support/services';
import {
  benchNamespace, cleanup, closedLoop, connectTemporal, deleteGroupsWithPrefix, envInt, fmt, kafkaClient, log, percentile,
  pool, sleep, stackEndpoints, table, terminateAll, type LoopResult,
} from './lib';

const concurrency = envInt('BENCH_CONCURRENCY', 8);
const seconds = envInt('BENCH_SECONDS', 20);
const channels = ['phone', 'email', 'portal', 'app', 'chat'] as const;
const stack = stackEndpoints();
const ns = benchNamespace('bench-intake');
const topic = `${ns}.intake.service-requests.v1`;

/** First arrival on Kafka of each request's registered event, by subject, with the message size. */
async function startEventClock(kafka: Kafka) {
  const seenAt = new Map<string, number>();
  const bytes = new Map<string, number>();
  const consumer = kafka.consumer({ groupId: `${ns}-bench-reader`, sessionTimeout: 10_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 100 });
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joined = true;
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const value = message.value?.toString() ?? '';
      const event = JSON.parse(value) as { type?: string; subject?: string };
      if (event.type !== 'service-request.registered' || !event.subject || seenAt.has(event.subject)) return;
      seenAt.set(event.subject, Date.now());
      bytes.set(event.subject, Buffer.byteLength(value));
    },
  });
  while (!joined) await sleep(100);
  return { seenAt, bytes, stop: () => consumer.disconnect() };
}

function symptom(): string {
  const word = () => randomBytes(4).toString('hex');
  return `Alarm ${word()} after ${word()} cycle ${word()}`;
}

async function main(): Promise<void> {
  log(`namespace ${ns}; ${concurrency} clients, ${seconds} s per phase`);
  const kafka = kafkaClient(stack, `${ns}-bench`);
  const mongo = await MongoClient.connect(stack.mongoUrl);
  const requests = mongo.db(`${ns}_intake`).collection<{ _id: string; workflow: { runId: string; startedAt: Date } | null }>('serviceRequests');
  const rawStarted: string[] = [];
  const temporal = await connectTemporal(stack);
  let intake: ServiceProcess | null = null;
  let clock: Awaited<ReturnType<typeof startEventClock>> | null = null;
  try {
    intake = await ServiceProcess.start('intake', ns, stack, { SEED_DEMO_DATA: 'true', LOG_LEVEL: 'warn' });
    clock = await startEventClock(kafka);
    const token = await tokenFor('agent');
    const service = intake;
    const post = async (channel: string) => {
      const response = await fetch(`${service.url}/v1/service-requests`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(registrationBody({ channel, symptom: symptom() })),
      });
      const body = (await response.json()) as { id?: string; duplicateOf?: string | null; error?: { message: string } };
      if (response.status !== 201 || !body.id) throw new Error(`POST answered ${response.status}: ${body.error?.message ?? ''}`);
      return body as { id: string; duplicateOf?: string | null };
    };

    // Workflow start instants read from Temporal: the record's workflow.runId is checked too, but
    // on FerretDB v1 that $set can be lost to the outbox relay's concurrent update of the same document.
    const started = new Map<string, number>();
    const confirmStarted = (ids: string[]) =>
      pool(ids.filter((id) => !started.has(id)), 16, async (id) => {
        const description = await temporal.client.workflow.getHandle(id).describe().catch(() => null);
        if (description) started.set(id, description.startTime.getTime());
      });

    // Warm-up: one request all the way through, which also gives the sizes of a real record, event and workflow input.
    const warm = await post('phone');
    while (!(clock.seenAt.has(warm.id) && started.has(warm.id))) {
      await confirmStarted([warm.id]);
      await sleep(200);
    }
    const eventBytes = clock.bytes.get(warm.id)!;
    const { outbox: _outbox, ...record } = (await requests.findOne({ _id: warm.id })) as Record<string, unknown>;
    const docBytes = BSON.calculateObjectSize(record) + eventBytes; // the record was inserted with its event in its outbox
    const history = await temporal.client.workflow.getHandle(warm.id).fetchHistory();
    const inputBytes = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data?.length ?? 0;
    log(`warm-up ${warm.id} done: event ${eventBytes} B, record ${docBytes} B, workflow input ${inputBytes} B`);

    // The load: 201s only count; each request's send instant is kept for its end-to-end latency.
    const sentAt = new Map<string, number>();
    let duplicates = 0;
    log(`load: ${concurrency} clients for ${seconds} s`);
    const load = await closedLoop(concurrency, seconds * 1000, async (_client, seq) => {
      const began = Date.now();
      const created = await post(channels[seq % channels.length]!);
      sentAt.set(created.id, began);
      if (created.duplicateOf) duplicates++;
      return true;
    });
    const accepted = [...sentAt.keys()];
    log(`load done: ${load.ok} accepted, ${load.failed} failed${load.firstError ? ` (${load.firstError})` : ''}; waiting for Kafka and workflows`);

    // End to end: every accepted request stored (its 201), its event read back from Kafka, its workflow started.
    const deadline = Date.now() + envInt('BENCH_E2E_TIMEOUT', 600) * 1000;
    let doneAt = 0;
    let progressAt = Date.now();
    for (;;) {
      await confirmStarted(accepted);
      const onKafka = accepted.filter((id) => clock!.seenAt.has(id)).length;
      const withWorkflow = accepted.filter((id) => started.has(id)).length;
      if (onKafka === accepted.length && withWorkflow === accepted.length) {
        doneAt = Date.now();
        break;
      }
      if (Date.now() - progressAt > 5000) {
        progressAt = Date.now();
        log(`  ${onKafka}/${accepted.length} on Kafka, ${withWorkflow}/${accepted.length} workflows started`);
      }
      if (Date.now() > deadline) throw new Error(`end to end not reached: ${onKafka}/${accepted.length} on Kafka, ${withWorkflow} workflows started`);
      await sleep(200);
    }
    // The record's own link to its run: counted once it stops changing.
    const runIdSet = { _id: { $ne: warm.id }, 'workflow.runId': { $exists: true } };
    let withRunId = await requests.countDocuments(runIdSet);
    for (let previous = -1; withRunId !== previous; ) {
      await sleep(2000);
      previous = withRunId;
      withRunId = await requests.countDocuments(runIdSet);
    }
    const lastOnKafka = Math.max(...accepted.map((id) => clock!.seenAt.get(id)!));
    const lastStarted = Math.max(...accepted.map((id) => started.get(id)!));
    const toKafka = accepted.map((id) => clock!.seenAt.get(id)! - sentAt.get(id)!);
    const toWorkflow = accepted.map((id) => started.get(id)! - sentAt.get(id)!);
    const rate = (until: number) => (accepted.length * 1000) / (until - load.startedAt);
    await clock.stop();
    clock = null;
    await intake.stop();
    log('intake stopped; raw ceilings next');

    // Raw ceilings, same concurrency and duration, same message, document and input sizes.
    const rawDb = mongo.db(`${ns}_rawbench`).collection<{ _id: string; pad: string }>('docs');
    const pad = 'x'.repeat(Math.max(0, docBytes - BSON.calculateObjectSize({ _id: '0000-000000', pad: '' })));
    log(`raw Mongo inserts of ${docBytes} B`);
    const rawMongo = await closedLoop(concurrency, seconds * 1000, async (client, seq) => {
      await rawDb.insertOne({ _id: `${client}-${seq}`, pad });
      return true;
    });

    const rawTopic = `${ns}.bench.raw-produce`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: rawTopic, numPartitions: 3, replicationFactor: -1 }] });
    await admin.disconnect();
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
    const value = 'x'.repeat(eventBytes);
    log(`raw kafkajs produce of ${eventBytes} B, idempotent, acks=-1`);
    const rawKafka = await closedLoop(concurrency, seconds * 1000, async (client, seq) => {
      const key = `SR-${client}-${seq}`;
      await producer.send({ topic: rawTopic, acks: -1, messages: [{ key, value, headers: { 'event-id': key, 'event-type': 'bench', 'event-version': '1', 'correlation-id': key } }] });
      return true;
    });
    await producer.disconnect();

    log(`raw workflow starts with a ${inputBytes} B input, no worker`);
    const arg = 'x'.repeat(Math.max(0, inputBytes - 2));
    const rawTemporal = await closedLoop(concurrency, seconds * 1000, async (c, seq) => {
      const workflowId = `${ns}-raw-${c}-${seq}`;
      await temporal.client.workflow.start('benchNoWorker', { workflowId, taskQueue: `${ns}-raw-noworker`, args: [arg], workflowExecutionTimeout: '15m' });
      rawStarted.push(workflowId);
      return true;
    });

    const check = (name: string, r: LoopResult) => {
      if (r.failed > 0) log(`${name}: ${r.failed} failed (${r.firstError})`);
    };
    check('raw mongo', rawMongo);
    check('raw kafka', rawKafka);
    check('raw temporal', rawTemporal);
    const ceiling = Math.min(rawMongo.perSecond, rawKafka.perSecond, rawTemporal.perSecond);
    const floorLatency = (p: number) => percentile(rawMongo.latencies, p) + percentile(rawKafka.latencies, p) + percentile(rawTemporal.latencies, p);
    const lat = (values: number[], p: number) => percentile(values, p);
    const rows = [
      ['registrations accepted (HTTP 201) /s', fmt.n(load.perSecond), `${fmt.n(rawMongo.perSecond)} raw Mongo inserts/s`, fmt.share(load.perSecond, rawMongo.perSecond)],
      ['  registered events on Kafka, e2e /s', fmt.n(rate(lastOnKafka)), `${fmt.n(rawKafka.perSecond)} raw kafkajs msgs/s`, fmt.share(rate(lastOnKafka), rawKafka.perSecond)],
      ['  workflows started, e2e /s', fmt.n(rate(lastStarted)), `${fmt.n(rawTemporal.perSecond)} raw starts/s`, fmt.share(rate(lastStarted), rawTemporal.perSecond)],
      ['end to end (stored+Kafka+workflow) /s', fmt.n(rate(doneAt)), `${fmt.n(ceiling)} lowest raw ceiling`, fmt.share(rate(doneAt), ceiling)],
      ...[50, 95, 99].map((p) => [`201 latency p${p}`, fmt.ms(lat(load.latencies, p)), `${fmt.ms(percentile(rawMongo.latencies, p))} raw insert`, fmt.times(lat(load.latencies, p), percentile(rawMongo.latencies, p))]),
      ...[50, 99].map((p) => [`send -> event on Kafka p${p}`, fmt.ms(lat(toKafka, p)), `${fmt.ms(percentile(rawKafka.latencies, p))} raw produce`, fmt.times(lat(toKafka, p), percentile(rawKafka.latencies, p))]),
      ...[50, 99].map((p) => [`send -> workflow started p${p}`, fmt.ms(lat(toWorkflow, p)), `${fmt.ms(floorLatency(p))} raw insert+produce+start`, fmt.times(lat(toWorkflow, p), floorLatency(p))]),
    ];
    process.stdout.write(
      [
        '',
        `bench:intake  ${concurrency} clients x ${seconds} s, namespace ${ns}`,
        `servers: Temporal ${stack.temporalAddress}, Kafka ${stack.kafkaBrokers}, Mongo ${stack.mongoUrl}`,
        `load: ${load.ok} accepted (201), ${load.failed} failed, ${duplicates} linked as duplicates; sizes: event ${eventBytes} B, record+outbox ${docBytes} B, workflow input ${inputBytes} B`,
        `intake records with workflow.runId set: ${withRunId}/${accepted.length}${withRunId < accepted.length ? ' (the other workflows ran recordWorkflowStarted, yet its $set is missing from the record: a lost update)' : ''}`,
        `end to end reached ${fmt.n((doneAt - load.startedAt) / 1000)} s after the load began (load lasted ${fmt.n(load.elapsedMs / 1000)} s)`,
        `raw ceilings: ${rawMongo.ok} inserts, ${rawKafka.ok} messages, ${rawTemporal.ok} workflow starts, each ${concurrency} clients x ${seconds} s`,
        '',
        table(['figure', 'value', 'raw ceiling (same run)', 'ratio'], rows),
        '',
      ].join('\n'),
    );
  } finally {
    log('cleaning up');
    await cleanup([
      ['reader', async () => clock?.stop()],
      ['intake', async () => intake?.stop()],
      ['workflows', async () => {
        const ids = (await requests.find({}, { projection: { _id: 1 } }).toArray()).map((d) => d._id);
        log(`terminated ${await terminateAll(temporal.client, [...ids, ...rawStarted], 'bench finished')} workflows`);
      }],
      ['temporal connection', async () => temporal.close()],
      ['mongo client', async () => mongo.close()],
      ['databases', async () => dropNamespaceDatabases(stack.mongoUrl, ns)],
      ['topics', async () => deleteTopicsWithPrefix(stack.kafkaBrokers, `${ns}.`)],
      ['consumer groups', async () => deleteGroupsWithPrefix(kafka, ns)],
    ]);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:intake failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
