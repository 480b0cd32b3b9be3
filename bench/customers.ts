/**
 * bench:customers — intake's customer name search (`GET /v1/customers?q=<text>&limit=50`, names
 * starting with the text in any case, by customer id) as the stored customers grow, beside the
 * regular-expression filter it replaced (run straight on Mongo: FerretDB v1 reads every customer
 * for it) and a raw `_id` read of one customer, measured in the same run at the same concurrency.
 * Also the list without a name (`GET /v1/customers?limit=200`, A to Z by lower-cased name, then id,
 * read from the name buckets), beside the query it replaced, run straight on Mongo: the first 200
 * by `_id` (`find({}).sort({ _id: 1 })`, which FerretDB answers by reading and sorting every customer).
 * And the console's pages of that list (`limit=50`): the first, and one from the middle of the
 * alphabet (`after` = the place of the customer halfway down), checked against the same sort.
 *
 *   BENCH_SIZES (1000,10000) stored customers at each measurement, seeded in bulk between them
 *   BENCH_SECONDS (10)       duration of each closed loop
 *   BENCH_CONCURRENCY (4)    clients in each closed loop
 *
 * Customers are inserted straight into intake's `customers` (batches of 1,000) and noted in the
 * name buckets the search reads (customer-names.ts), as the API notes one it creates. Prefixes are
 * drawn from the seeded names: 1, 2, 3 and 5 characters, as stored, lower- or upper-cased. Before
 * the loops, 40 prefixes are checked: the route's ids must equal the filter's, in the same order;
 * the figures are printed either way and the bench exits non-zero on a mismatch. The list's ids are
 * checked too: the first 200 of every stored customer (`{_id, name}` read once) sorted as above.
 * Not 30,000 by default: the regex filter's 40-prefix check alone would take about half an hour there.
 */
