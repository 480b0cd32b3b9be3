/**
 * The long soak: `npm run soak` (30 minutes of load), `npm run soak -- --minutes 10`.
 * Kills shared servers, so it runs under the heavy lock:
 * `flock /tmp/aftersales-heavy.lock npm run soak -- --minutes 10`.
 */
import { parseArgs } from 'node:util';
import { longFaults } from './faults';
import { runSoak } from './soak';

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '30' }, concurrency: { type: 'string', default: '3' }, settle: { type: 'string', default: '8' } } });
const minutes = Number(values.minutes);
const concurrency = Number(values.concurrency);
if (!(minutes > 0) || !(concurrency >= 1)) {
  console.error('usage: npm run soak -- [--minutes 30] [--concurrency 3] [--settle 8]');
  process.exit(2);
}
const result = await runSoak({ minutes, concurrency, faults: longFaults, repeatFaults: true, settleMinutes: Number(values.settle) });
process.stdout.write(`\n${result.table}\n`);
for (const r of result.unfinished.slice(0, 20)) process.stdout.write(`unfinished by the client: ${r.requestId} at ${r.at}\n`);
const failed = result.verdict.lost.length + result.verdict.duplicates.length;
process.stdout.write(`\n${failed === 0 ? 'PASS' : 'FAIL'}: ${result.verdict.lost.length} lost, ${result.verdict.duplicates.length} duplicate effects (namespace ${result.ns})\n`);
process.exit(failed === 0 ? 0 : 1);
