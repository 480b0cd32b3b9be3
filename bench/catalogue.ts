/**
 * bench:catalogue — the parts that fit a model (spares' `GET /v1/parts?model=` and `GET /v1/bom`,
 * which the engineer's job screen asks: store/model-parts.ts, the model's list then each part by
 * `_id`) as the catalogue grows, beside the filter it replaced (`parts.find({ fitsModels })`,
 * which FerretDB v1 answers by reading every part) and a raw `_id` read of one part, in the same
 * run at the same concurrency. The one-off listing of a catalogue stored before the lists
 * (buildModelPartsOnce, at the first start after the upgrade) is timed too. Two ways to read the
 * list: held (a process that read the model before and holds its answer: the catalogue's stamp and
 * the model's list, at once) and cold (a process's first read: those two, then each part by `_id`).
 *
 *   BENCH_SIZES (2000,20000)  parts in the catalogue (a database of its own per size)
 *   BENCH_SECONDS (10)        duration of each closed loop
 *   BENCH_CONCURRENCY (4)     clients in each closed loop
 *
 * Seeding: parts inserted straight into `parts` (insertMany, batches of 2,000), about 300 to a
 * model (a machine model's spares), one part in ten fitting a second model. Before the loops the
 * list's answer for ten models is checked against the filter's (the same part numbers, in order);
 * the figures are printed either way and the bench exits non-zero on a difference.
 */
import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { createSparesStore } from '../services/spares/store/collections';
import { buildModelPartsOnce, createModelParts } from '../services/spares/store/model-parts';
import type { PartDoc } from '../services/spares/store/models';
import { benchNamespace, closedLoop, envInt, fmt, growthLines, log, percentile, stackEndpoints, table, type LoopResult, runBench, growthRow, onOwnDatabase } from './lib';

const concurrency = envInt('BENCH_CONCURRENCY', 4);
const seconds = envInt('BENCH_SECONDS', 10);
const sizes = (process.env.BENCH_SIZES ?? '2000,20000').split(',').map((v) => Number(v.trim()));
if (sizes.some((v) => !Number.isInteger(v) || v <= 0)) throw new Error(`BENCH_SIZES must be positive whole numbers, got ${process.env.BENCH_SIZES}`);
const stack = stackEndpoints();
const ns = benchNamespace('bench-catalogue').replace(/-/g, '_');
const partsPerModel = 300;
const checkedModels = 10;

const partNumber = (i: number) => `P-${String(i).padStart(6, '0')}`;
const modelOf = (k: number) => `M-${String(k).padStart(3, '0')}`;

function seededPart(i: number, models: number): PartDoc {
  const first = i % models;
  const fitsModels = i % 10 === 0 && models > 1 ? [modelOf(first), modelOf((first + 1) % models)] : [modelOf(first)];
  return { _id: partNumber(i), description: `Spare part ${i} for the cutting head`, fitsModels, supersededBy: null, listPrice: 10 + (i % 90), currency: 'EUR', consumable: i % 7 === 0, category: null, supplierId: null, parentParts: [] };
}

interface Phase {
  size: number;
  models: number;
  buildMs: number;
  fitting: number;
  mismatch: string | null;
  held: LoopResult;
  cold: LoopResult;
  filter: LoopResult;
  raw: LoopResult;
}

async function measure(size: number, connection: Connection): Promise<Phase> {
  const store = createSparesStore(connection);
  await store.init();
  const parts = connection.collection<PartDoc>('parts') as unknown as Collection<PartDoc>;
  const models = Math.max(1, Math.round(size / partsPerModel));
  log(`[${size}] seeding ${size} parts over ${models} models`);
  for (let from = 0; from < size; from += 2_000) await parts.insertMany(Array.from({ length: Math.min(2_000, size - from) }, (_, k) => seededPart(from + k, models)));
  const began = performance.now();
  await buildModelPartsOnce(store, parts, () => new Date());
  const buildMs = performance.now() - began;
  const modelParts = createModelParts(store, parts, () => new Date());
  const byFilter = async (model: string) => (await parts.find({ fitsModels: model }).sort({ _id: 1 }).toArray()).map((p) => p._id);

  let mismatch: string | null = null;
  let fitting = 0;
  for (let k = 0; k < Math.min(checkedModels, models); k++) {
    const [listed, filtered] = await Promise.all([modelParts.of(modelOf(k)).then((found) => found.map((p) => p._id)), byFilter(modelOf(k))]);
    fitting += listed.length;
    if (listed.join() !== filtered.join()) mismatch ??= `${modelOf(k)}: list ${listed.length} parts, filter ${filtered.length}`;
  }
  fitting /= Math.min(checkedModels, models);
  log(`[${size}] ${fmt.n(fitting, 0)} parts a model; list ${mismatch ? `differs (${mismatch})` : 'equals the filter'}`);

  const model = (seq: number) => modelOf(seq % models);
  for (let k = 0; k < models; k++) await modelParts.of(modelOf(k));
  log(`[${size}] list, held`);
  const held = await closedLoop(concurrency, seconds * 1000, async (_, seq) => (await modelParts.of(model(seq))).length > 0);
  log(`[${size}] list, cold`);
  const cold = await closedLoop(concurrency, seconds * 1000, async (_, seq) => (await createModelParts(store, parts, () => new Date()).of(model(seq))).length > 0);
  log(`[${size}] filter`);
  const filter = await closedLoop(concurrency, seconds * 1000, async (_, seq) => (await byFilter(model(seq))).length > 0);
  log(`[${size}] raw _id read`);
  const raw = await closedLoop(concurrency, seconds * 1000, async (_, seq) => (await parts.findOne({ _id: partNumber((seq * 7919) % size) })) !== null);
  return { size, models, buildMs, fitting, mismatch, held, cold, filter, raw };
}

