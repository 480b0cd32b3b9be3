import { afterAll, describe, expect, it } from 'vitest';
import { restoreServers, shortFaults } from './soak/faults';
import { runSoak } from './soak/soak';

const local = process.env.STACK !== 'external';

/**
 * The short soak: requests through the whole flow (intake, dispatch, spares, quality) three at a
 * time for a few minutes, while each service process, the Kafka broker, FerretDB and the Temporal
 * dev server is SIGKILLed and restarted once, and then Kafka and intake together. Clients retry
 * what was refused for the moment, as a real client would. Afterwards nothing the API accepted may
 * be missing (closed, work order, parts written off, cost allocated, failure recorded, each fact
 * on Kafka) and nothing may exist twice. `npm run soak` is the long one (see tests/soak/main.ts).
 */
describe.skipIf(!local)('soak: the whole flow under a running load while components are killed', () => {
  afterAll(async () => {
    // Whatever happened, leave every server running for the next test run (runSoak does too).
    await restoreServers();
  }, 180_000);

  it('loses nothing accepted and does nothing twice', async () => {
    const result = await runSoak({ minutes: 2.5, concurrency: 3, faults: shortFaults, settleMinutes: 3 });
    process.stdout.write(`\n${result.table}\n`);
    expect(result.verdict.accepted).toBeGreaterThan(5);
    expect(result.recoveries.map((r) => r.component).sort()).toEqual(['dispatch', 'intake', 'intake', 'kafka', 'kafka', 'mongo', 'quality', 'spares', 'temporal']);
    expect(result.verdict.duplicates, 'duplicate effects').toEqual([]);
    expect(result.verdict.lost, 'accepted but lost').toEqual([]);
    expect(result.verdict.closed).toBe(result.verdict.accepted);
  }, 15 * 60_000);
});
