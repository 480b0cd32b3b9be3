/**
 * bench:quality — quality's 8D board (`GET /v1/eight-ds`, no query: the console polls it every 5 s
 * per quality user) as the stored 8Ds grow, beside the query the route ran before
 * (`eightDs.find({}).sort({ openedAt: -1 }).limit(500)`, whole documents, run straight on Mongo:
 * FerretDB v1 reads and decodes every 8D, each with its whole D0–D8 state, for it), the outbox
 * relay's old poll of the 8Ds (`{ outboxDueAt: { $lte: now } }`, straight on Mongo), what the relay
 * reads now (the due entries of `outboxPending`, as outbox-pending.ts reads them) and a raw `_id`
 * read of one 8D, measured in the same run at the same concurrency.
 *
 *   BENCH_SIZES (300,3000)   stored 8Ds at each measurement (a big manufacturer's year, a decade)
 *   BENCH_SECONDS (10)       duration of each closed loop
 *   BENCH_CONCURRENCY (4)    clients in each closed loop
 *   BENCH_OPEN (20)          how many of the stored 8Ds (the newest) are open
 *
 * Each size runs in a namespace (so a database, `<ns>_quality`) of its own: the 8Ds are inserted
 * straight into quality's `eightDs` (batches of 500) before quality starts, since the service reads
 * what is stored at start; its start-up is timed. The 8Ds have the demo 8D's shape and about its
 * size (store/demo-data.ts): nine disciplines with their contents, 40 models LC-1..LC-40, eight
 * failure modes, opened one every ~29 hours back from now (300 a year); the BENCH_OPEN newest are
 * open at some discipline, the rest closed 20 to 80 days after opening. No outbox fields: settled;
 * `outboxPending` is created empty, as a database the service has run on holds it.
 * Before the loops the route's ids are checked: with 500 stored or fewer, the same set as the old
 * query's; with more, every open 8D present and the answer newest first. The figures are printed
 * either way and the bench exits non-zero on a mismatch.
 */
import { MongoClient, type Collection } from 'mongodb';
import { outboxPendingCollection, type OutboxPendingDoc } from '@aftersales/platform';
import { disciplineTitles, eightDDisciplines, type DisciplineContent, type DisciplineState, type EightDState } from '@aftersales/workflows';
import { ServiceProcess, tokenFor } from '../tests/support/services';
import { problemKeyOf, type EightDDoc } from '../services/quality/store/models';
import {
  benchNamespace, cleanup, closedLoop, envInt, fmt, kafkaClient, log, percentile, stackEndpoints, table,
  type LoopResult,
  namespaceCleanup,
  growthLines,
  pick,
  seededRandom as random,
  runBench,
  growthRow,
} from './lib';

const concurrency = envInt('BENCH_CONCURRENCY', 4);
const seconds = envInt('BENCH_SECONDS', 10);
const openCount = envInt('BENCH_OPEN', 20);
const sizes = (process.env.BENCH_SIZES ?? '300,3000').split(',').map(Number);
const boardLimit = 500;
const relayBatch = 100;
const batchSize = 500;
const stack = stackEndpoints();
const ns = benchNamespace('bench-quality');
const nsOf = (size: number) => `${ns}-n${size}`;

const hourMs = 3_600_000;
const dayMs = 24 * hourMs;
/** One 8D opened every ~29 hours: 300 a year. */
const spacingMs = (365 * dayMs) / 300;


const productLine = 'laser-cutting';
const models = Array.from({ length: 40 }, (_, k) => `LC-${k + 1}`);
const failureModes = ['FM-BURR', 'FM-NOZZLE-CRACK', 'FM-LENS-BURN', 'FM-LEAK', 'FM-CRACK', 'FM-WEAR', 'FM-COATING', 'FM-SEAL-LEAK'];
const engineers = [
  { id: 'de-chen', name: 'Chen Jie', role: 'design engineer' },
  { id: 'de-wang', name: 'Wang Lei', role: 'design engineer' },
  { id: 'pe-novak', name: 'Jana Novák', role: 'process engineer' },
  { id: 'se-muller', name: 'Jonas Müller', role: 'service engineer' },
];
const sites = ['Shanghai and Suzhou sites', 'Harbin plant', 'Stuttgart and Brno sites', 'Tianjin and Qingdao sites', 'Kraków workshop'];
const dueHours = { D0: 24, D1: 48, D2: 72, D3: 24, D4: 336, D5: 336, D6: 720, D7: 336, D8: 168 };

