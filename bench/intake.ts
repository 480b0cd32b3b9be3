/**
 * bench:intake — registrations per second through intake, HTTP to stored, event on Kafka, workflow
 * started, beside raw ceilings of the same servers measured in the same run at the same concurrency.
 *
 *   BENCH_CONCURRENCY (8)  clients in a closed loop
 *   BENCH_SECONDS (20)     duration of the load and of each raw ceiling
 *   BENCH_E2E_TIMEOUT (600) seconds to wait after the load for every event and workflow
 *   BENCH_SIZES (1000,100000) stored requests at each measurement, seeded in bulk between them
 *   BENCH_OPEN_STORED (300) how many of the stored requests are open (the work in hand stays, history grows)
 *   BENCH_ARTICLES_PER_1000 (10) knowledge-base articles in intake's copy per 1,000 stored requests (1,000 at 100,000)
 *   BENCH_CPU_PROF (unset)  a directory: intake samples its CPU (bench/intake-profile.mjs) and writes a .cpuprofile there when it stops
 *   BENCH_MONGO_COMMANDS (unset) a directory: intake counts its Mongo commands by command and collection (bench/intake-profile.mjs)
 *
 * At each size: the closed-loop load and its end to end, the 201 at half that end-to-end rate in
 * an open loop, and the request page and the SLA board read by 4 clients for 10 s. End to end is
 * the accepted requests over the time from the load's start to the instant the last of them was
 * both on Kafka and started (Temporal's start time, learnt from its visibility list).
 */
import { randomBytes } from 'node:crypto';
import { BSON, MongoClient } from 'mongodb';
import type { Kafka } from 'kafkajs';
import { getStateQuery } from '@aftersales/workflows';
import { registrationBody } from '../tests/support/demo';
import { ServiceProcess, tokenFor } from '../tests/support/services';
import { openLoop, seedKnownFixes, seedMachines, seedRequests, timedReads } from './intake-data';
import { boardEntries, intakeReadModels } from '../services/intake/store/read-models';
import {
  benchNamespace, cleanup, closedLoop, connectTemporal, envInt, fmt, kafkaClient, log, percentile,
  sleep, stackEndpoints, table, terminateAll, type LoopResult,
  namespaceCleanup,
  growthLines,
  runBench,
} from './lib';

const concurrency = envInt('BENCH_CONCURRENCY', 8);

