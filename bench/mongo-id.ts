import { MongoClient } from 'mongodb';
import { benchNamespace, envInt, stackEndpoints } from './lib';

/**
 * What the services' hot paths rest on: reading, updating and missing a document by `_id`, at two
 * collection sizes, beside a plain insert (the raw ceiling, flat by construction) in the same run.
 * On FerretDB's SQLite backend these were scans until the stack's build patched the lookup to the
 * `_id` index's own expression (infra/lib/ferretdb.mjs); flat figures from small to large say it holds.
 *
 *   npm run bench:mongo-id            (BENCH_SIZES=1000,30000, BENCH_OPS=50)
 */
const sizes = (process.env.BENCH_SIZES ?? '1000,30000').split(',').map(Number);
const ops = envInt('BENCH_OPS', 50);
const pad = 'x'.repeat(2_000); // about the size of a service request record

async function timed(k: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < k; i++) await fn(i);
  return Number(process.hrtime.bigint() - started) / 1e6 / k;
}

const client = await MongoClient.connect(stackEndpoints().mongoUrl);
const db = client.db(`${benchNamespace('bench-id').replace(/-/g, '_')}`);
const rows: Record<string, string | number>[] = [];
try {
  for (const size of sizes) {
    const docs = db.collection<{ _id: string; status: string; pad: string }>(`docs_${size}`);
    const id = (i: number) => `SR-${String(i).padStart(8, '0')}`;
    for (let i = 0; i < size; i += 1_000) await docs.insertMany(Array.from({ length: Math.min(1_000, size - i) }, (_, j) => ({ _id: id(i + j), status: 'closed', pad })));
    // the newest documents: a scan reaches them last
    const find = await timed(ops, (i) => docs.findOne({ _id: id(size - 1 - (i % size)) }));
    const miss = await timed(ops, (i) => docs.findOne({ _id: `MISSING-${i}` }));
    const update = await timed(ops, (i) => docs.updateOne({ _id: id(size - 1 - (i % size)) }, { $set: { status: 'open' } }));
    const insert = await timed(ops, (i) => docs.insertOne({ _id: `NEW-${i}`, status: 'open', pad }));
    rows.push({ size, 'find by _id ms': find.toFixed(2), 'miss ms': miss.toFixed(2), 'update by _id ms': update.toFixed(2), 'raw insert ms': insert.toFixed(2), 'find / insert': (find / insert).toFixed(2) });
  }
  console.table(rows);
  const [small, large] = [rows[0], rows.at(-1)];
  if (small && large && small !== large) console.log(`find by _id, ${String(large.size)} vs ${String(small.size)} documents: ${(Number(large['find by _id ms']) / Number(small['find by _id ms'])).toFixed(2)}x`);
} finally {
  await db.dropDatabase();
  await client.close();
}