/** The contents of the nine disciplines, as the demo 8D's, for this 8D's model and failure mode. */
function contentsOf(n: number, model: string, failureMode: string, engineer: string, at: (ms: number) => string, stepMs: number, rnd: () => number): DisciplineContent[] {
  const other = pick(rnd, models.filter((m) => m !== model));
  const site = pick(rnd, sites);
  const mode = failureMode.slice(3).toLowerCase().replace(/-/g, ' ');
  return [
    { discipline: 'D0', actions: `Customers of ${model} told to check for ${mode} at every start and to call the service desk (case ${n})` },
    { discipline: 'D1', members: [pick(rnd, engineers)], owners: { D4: engineer, D5: engineer } },
    { discipline: 'D2', statement: `${mode} on ${model} within weeks of installation`, what: `${mode} found at inspection and reported by the operators`, where: site, when: 'first weeks after installation or a service visit', howMany: `${3 + Math.floor(rnd() * 5)} machines`, isNot: `not on ${other}` },
    { discipline: 'D3', actions: `Engineers inspect for ${mode} at every visit to a ${model} and replace the part if worn`, flags: [] },
    {
      discipline: 'D4',
      rootCause: `A supplier tolerance on the ${model} lets the part wear early (${mode})`,
      fiveWhys: [`${mode} on the machine`, 'Part worn early', 'Load off-axis', 'Part seated off-centre', 'Seat tolerance too wide'],
      fishbone: { method: ['no check after a part change'], material: ['seat tolerance'], machine: [`${model} seat design`] },
      escapePoint: 'Final test with new parts only',
    },
    { discipline: 'D5', actions: [{ action: `Tighter seat tolerance on the ${model}`, owner: engineer, dueAt: at(5 * stepMs + 3 * dayMs) }] },
    { discipline: 'D6', implemented: 'New seat fitted in production and at visits', validation: `${100 + Math.floor(rnd() * 400)} part changes without ${mode}`, effective: true },
    { discipline: 'D7', standards: ['Service manual: check after every part change'], designRules: ['Seat tolerance ±0.02 mm'], otherModels: [other], flags: [] },
    { discipline: 'D8', summary: `No ${mode} reported on the ${model} since the new seat`, recognition: 'Design and field service teams' },
  ];
}

/** The i-th newest seeded 8D (0 the newest): open for the `openCount` newest, at some discipline; closed after its nine otherwise. */
function eightDAt(i: number, now: number): EightDDoc {
  const n = i + 1;
  const rnd = random(n * 7919 + 17);
  const _id = `8D-BENCH-${n}`;
  const problem = { productLine, model: pick(rnd, models), failureMode: pick(rnd, failureModes) };
  // Newest first, strictly: each within its own ~29-hour slot back from now.
  const opened = now - (i + 1) * spacingMs + Math.floor(rnd() * (spacingMs / 2));
  const open = i < openCount;
  const age = now - opened;
  const closed = open ? null : opened + Math.min(age * 0.8, (20 + rnd() * 60) * dayMs);
  // The discipline an open 8D is at; a closed one went through all nine.
  const at = open ? i % eightDDisciplines.length : eightDDisciplines.length;
  const stepMs = open ? age / (at + 1) : (closed! - opened) / eightDDisciplines.length;
  const iso = (ms: number) => new Date(opened + ms).toISOString();
  const engineer = pick(rnd, engineers).id;
  const team = [{ id: 'qe-on-duty', name: 'Quality engineer on duty', role: 'quality engineer' }, ...engineers.filter((e) => e.id === engineer)];
  const contents = contentsOf(n, problem.model, problem.failureMode, engineer, iso, stepMs, rnd);
  const disciplines: DisciplineState[] = eightDDisciplines.map((d, j) => {
    const owner = d === 'D4' || d === 'D5' ? engineer : 'qe-on-duty';
    const base = { discipline: d, title: disciplineTitles[d], owner, returns: [], escalations: [] };
    if (j < at) {
      return { ...base, dueAt: iso(j * stepMs + 1.2 * stepMs), status: 'approved', openedAt: iso(j * stepMs), content: contents[j]!, submittedBy: owner, submittedAt: iso(j * stepMs + 0.6 * stepMs), approvedBy: 'qm-guo', approvedAt: iso(j * stepMs + 0.8 * stepMs) };
    }
    if (j === at) return { ...base, dueAt: iso(j * stepMs + dueHours[d] * hourMs), status: 'open', openedAt: iso(j * stepMs), content: null, submittedBy: null, submittedAt: null, approvedBy: null, approvedAt: null };
    return { ...base, dueAt: null, status: 'waiting', openedAt: null, content: null, submittedBy: null, submittedAt: null, approvedBy: null, approvedAt: null };
  });
  const reason = `3 failures ${problem.failureMode} on ${problem.model} within 90 days`;
  const revision = open ? 2 * at + 1 : 2 * eightDDisciplines.length + 1;
  const state: EightDState = {
    eightDId: _id, problem, rule: 'same-model-repeat', reason, linkedTo: null, failureRecordIds: [1, 2, 3].map((r) => `FR-SR-BENCH-${n}-${r}`), openedAt: iso(0),
    status: open ? 'open' : 'closed', closedAt: closed === null ? null : new Date(closed).toISOString(), champion: 'qe-on-duty', team, disciplines,
    flags: [], escalationChain: [{ to: 'quality-engineering-lead', afterHours: 0 }], dueHours, eventSeq: 0, revision,
  };
  return {
    _id, status: open ? 'open' : 'closed', problem, problemKey: problemKeyOf(problem), rules: ['same-model-repeat'], reason, linkedTo: null,
    openedAt: new Date(opened), closedAt: closed === null ? null : new Date(closed), revision, state,
  };
}