async function main(): Promise<void> {
  log(`namespace ${ns} (_c<size> per size); sizes ${sizes.join(', ')}; ${concurrency} clients, ${seconds} s per loop`);
  const phases: Phase[] = [];
  for (const size of sizes) {
    phases.push(await onOwnDatabase(stack.mongoUrl, `${ns}_c${size}`, (connection) => measure(size, connection)));
  }

  const p = (r: LoopResult, q: number) => percentile(r.latencies, q);
  const calls = (r: LoopResult) => `${r.ok}${r.failed ? ` (${r.failed} failed)` : ''}, ${fmt.n(r.perSecond)}/s`;
  const rows = [
    ['models (parts a model)', ...phases.map((f) => `${f.models} (${fmt.n(f.fitting, 0)})`)],
    ['buildModelPartsOnce (once per database), s', ...phases.map((f) => fmt.n(f.buildMs / 1000, 2))],
    ['list = old filter (10 models)', ...phases.map((f) => (f.mismatch ? 'MISMATCH' : 'yes'))],
    ['a model\u2019s parts, held: p50 / p99', ...phases.map((f) => `${fmt.ms(p(f.held, 50))} / ${fmt.ms(p(f.held, 99))}`)],
    ['  calls', ...phases.map((f) => calls(f.held))],
    ['  p50 against a raw _id read', ...phases.map((f) => fmt.times(p(f.held, 50), p(f.raw, 50)))],
    ['a model\u2019s parts, cold: p50 / p99', ...phases.map((f) => `${fmt.ms(p(f.cold, 50))} / ${fmt.ms(p(f.cold, 99))}`)],
    ['  calls', ...phases.map((f) => calls(f.cold))],
    ['  its _id reads a second against raw reads a second', ...phases.map((f) => fmt.share(f.cold.perSecond * (2 + f.fitting), f.raw.perSecond))],
    ['the filter it replaced: p50 / p99', ...phases.map((f) => `${fmt.ms(p(f.filter, 50))} / ${fmt.ms(p(f.filter, 99))}`)],
    ['  calls', ...phases.map((f) => calls(f.filter))],
    ['raw _id read of one part: p50 / p99', ...phases.map((f) => `${fmt.ms(p(f.raw, 50))} / ${fmt.ms(p(f.raw, 99))}`)],
    ['  calls', ...phases.map((f) => calls(f.raw))],
  ];
  const small = phases[0]!;
  const large = phases.at(-1)!;
  process.stdout.write(
    [
      '',
      `bench:catalogue  ${concurrency} clients x ${seconds} s per loop, namespace ${ns}, Mongo ${stack.mongoUrl}`,
      '',
      table(['figure', ...phases.map((f) => `${f.size} parts`)], rows),
      '',
      ...growthLines(small.size, large.size, 'parts', [
        growthRow('held p99, ms', p(small.held, 99), p(large.held, 99)),
        growthRow('cold p99, ms', p(small.cold, 99), p(large.cold, 99)),
        growthRow('filter p99, ms', p(small.filter, 99), p(large.filter, 99)),
        growthRow('raw _id read p99, ms', p(small.raw, 99), p(large.raw, 99)),
      ]),
      '',
    ].join('\n'),
  );
  if (phases.some((f) => f.mismatch)) throw new Error('the models\u2019 lists and the old filter disagreed');
}

runBench('catalogue', main);