import { MongoClient, type Collection } from 'mongodb';
import { ServiceProcess, tokenFor } from '../tests/support/services';
import { placeToken } from '../services/intake/api/customer-pages';
import { intakeReadModels } from '../services/intake/store/read-models';
import type { CustomerDoc } from '../services/intake/store/installed-base-models';
import {
  benchNamespace, cleanup, closedLoop, envInt, fmt, kafkaClient, log, percentile, pool, stackEndpoints, table,
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
const sizes = (process.env.BENCH_SIZES ?? '1000,10000').split(',').map(Number);
const limit = 50;
const listLimit = 200;
/** The console's page of the list. */
const pageLimit = 50;
const checked = 40;
const stack = stackEndpoints();
const ns = benchNamespace('bench-customers');


const firsts = [
  'Müller', 'Ørsted', 'Škoda', 'Łódź', 'Årdal', 'Zürich', 'Göteborg', 'Brno', 'Lyon', 'Porto', 'Hamburg', 'Jiangnan', 'Harbin',
  'Shenyang', 'Tianjin', 'Qingdao', 'Wuxi', 'Ningbo', 'Dalian', 'Chengdu', 'Suzhou', 'Kraków', 'Plzeň', 'Köln', 'Malmö', 'Tampere',
  'Bilbao', 'Torino', 'Brescia', 'Eindhoven', 'Liège', 'Aarhus', 'Østfold', 'Žilina', 'Čakovec', 'Schäfer', 'Weiß', 'Nowak', 'Novák',
  'Andersen', 'Fischer', 'Bauer', 'Hoffmann', 'Rossi', 'Ferreira', 'García', 'Dubois', 'Lefèvre', 'Yamamoto', 'Kim', 'Oulu', 'Győr',
];
const trades = [
  'Precision', 'Sheet Metal', 'Tooling', 'Plastics', 'Machining', 'Fabrication', 'Hydraulics', 'Foundry', 'Stanztechnik', 'Formenbau',
  'Metalworks', 'Lasertechnik', 'Automotive Parts', 'Packaging', 'Elektro', 'Strojírny', 'Maskin', 'Industrial', 'Gears', 'Castings',
];
const suffixes = ['GmbH', 'AG', 's.r.o.', 'A/S', 'AB', 'Co.', 'Ltd.', 'S.A.', 'Oy', 'Sp. z o.o.', 'S.p.A.', 'B.V.', 'KG'];
const cities = ['Shanghai', 'Harbin', 'Shenyang', 'Stuttgart', 'Brno', 'Aarhus', 'Lyon', 'Torino', 'Göteborg', 'Kraków'];

/** The n-th seeded customer: 2 or 3 words of a place or family, a trade and sometimes a legal form; two sites, three contacts (about 1 KB). */
function customerAt(n: number, template: Partial<CustomerDoc>): CustomerDoc {
  const rnd = random(n * 7919 + 17);
  const first = pick(rnd, firsts);
  const trade = pick(rnd, trades);
  const name = rnd() < 0.6 ? `${first} ${trade} ${pick(rnd, suffixes)}` : `${first} ${trade}`;
  const _id = `BENCH-C-${String(n).padStart(6, '0')}`;
  const sites = [1, 2].map((s) => ({
    id: `${_id}-S${s}`,
    name: `${pick(rnd, cities)} ${s === 1 ? 'plant' : 'workshop'}`,
    address: `${1 + Math.floor(rnd() * 400)} Industrial Park Road ${s}, ${pick(rnd, firsts)} District`,
    city: pick(rnd, cities),
    locationClass: (rnd() < 0.5 ? 'provincial-capital' : 'elsewhere') as never,
    coordinates: { lat: 30 + rnd() * 25, lon: 100 + rnd() * 25 },
    timeZone: 'Asia/Shanghai',
  }));
  const contacts = ['maintenance lead', 'plant manager', 'purchasing'].map((role, c) => ({
    name: `${pick(rnd, firsts)} ${String.fromCharCode(65 + c)}.`,
    phone: `+86 21 5555 ${String(n % 10_000).padStart(4, '0')}`,
    email: `contact${c}.${n}@example.com`,
    role,
    siteId: sites[c % 2]!.id,
  }));
  return { ...template, _id, name, class: 'standard', dealerId: null, contacts, sites, createdAt: new Date(Date.UTC(2026, 0, 1) + n * 60_000), createdBy: 'bench' };
}

/** The filter the route used: names starting with `q` in any case, by id, straight on Mongo. */
const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
async function byFilter(customers: Collection<CustomerDoc>, q: string): Promise<string[]> {
  const docs = await customers.find({ name: { $regex: `^${escapeRegex(q)}`, $options: 'i' } }, { projection: { _id: 1 } }).sort({ _id: 1 }).limit(limit).toArray();
  return docs.map((d) => d._id);
}

/** `count` prefixes of seeded names: 1, 2, 3 or 5 characters, as stored, lower- or upper-cased (the route trims, so trailing spaces are dropped). */
function prefixes(names: readonly string[], count: number, seed: number): string[] {
  const rnd = random(seed);
  const out: string[] = [];
  while (out.length < count) {
    const chars = Array.from(pick(rnd, names)).slice(0, pick(rnd, [1, 2, 3, 5]));
    const raw = chars.join('').trim();
    if (!raw) continue;
    const c = rnd();
    out.push(c < 0.5 ? raw : c < 0.8 ? raw.toLowerCase() : raw.toUpperCase());
  }
  return out;
}

interface Phase {
  size: number;
  seedRate: number;
  mismatches: number;
  route: LoopResult;
  filter: LoopResult;
  raw: LoopResult;
  listMismatch: boolean;
  list: LoopResult;
  pageMismatch: boolean;
  firstPage: LoopResult;
  middlePage: LoopResult;
  oldSort: LoopResult;
  routeItems: number;
  byLength: Map<number, number[]>;
}

async function main(): Promise<void> {
  log(`namespace ${ns}; sizes ${sizes.join(', ')}; ${concurrency} clients, ${seconds} s per loop`);
  const kafka = kafkaClient(stack, `${ns}-bench`);
  const mongo = await MongoClient.connect(stack.mongoUrl);
  let intake: ServiceProcess | null = null;
  let failedCheck = false;
  try {
    intake = await ServiceProcess.start('intake', ns, stack, { LOG_LEVEL: 'warn' });
    const service = intake;
    const token = await tokenFor('agent');
    const db = mongo.db(`${ns}_intake`);
    const customers = db.collection<CustomerDoc>('customers');
    const customerNames = intakeReadModels(db).customerNames;
    // A demo customer's fields (SEED_DEMO_DATA on in the environment) are the template; else the built shape alone.
    const demo = await customers.findOne({ _id: 'CUST-0001' });
    const { _id: _d, name: _n, sites: _s, contacts: _c, ...template } = demo ?? ({} as Partial<CustomerDoc>);
    const sample = customerAt(1, template);
    log(`seeded customer shape: ${JSON.stringify(sample).length} B of JSON, e.g. "${sample.name}"${demo ? ' (fields of demo CUST-0001)' : ''}`);

    const route = async (q: string) => {
      const response = await fetch(`${service.url}/v1/customers?q=${encodeURIComponent(q)}&limit=${limit}`, { headers: { authorization: `Bearer ${token}` } });
      const body = (await response.json()) as { items?: { id: string }[]; error?: { message: string } };
      if (response.status !== 200 || !body.items) throw new Error(`GET /v1/customers?q=${q} answered ${response.status}: ${body.error?.message ?? ''}`);
      return body.items.map((i) => i.id);
    };
    const listRoute = async () => {
      const response = await fetch(`${service.url}/v1/customers?limit=${listLimit}`, { headers: { authorization: `Bearer ${token}` } });
      const body = (await response.json()) as { items?: { id: string }[]; error?: { message: string } };
      if (response.status !== 200 || !body.items) throw new Error(`GET /v1/customers?limit=${listLimit} answered ${response.status}: ${body.error?.message ?? ''}`);
      return body.items.map((i) => i.id);
    };
    /** A page of the list as the console asks for it: 50, after `after` when given. */
    const pageRoute = async (after: string | null) => {
      const query = new URLSearchParams({ limit: String(pageLimit), ...(after ? { after } : {}) });
      const response = await fetch(`${service.url}/v1/customers?${query}`, { headers: { authorization: `Bearer ${token}` } });
      const body = (await response.json()) as { items?: { id: string }[]; error?: { message: string } };
      if (response.status !== 200 || !body.items) throw new Error(`GET /v1/customers?${query} answered ${response.status}: ${body.error?.message ?? ''}`);
      return body.items.map((i) => i.id);
    };
    /** The list the route replaced: the first 200 by id, whole documents, straight on Mongo. */
    const bySortedId = () => customers.find({}).sort({ _id: 1 }).limit(listLimit).toArray();

    const names: string[] = [];
    const ids: string[] = [];
    const phases: Phase[] = [];
    for (const size of sizes) {
      const began = Date.now();
      const from = ids.length;
      for (let start = from; start < size; start += 1000) {
        const batch = Array.from({ length: Math.min(1000, size - start) }, (_, i) => customerAt(start + i + 1, template));
        // Noted first, as the API notes a customer before its insert.
        await customerNames.note(batch.map((c) => ({ id: c._id, name: c.name })));
        await customers.insertMany(batch, { ordered: false });
        names.push(...batch.map((c) => c.name));
        ids.push(...batch.map((c) => c._id));
        if ((start / 1000) % 10 === 9) log(`  seeded ${start + batch.length} of ${size} (${((Date.now() - began) / 1000).toFixed(0)} s)`);
      }
      const seedMs = Math.max(1, Date.now() - began);
      const seedRate = ((size - from) * 1000) / seedMs;
      log(`${size} customers (${size - from} added in ${fmt.n(seedMs / 1000)} s, ${fmt.n(seedRate, 0)}/s, noted and inserted)`);

      // Correctness: the route's ids against the filter's, same order.
      const check = prefixes(names, checked, size);
      const compared = await pool(check, concurrency, async (q) => ({ q, route: await route(q), filter: await byFilter(customers, q) }));
      const wrong = compared.filter((c) => c.route.join() !== c.filter.join());
      log(`correctness at ${size}: ${wrong.length} of ${checked} prefixes mismatched (route and filter answered ${compared.reduce((s, c) => s + c.filter.length, 0)} ids in all)`);
      for (const w of wrong.slice(0, 3)) log(`  q=${JSON.stringify(w.q)}: route ${w.route.length} [${w.route.slice(0, 3).join(', ')}...], filter ${w.filter.length} [${w.filter.slice(0, 3).join(', ')}...]`);
      if (wrong.length) failedCheck = true;

      // Correctness of the list: the route's ids against every stored customer sorted by lower-cased name, then id.
      const all = (await customers.find({}, { projection: { _id: 1, name: 1 } }).toArray()).map((c) => ({ id: c._id, sort: c.name.toLowerCase() }));
      all.sort((a, b) => (a.sort < b.sort ? -1 : a.sort > b.sort ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const expected = all.slice(0, listLimit).map((c) => c.id);
      const listed = await listRoute();
      const listMismatch = listed.join() !== expected.join();
      const at = listed.findIndex((id, i) => id !== expected[i]);
      log(`list correctness at ${size}: ${listMismatch ? 'MISMATCH' : 'match'} (route ${listed.length} ids, expected ${expected.length} of ${all.length} sorted by name then id)`);
      if (listMismatch) log(`  first difference at ${at < 0 ? listed.length : at}: route ${listed[at] ?? '(none)'}, expected ${expected[at < 0 ? listed.length : at] ?? '(none)'}`);
      if (listMismatch) failedCheck = true;
      // The console's pages: the first, and the one after the customer halfway down.
      const middle = all[Math.floor(all.length / 2)]!;
      const middleToken = placeToken({ by: 'name', place: { name: names[ids.indexOf(middle.id)]!, id: middle.id } });
      const middleAt = all.indexOf(middle) + 1;
      const [firstIds, middleIds] = await Promise.all([pageRoute(null), pageRoute(middleToken)]);
      const pageMismatch = firstIds.join() !== all.slice(0, pageLimit).map((c) => c.id).join() || middleIds.join() !== all.slice(middleAt, middleAt + pageLimit).map((c) => c.id).join();
      log(`pages at ${size}: ${pageMismatch ? 'MISMATCH' : 'match'} (the first ${pageLimit}, and ${middleIds.length} from place ${middleAt} of ${all.length})`);
      if (pageMismatch) failedCheck = true;

      const qs = prefixes(names, 5000, size + 1);
      let routeItems = 0;
      log(`route at ${size}: ${concurrency} clients for ${seconds} s`);
      const byLength = new Map<number, number[]>();
      const routeLoop = await closedLoop(concurrency, seconds * 1000, async (_c, seq) => {
        const q = qs[seq % qs.length]!;
        const began = performance.now();
        const found = await route(q);
        routeItems += found.length;
        const length = Math.min(4, Array.from(q).length); // a 5-character slice ending in a space is trimmed to 4
        byLength.set(length, [...(byLength.get(length) ?? []), performance.now() - began]);
        return true;
      });
      log(`filter at ${size}: ${concurrency} clients for ${seconds} s`);
      const filterLoop = await closedLoop(concurrency, seconds * 1000, async (_c, seq) => {
        await byFilter(customers, qs[seq % qs.length]!);
        return true;
      });
      log(`raw findOne({_id}) at ${size}: ${concurrency} clients for ${seconds} s`);
      const rnd = random(size + 2);
      const raw = await closedLoop(concurrency, seconds * 1000, async () => (await customers.findOne({ _id: pick(rnd, ids) })) !== null);
      log(`list (limit=${listLimit}) at ${size}: ${concurrency} clients for ${seconds} s`);
      const list = await closedLoop(concurrency, seconds * 1000, async () => (await listRoute()).length === Math.min(listLimit, all.length));
      log(`first page (limit=${pageLimit}) at ${size}: ${concurrency} clients for ${seconds} s`);
      const firstPage = await closedLoop(concurrency, seconds * 1000, async () => (await pageRoute(null)).length === Math.min(pageLimit, all.length));
      log(`middle page (limit=${pageLimit}, after place ${middleAt}) at ${size}: ${concurrency} clients for ${seconds} s`);
      const middlePage = await closedLoop(concurrency, seconds * 1000, async () => (await pageRoute(middleToken)).length === Math.min(pageLimit, all.length - middleAt));
      log(`old sort by _id (limit=${listLimit}) at ${size}: ${concurrency} clients for ${seconds} s`);
      const oldSort = await closedLoop(concurrency, seconds * 1000, async () => (await bySortedId()).length === Math.min(listLimit, all.length));
      for (const [what, r] of [['route', routeLoop], ['filter', filterLoop], ['raw', raw], ['list', list], ['first page', firstPage], ['middle page', middlePage], ['old sort', oldSort]] as const) {
        if (r.failed > 0) log(`${what} at ${size}: ${r.failed} failed (${r.firstError})`);
      }
      phases.push({ size, seedRate, mismatches: wrong.length, route: routeLoop, filter: filterLoop, raw, listMismatch, list, pageMismatch, firstPage, middlePage, oldSort, routeItems, byLength });
    }

    const p = (r: LoopResult, q: number) => percentile(r.latencies, q);
    const phaseRows = (f: Phase) => [
      ...[50, 99].map((q) => [`route p${q} (${f.route.ok} done, ${fmt.n(f.route.perSecond)}/s)`, fmt.ms(p(f.route, q)), `${fmt.ms(p(f.raw, q))} raw findOne`, fmt.times(p(f.route, q), p(f.raw, q))]),
      ...[1, 2, 3, 4].map((n) => {
        const times = f.byLength.get(n) ?? [];
        return [`  route p50, ${n === 4 ? '4-5' : n} characters (${times.length} done)`, fmt.ms(percentile(times, 50)), `${fmt.ms(p(f.raw, 50))} raw findOne`, fmt.times(percentile(times, 50), p(f.raw, 50))];
      }),
      ['route searches /s', fmt.n(f.route.perSecond), `${fmt.n(f.raw.perSecond)} raw findOne/s`, fmt.share(f.route.perSecond, f.raw.perSecond)],
      ...[50, 99].map((q) => [`regex filter p${q} (${f.filter.ok} done, ${fmt.n(f.filter.perSecond)}/s)`, fmt.ms(p(f.filter, q)), `${fmt.ms(p(f.raw, q))} raw findOne`, fmt.times(p(f.filter, q), p(f.raw, q))]),
      ['regex filter queries /s', fmt.n(f.filter.perSecond), `${fmt.n(f.raw.perSecond)} raw findOne/s`, fmt.share(f.filter.perSecond, f.raw.perSecond)],
      ['route p50 / filter p50', fmt.times(p(f.route, 50), p(f.filter, 50)), '', ''],
      ...[50, 99].map((q) => [`list p${q} (${f.list.ok} done, ${fmt.n(f.list.perSecond)}/s)`, fmt.ms(p(f.list, q)), `${fmt.ms(p(f.raw, q))} raw findOne`, fmt.times(p(f.list, q), p(f.raw, q))]),
      ...[50, 99].map((q) => [`first page of ${pageLimit} p${q} (${f.firstPage.ok} done)`, fmt.ms(p(f.firstPage, q)), `${fmt.ms(p(f.raw, q))} raw findOne`, fmt.times(p(f.firstPage, q), p(f.raw, q))]),
      ...[50, 99].map((q) => [`middle page of ${pageLimit} p${q} (${f.middlePage.ok} done)`, fmt.ms(p(f.middlePage, q)), `${fmt.ms(p(f.raw, q))} raw findOne`, fmt.times(p(f.middlePage, q), p(f.raw, q))]),
      ...[50, 99].map((q) => [`old sort by _id p${q} (${f.oldSort.ok} done, ${fmt.n(f.oldSort.perSecond)}/s)`, fmt.ms(p(f.oldSort, q)), `${fmt.ms(p(f.raw, q))} raw findOne`, fmt.times(p(f.oldSort, q), p(f.raw, q))]),
      ['list p50 / old sort p50', fmt.times(p(f.list, 50), p(f.oldSort, 50)), '', ''],
    ];
    const small = phases[0]!;
    const large = phases.at(-1)!;
    const growthRows = [
      growthRow('route p50, ms', p(small.route, 50), p(large.route, 50)),
      growthRow('route p99, ms', p(small.route, 99), p(large.route, 99)),
      growthRow('route searches /s', small.route.perSecond, large.route.perSecond),
      growthRow('regex filter p50, ms', p(small.filter, 50), p(large.filter, 50)),
      growthRow('regex filter p99, ms', p(small.filter, 99), p(large.filter, 99)),
      growthRow('list p50, ms', p(small.list, 50), p(large.list, 50)),
      growthRow('list p99, ms', p(small.list, 99), p(large.list, 99)),
      growthRow('first page p99, ms', p(small.firstPage, 99), p(large.firstPage, 99)),
      growthRow('middle page p99, ms', p(small.middlePage, 99), p(large.middlePage, 99)),
      growthRow('raw findOne p99, ms', p(small.raw, 99), p(large.raw, 99)),
    ];
    process.stdout.write(
      [
        '',
        `bench:customers  ${concurrency} clients x ${seconds} s per loop, limit=${limit}, namespace ${ns}`,
        `Mongo ${stack.mongoUrl}; prefixes of 1, 2, 3 and 5 characters of seeded names, mixed case`,
        ...phases.flatMap((f) => [
          '',
          `with ${f.size} customers (seeded at ${fmt.n(f.seedRate, 0)}/s): ${f.mismatches} of ${checked} prefixes mismatched route vs filter; route answered ${fmt.n(f.routeItems / Math.max(1, f.route.ok))} customers per search on average; list ${f.listMismatch ? 'MISMATCHED' : 'matched'} the first ${listLimit} by name then id; pages ${f.pageMismatch ? 'MISMATCHED' : 'matched'}`,
          table(['figure', 'value', 'raw ceiling (same run)', 'ratio'], phaseRows(f)),
        ]),
        '',
        ...growthLines(small.size, large.size, 'customers', growthRows),
        '',
      ].join('\n'),
    );
  } finally {
    log('cleaning up');
    await cleanup([
      ['intake', async () => intake?.stop()],
      ['mongo client', async () => mongo.close()],
      ...namespaceCleanup(stack, kafka, ns),
    ]);
  }
  if (failedCheck) throw new Error('the search and the regex filter, or the list or its pages and the sort by name, disagreed (see the correctness lines above)');
}

runBench('customers', main);