/** The board's query before: the newest 500, whole documents, straight on Mongo. */
const oldBoard = (eightDs: Collection<EightDDoc>) => eightDs.find({}).sort({ openedAt: -1 }).limit(boardLimit).toArray();
/** The relay's poll of the 8Ds before the pending index. */
const oldRelayPoll = (eightDs: Collection<EightDDoc>) =>
  eightDs.find({ outboxDueAt: { $lte: new Date() } }, { projection: { _id: 1, outboxDueAt: 1 } }).sort({ outboxDueAt: 1, _id: 1 }).limit(relayBatch).toArray();
/** What the relay reads now: the due entries of the pending index (outbox-pending.ts). */
const pendingPoll = (pending: Collection<OutboxPendingDoc>) => pending.find({ dueAt: { $lte: new Date() } }).sort({ dueAt: 1, _id: 1 }).limit(relayBatch).toArray();

interface BoardItem {
  id: string;
  status: string;
  openedAt: string;
}

interface Phase {
  size: number;
  seedRate: number;
  docBytes: number;
  startMs: number;
  check: string;
  mismatch: boolean;
  routeItems: number;
  route: LoopResult;
  old: LoopResult;
  oldRelay: LoopResult;
  pending: LoopResult;
  raw: LoopResult;
}

async function measure(size: number, mongo: MongoClient, token: string, held: { quality: ServiceProcess | null }): Promise<Phase> {
  const sizeNs = nsOf(size);
  const db = mongo.db(`${sizeNs}_quality`);
  const eightDs = db.collection<EightDDoc>('eightDs');
  const pending = db.collection<OutboxPendingDoc>(outboxPendingCollection);
  const now = Date.now();
  const sample = eightDAt(openCount, now);
  const docBytes = JSON.stringify(sample).length;
  log(`${size} 8Ds in ${sizeNs}_quality: ${Math.min(openCount, size)} open; a closed 8D is ${docBytes} B of JSON, e.g. ${sample._id} on ${sample.problem.model}`);

  const ids: string[] = [];
  const began = Date.now();
  for (let start = 0; start < size; start += batchSize) {
    const batch = Array.from({ length: Math.min(batchSize, size - start) }, (_, k) => eightDAt(start + k, now));
    await eightDs.insertMany(batch, { ordered: false });
    ids.push(...batch.map((d) => d._id));
    if ((start / batchSize) % 4 === 3) log(`  seeded ${start + batch.length} of ${size} (${((Date.now() - began) / 1000).toFixed(0)} s)`);
  }
  const seedMs = Math.max(1, Date.now() - began);
  const seedRate = (size * 1000) / seedMs;
  log(`${size} 8Ds inserted in ${fmt.n(seedMs / 1000)} s (${fmt.n(seedRate, 0)}/s)`);

  // As in a database the service has run on: the pending index is there, empty (its entries are deleted once published).
  if (!(await db.listCollections({ name: outboxPendingCollection }).hasNext())) await db.createCollection(outboxPendingCollection);

  const startBegan = Date.now();
  const service = await ServiceProcess.start('quality', sizeNs, stack, { SEED_DEMO_DATA: 'false', LOG_LEVEL: 'warn' });
  held.quality = service;
  const startMs = Date.now() - startBegan;
  log(`quality started over ${size} 8Ds in ${fmt.n(startMs / 1000)} s (spawn to /readyz)`);

  const route = async (): Promise<BoardItem[]> => {
    const response = await fetch(`${service.url}/v1/eight-ds`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await response.json()) as { items?: BoardItem[]; error?: { message: string } };
    if (response.status !== 200 || !body.items) throw new Error(`GET /v1/eight-ds answered ${response.status}: ${body.error?.message ?? ''}`);
    return body.items;
  };

  // Correctness: the route's ids against the old query's (as sets), or every open 8D, newest first.
  const answered = await route();
  const routeIds = answered.map((i) => i.id);
  const routeSet = new Set(routeIds);
  const oldIds = (await oldBoard(eightDs)).map((d) => d._id);
  const oldSet = new Set(oldIds);
  const common = oldIds.filter((id) => routeSet.has(id)).length;
  const duplicates = routeIds.length - routeSet.size;
  let check: string;
  let mismatch: boolean;
  if (size <= boardLimit) {
    const missing = oldIds.filter((id) => !routeSet.has(id));
    const extra = routeIds.filter((id) => !oldSet.has(id));
    mismatch = missing.length > 0 || extra.length > 0 || duplicates > 0;
    check = `route ${routeIds.length} ids, old query ${oldIds.length}, ${common} in common: ${mismatch ? `MISMATCH (${missing.length} missing, ${extra.length} extra, ${duplicates} repeated${missing.length ? `; missing e.g. ${missing.slice(0, 3).join(', ')}` : ''}${extra.length ? `; extra e.g. ${extra.slice(0, 3).join(', ')}` : ''})` : 'the same set'}`;
  } else {
    const openIds = (await eightDs.find({ status: 'open' }, { projection: { _id: 1 } }).toArray()).map((d) => d._id);
    const missingOpen = openIds.filter((id) => !routeSet.has(id));
    const unordered = answered.findIndex((item, k) => k > 0 && Date.parse(item.openedAt) > Date.parse(answered[k - 1]!.openedAt));
    mismatch = missingOpen.length > 0 || unordered >= 0 || duplicates > 0;
    check =
      `route ${routeIds.length} ids (${common} of the old query's ${oldIds.length}); ${openIds.length - missingOpen.length} of ${openIds.length} open 8Ds present; ` +
      `${unordered < 0 ? 'newest first' : `NOT newest first (at ${unordered}: ${answered[unordered - 1]!.id} ${answered[unordered - 1]!.openedAt} before ${answered[unordered]!.id} ${answered[unordered]!.openedAt})`}` +
      `${duplicates ? `; ${duplicates} repeated` : ''}: ${mismatch ? `MISMATCH${missingOpen.length ? ` (open missing e.g. ${missingOpen.slice(0, 3).join(', ')})` : ''}` : 'match'}`;
  }
  log(`correctness at ${size}: ${check}`);

  let routeItems = 0;
  log(`route at ${size}: ${concurrency} clients for ${seconds} s`);
  const routeLoop = await closedLoop(concurrency, seconds * 1000, async () => {
    const items = await route();
    routeItems += items.length;
    return true;
  });
  log(`old board query at ${size}: ${concurrency} clients for ${seconds} s`);
  const old = await closedLoop(concurrency, seconds * 1000, async () => (await oldBoard(eightDs)).length === Math.min(boardLimit, size));
  log(`old relay poll of eightDs at ${size}: ${concurrency} clients for ${seconds} s`);
  const oldRelay = await closedLoop(concurrency, seconds * 1000, async () => {
    await oldRelayPoll(eightDs);
    return true;
  });
  log(`relay poll of ${outboxPendingCollection} at ${size}: ${concurrency} clients for ${seconds} s`);
  const pendingLoop = await closedLoop(concurrency, seconds * 1000, async () => {
    await pendingPoll(pending);
    return true;
  });
  log(`raw findOne({_id}) at ${size}: ${concurrency} clients for ${seconds} s`);
  const rnd = random(size + 2);
  const raw = await closedLoop(concurrency, seconds * 1000, async () => (await eightDs.findOne({ _id: pick(rnd, ids) })) !== null);
  for (const [what, r] of [['route', routeLoop], ['old board query', old], ['old relay poll', oldRelay], ['pending poll', pendingLoop], ['raw', raw]] as const) {
    if (r.failed > 0) log(`${what} at ${size}: ${r.failed} failed (${r.firstError})`);
  }
  return { size, seedRate, docBytes, startMs, check, mismatch, routeItems, route: routeLoop, old, oldRelay, pending: pendingLoop, raw };
}