/** One data size's figures. */
interface Phase {
  size: number;
  articles: number;
  load: LoopResult;
  accepted: number;
  regRate: number;
  onKafkaRate: number;
  startedRate: number;
  e2e: number;
  e2eSeconds: number;
  toKafka: number[];
  toWorkflow: number[];
  half: LoopResult;
  halfRate: number;
  page: LoopResult;
  /** The page's two reads alone, same clients and ids: its workflow query, its record by _id. */
  pageQuery: LoopResult;
  pageRecord: LoopResult;
  board: LoopResult;
  boardSize: number;
  customer: LoopResult;
}
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
  /** Requests the bench registered (seeded ones have no workflow). */
  const launched: string[] = [];
  const temporal = await connectTemporal(stack);
  let intake: ServiceProcess | null = null;
  let clock: Awaited<ReturnType<typeof startEventClock>> | null = null;
  try {
    const profileDir = process.env.BENCH_CPU_PROF || process.env.BENCH_MONGO_COMMANDS;
    intake = await ServiceProcess.start('intake', ns, stack, {
      SEED_DEMO_DATA: 'true',
      LOG_LEVEL: 'warn',
      // --cpu-prof is refused in NODE_OPTIONS: a preload starts the same sampler through the inspector.
      ...(profileDir ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${process.cwd()}/bench/intake-profile.mjs`.trim() } : {}),
    });
    clock = await startEventClock(kafka);
    const token = await tokenFor('agent');
    const service = intake;
    let machines: string[] = ['SN-0001'];
    const post = async (channel: string, seq: number) => {
      const response = await fetch(`${service.url}/v1/service-requests`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(registrationBody({ channel, symptom: symptom(), serialNumber: machines[seq % machines.length] })),
      });
      const body = (await response.json()) as { id?: string; duplicateOf?: string | null; error?: { message: string } };
      if (response.status !== 201 || !body.id) throw new Error(`POST answered ${response.status}: ${body.error?.message ?? ''}`);
      return body as { id: string; duplicateOf?: string | null };
    };

    // Workflow start instants read from Temporal's visibility, one list call per pass for the whole
    // task queue: describing each unconfirmed request (64 at a time, every 200 ms while the starts
    // lagged) made far more calls to Temporal, on the same two cores, than the starter's own starts.
    // The instants are the server's start times, so how late they are learnt changes nothing.
    const started = new Map<string, number>();
    const taskQueue = `${ns}-service-requests`;
    /** Learns the start instants of this run's workflows started since `since` (visibility may lag a start a little). */
    const confirmStarted = async (since: number): Promise<void> => {
      const query = `TaskQueue = '${taskQueue}' AND StartTime >= '${new Date(since - 5_000).toISOString()}'`;
      for await (const info of temporal.client.workflow.list({ query, pageSize: 1000 })) {
        if (!started.has(info.workflowId)) started.set(info.workflowId, info.startTime.getTime());
      }
    };

    // Warm-up: one request all the way through, which also gives the sizes of a real record, event and workflow input.
    const warmSentAt = Date.now();
    const warm = await post('phone', 0);
    launched.push(warm.id);
    while (!(clock.seenAt.has(warm.id) && started.has(warm.id))) {
      await confirmStarted(warmSentAt);
      await sleep(200);
    }
    const eventBytes = clock.bytes.get(warm.id)!;
    let warmRecord = (await requests.findOne({ _id: warm.id })) as Record<string, unknown>;
    // The template of seeded requests is the record after its workflow's first sync (with its clocks).
    for (let i = 0; i < 100 && !warmRecord.sla; i++) {
      await sleep(100);
      warmRecord = (await requests.findOne({ _id: warm.id })) as Record<string, unknown>;
    }
    const { outbox: _outbox, ...record } = warmRecord;
    const docBytes = BSON.calculateObjectSize(record) + eventBytes; // the record was inserted with its event in its outbox
    const history = await temporal.client.workflow.getHandle(warm.id).fetchHistory();
    const inputBytes = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data?.length ?? 0;
    log(`warm-up ${warm.id} done: event ${eventBytes} B, record ${docBytes} B, workflow input ${inputBytes} B`);
    const db = mongo.db(`${ns}_intake`);
    machines = await seedMachines(db, 500);

    const unreached: string[] = [];
    /**
     * Waits until every id is on Kafka and has its workflow; returns the instant the last of them
     * got there (the later of its Kafka arrival and its workflow's start), or, when it stopped
     * waiting (noted in unreached), that instant.
     */
    const endToEnd = async (ids: string[], since: number, what: string) => {
      const deadline = Date.now() + envInt('BENCH_E2E_TIMEOUT', 600) * 1000;
      let progressAt = Date.now();
      for (;;) {
        await confirmStarted(since);
        const onKafka = ids.filter((id) => clock!.seenAt.has(id)).length;
        const withWorkflow = ids.filter((id) => started.has(id)).length;
        if (onKafka === ids.length && withWorkflow === ids.length) return Math.max(...ids.map((id) => Math.max(clock!.seenAt.get(id)!, started.get(id)!)));
        if (Date.now() - progressAt > 5000) {
          progressAt = Date.now();
          log(`  ${what}: ${onKafka}/${ids.length} on Kafka, ${withWorkflow}/${ids.length} workflows started`);
        }
        if (Date.now() > deadline) {
          unreached.push(`${what}: ${onKafka}/${ids.length} on Kafka, ${withWorkflow}/${ids.length} workflows started when the bench stopped waiting`);
          return Date.now();
        }
        await sleep(250);
      }
    };

    const sizes = (process.env.BENCH_SIZES ?? '1000,100000').split(',').map(Number);
    const openStored = envInt('BENCH_OPEN_STORED', 300);
    const articlesPer1000 = envInt('BENCH_ARTICLES_PER_1000', 10);
    const machineModel = String((await db.collection('machines').findOne({ _id: machines[0] as never }))?.model ?? 'FL-3015');
    let articles = 0;
    const readToken = await tokenFor('manager');
    const allAccepted: string[] = [];
    const phases: Phase[] = [];
    let stored = 0;
    let duplicates = 0;
    for (const size of sizes) {
      const seeded = await seedRequests(db, { record, open: openStored }, stored, size);
      const articlesNow = Math.round((size * articlesPer1000) / 1000);
      const addedArticles = await seedKnownFixes(db, machineModel, articles, articlesNow);
      articles = articlesNow;
      stored = size;
      log(`${size} stored requests (${seeded.added} added in ${fmt.n(seeded.ms / 1000)} s, ${fmt.n((seeded.added * 1000) / Math.max(1, seeded.ms), 0)}/s), ${articles} known fixes (${addedArticles} added)`);

      // The load: 201s only count; each request's send instant is kept for its end-to-end latency.
      const sentAt = new Map<string, number>();
      log(`load at ${size}: ${concurrency} clients for ${seconds} s`);
      const load = await closedLoop(concurrency, seconds * 1000, async (_client, seq) => {
        const began = Date.now();
        const created = await post(channels[seq % channels.length]!, seq);
        sentAt.set(created.id, began);
        if (created.duplicateOf) duplicates++;
        return true;
      });
      const accepted = [...sentAt.keys()];
      allAccepted.push(...accepted);
      launched.push(...accepted);
      log(`load done: ${load.ok} accepted, ${load.failed} failed${load.firstError ? ` (${load.firstError})` : ''}; waiting for Kafka and workflows`);
      const doneAt = await endToEnd(accepted, load.startedAt, `load at ${size}`);
      const rate = (until: number) => (accepted.length * 1000) / (until - load.startedAt);
      const e2e = rate(doneAt);

      // Half that load, open loop: the 201's latency when the system is not at its limit.
      const halfRate = Math.max(1, e2e / 2);
      log(`half load at ${size}: ${fmt.n(halfRate)} registrations/s for ${seconds} s`);
      const halfIds: string[] = [];
      const halfFrom = Date.now();
      const half = await openLoop(halfRate, seconds * 1000, async (seq) => {
        const created = await post(channels[seq % channels.length]!, seq + 7);
        halfIds.push(created.id);
      });
      allAccepted.push(...halfIds);
      launched.push(...halfIds);
      await endToEnd(halfIds, halfFrom, `half load at ${size}`);

      log(`request page, SLA board and customer page at ${size}: 4 clients, 10 s each`);
      const page = await timedReads(4, 10, (seq) => `${service.url}/v1/service-requests/${accepted[seq % accepted.length]}`, readToken);
      const pageQuery = await closedLoop(4, 10_000, async (_c, seq) => {
        await temporal.client.workflow.getHandle(accepted[seq % accepted.length]!).query(getStateQuery);
        return true;
      });
      const pageRecord = await closedLoop(4, 10_000, async (_c, seq) => Boolean(await requests.findOne({ _id: accepted[seq % accepted.length]! as never })));
      const board = await timedReads(4, 10, () => `${service.url}/v1/sla-board`, readToken);
      // The customer the load registers for: its page (machines, contracts, open requests) as the console opens it.
      const customer = await timedReads(4, 10, () => `${service.url}/v1/customers/CUST-0001`, readToken);
      const boardSize = (await boardEntries(intakeReadModels(db))).length;
      phases.push({
        size,
        articles,
        load,
        accepted: accepted.length,
        regRate: load.perSecond,
        onKafkaRate: rate(Math.max(...accepted.map((id) => clock!.seenAt.get(id) ?? Date.now()))),
        startedRate: rate(Math.max(...accepted.map((id) => started.get(id) ?? Date.now()))),
        e2e,
        e2eSeconds: (doneAt - load.startedAt) / 1000,
        toKafka: accepted.map((id) => (clock!.seenAt.get(id) ?? Date.now()) - sentAt.get(id)!),
        toWorkflow: accepted.map((id) => (started.get(id) ?? Date.now()) - sentAt.get(id)!),
        half,
        halfRate,
        page,
        pageQuery,
        pageRecord,
        board,
        boardSize,
        customer,
      });
    }

    // The record's own link to its run: counted once it stops changing.
    // Read by _id: a filter on the records reads all 100,000 of them on FerretDB (minutes per pass).
    const linked = async () => {
      let count = 0;
      for (let i = 0; i < allAccepted.length; i += 50) {
        const docs = await Promise.all(allAccepted.slice(i, i + 50).map((id) => requests.findOne({ _id: id as never }, { projection: { 'workflow.runId': 1 } })));
        count += docs.filter((d) => (d as { workflow?: { runId?: string } } | null)?.workflow?.runId).length;
      }
      return count;
    };
    let withRunId = await linked();
    for (let previous = -1; withRunId !== previous; ) {
      await sleep(2000);
      previous = withRunId;
      withRunId = await linked();
    }
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
    const floorLatency = (p: number) => percentile(rawMongo.latencies, p) + percentile(rawKafka.latencies, p) + percentile(rawTemporal.latencies, p);
    const p = (values: number[], q: number) => fmt.ms(percentile(values, q));
    const small = phases[0]!;
    const large = phases.at(-1)!;
    const phaseRows = (f: Phase) => [
      [`registrations accepted (HTTP 201) /s`, fmt.n(f.regRate), `${fmt.n(rawMongo.perSecond)} raw Mongo inserts/s`, fmt.share(f.regRate, rawMongo.perSecond)],
      ['  registered events on Kafka, e2e /s', fmt.n(f.onKafkaRate), `${fmt.n(rawKafka.perSecond)} raw kafkajs msgs/s`, fmt.share(f.onKafkaRate, rawKafka.perSecond)],
      ['  workflows started, e2e /s', fmt.n(f.startedRate), `${fmt.n(rawTemporal.perSecond)} raw starts/s`, fmt.share(f.startedRate, rawTemporal.perSecond)],
      ['end to end (stored+Kafka+workflow) /s', fmt.n(f.e2e), `${fmt.n(rawTemporal.perSecond)} raw Temporal starts/s`, fmt.share(f.e2e, rawTemporal.perSecond)],
      ...[50, 99].map((q) => [`201 p${q} at full load (${concurrency} clients)`, p(f.load.latencies, q), `${fmt.ms(percentile(rawMongo.latencies, q))} raw insert`, fmt.times(percentile(f.load.latencies, q), percentile(rawMongo.latencies, q))]),
      ...[50, 99].map((q) => [`201 p${q} at half load (${fmt.n(f.halfRate)}/s open loop)`, p(f.half.latencies, q), `${fmt.ms(percentile(rawMongo.latencies, q))} raw insert`, fmt.times(percentile(f.half.latencies, q), percentile(rawMongo.latencies, q))]),
      ...[50, 99].map((q) => [`send -> event on Kafka p${q}`, p(f.toKafka, q), `${fmt.ms(percentile(rawKafka.latencies, q))} raw produce`, fmt.times(percentile(f.toKafka, q), percentile(rawKafka.latencies, q))]),
      ...[50, 99].map((q) => [`send -> workflow started p${q}`, p(f.toWorkflow, q), `${fmt.ms(floorLatency(q))} raw insert+produce+start`, fmt.times(percentile(f.toWorkflow, q), floorLatency(q))]),
      ...[50, 99].map((q) => [`request page p${q} (4 clients)`, p(f.page.latencies, q), `${fmt.ms(percentile(rawMongo.latencies, q))} raw insert`, fmt.times(percentile(f.page.latencies, q), percentile(rawMongo.latencies, q))]),
      ...[50, 99].map((q) => [`  its workflow query alone p${q}`, p(f.pageQuery.latencies, q), `${fmt.ms(percentile(f.pageRecord.latencies, q))} its record by _id alone`, fmt.times(percentile(f.pageQuery.latencies, q), percentile(f.pageRecord.latencies, q))]),
      ...[50, 99].map((q) => [`SLA board p${q} (4 clients, ${f.boardSize} open)`, p(f.board.latencies, q), `${fmt.ms(percentile(rawMongo.latencies, q))} raw insert`, fmt.times(percentile(f.board.latencies, q), percentile(rawMongo.latencies, q))]),
      ...[50, 99].map((q) => [`customer page p${q} (4 clients, ${f.customer.ok} read)`, p(f.customer.latencies, q), `${fmt.ms(percentile(rawMongo.latencies, q))} raw insert`, fmt.times(percentile(f.customer.latencies, q), percentile(rawMongo.latencies, q))]),
    ];
    const growth = (name: string, a: number, b: number, higherIsBetter: boolean) => [name, `${fmt.n(a)} -> ${fmt.n(b)}`, higherIsBetter ? `${fmt.n(a / b, 2)}x slower` : `${fmt.n(b / a, 2)}x`];
    const growthRows = [
      growth('end to end /s', small.e2e, large.e2e, true),
      growth('201 p99 at half load, ms', percentile(small.half.latencies, 99), percentile(large.half.latencies, 99), false),
      growth('request page p99, ms', percentile(small.page.latencies, 99), percentile(large.page.latencies, 99), false),
      growth('SLA board p99, ms', percentile(small.board.latencies, 99), percentile(large.board.latencies, 99), false),
      growth('customer page p99, ms', percentile(small.customer.latencies, 99), percentile(large.customer.latencies, 99), false),
    ];
    process.stdout.write(
      [
        '',
        `bench:intake  ${concurrency} clients x ${seconds} s per load, namespace ${ns}`,
        `servers: Temporal ${stack.temporalAddress}, Kafka ${stack.kafkaBrokers}, Mongo ${stack.mongoUrl}`,
        `sizes: event ${eventBytes} B, record+outbox ${docBytes} B, workflow input ${inputBytes} B; ${duplicates} registrations linked as duplicates; registrations spread over 500 machines`,
        `intake records with workflow.runId set: ${withRunId}/${allAccepted.length}${withRunId < allAccepted.length ? ' (the other workflows ran recordWorkflowStarted, yet its $set is missing from the record: a lost update)' : ''}`,
        `raw ceilings (measured once, after the loads): ${rawMongo.ok} inserts, ${rawKafka.ok} messages, ${rawTemporal.ok} workflow starts, each ${concurrency} clients x ${seconds} s`,
        ...phases.flatMap((f) => [
          '',
          `with ${f.size} stored requests (${openStored} of them open) and ${f.articles} known fixes: ${f.accepted} accepted at full load, ${f.load.failed} failed; end to end ${fmt.n(f.e2eSeconds)} s after the load began (load ${fmt.n(f.load.elapsedMs / 1000)} s); half load ${f.half.ok} accepted, ${f.half.failed} failed`,
          table(['figure', 'value', 'raw ceiling (same run)', 'ratio'], phaseRows(f)),
        ]),
        ...(unreached.length > 0 ? ['', 'NOT REACHED (figures above count these as arriving when the bench stopped waiting):', ...unreached] : []),
        '',
        ...growthLines(small.size, large.size, 'stored requests', growthRows),
        '',
      ].join('\n'),
    );
  } finally {
    log('cleaning up');
    await cleanup([
      ['reader', async () => clock?.stop()],
      ['intake', async () => intake?.stop()],
      ['workflows', async () => {
        log(`terminated ${await terminateAll(temporal.client, [...launched, ...rawStarted], 'bench finished')} workflows`);
      }],
      ['temporal connection', async () => temporal.close()],
      ['mongo client', async () => mongo.close()],
      ...namespaceCleanup(stack, kafka, ns),
    ]);
  }
}

runBench('intake', main);