async function main(): Promise<void> {
  log(`namespace ${ns} (-n<size> per size); sizes ${sizes.join(', ')}; ${openCount} open; ${concurrency} clients, ${seconds} s per loop`);
  const kafka = kafkaClient(stack, `${ns}-bench`);
  const mongo = await MongoClient.connect(stack.mongoUrl);
  const token = await tokenFor('quality');
  const phases: Phase[] = [];
  try {
    for (const size of sizes) {
      const held: { quality: ServiceProcess | null } = { quality: null };
      try {
        phases.push(await measure(size, mongo, token, held));
      } finally {
        log(`cleaning up ${nsOf(size)}`);
        await cleanup([['quality', async () => held.quality?.stop()], ...namespaceCleanup(stack, kafka, nsOf(size))]);
      }
    }

    const p = (r: LoopResult, q: number) => percentile(r.latencies, q);
    const row = (name: string, r: LoopResult, floor: LoopResult) => [`${name} (${r.ok} done${r.failed ? `, ${r.failed} failed` : ''})`, fmt.ms(p(r, 50)), fmt.ms(p(r, 99)), fmt.n(r.perSecond), fmt.times(p(r, 50), p(floor, 50))];
    const phaseRows = (f: Phase) => [
      row('route GET /v1/eight-ds', f.route, f.raw),
      row(`old board query find({}).sort({openedAt:-1}).limit(${boardLimit})`, f.old, f.raw),
      row('old relay poll of eightDs {outboxDueAt: {$lte: now}}', f.oldRelay, f.raw),
      row(`relay poll now: ${outboxPendingCollection} {dueAt: {$lte: now}}`, f.pending, f.raw),
      row('raw findOne({_id}) of one 8D', f.raw, f.raw),
    ];
    const small = phases[0]!;
    const large = phases.at(-1)!;
    const growthRows = [
      growthRow('route p99, ms', p(small.route, 99), p(large.route, 99)),
      growthRow('old board query p99, ms', p(small.old, 99), p(large.old, 99)),
      growthRow('old relay poll p99, ms', p(small.oldRelay, 99), p(large.oldRelay, 99)),
      growthRow('relay poll now p99, ms', p(small.pending, 99), p(large.pending, 99)),
      growthRow('raw findOne p99, ms', p(small.raw, 99), p(large.raw, 99)),
    ];
    process.stdout.write(
      [
        '',
        `bench:quality  ${concurrency} clients x ${seconds} s per loop, ${openCount} open 8Ds, namespace ${ns}`,
        `Mongo ${stack.mongoUrl}; 8Ds of the demo 8D's shape, one opened every ~29 hours back from now`,
        ...phases.flatMap((f) => [
          '',
          `with ${f.size} 8Ds (${f.docBytes} B of JSON each closed, seeded at ${fmt.n(f.seedRate, 0)}/s; quality started in ${fmt.n(f.startMs / 1000)} s): ${f.check}; route answered ${fmt.n(f.routeItems / Math.max(1, f.route.ok))} 8Ds per call on average`,
          table(['figure', 'p50', 'p99', 'per second', 'p50 / raw _id p50'], phaseRows(f)),
        ]),
        '',
        ...growthLines(small.size, large.size, '8Ds', growthRows),
        '',
      ].join('\n'),
    );
  } finally {
    await cleanup([['mongo client', async () => mongo.close()]]);
  }
  if (phases.some((f) => f.mismatch)) throw new Error('the board route and the old query disagreed (see the correctness lines above)');
}

runBench('quality', main);
