import { describe, expect, it } from 'vitest';
import { fuzzedServices, fuzzToken, report } from './contract/fuzz';
import { fuzzService, type FuzzRun } from './support/schemathesis';
import { useTestBed } from './support/testbed';

/**
 * The API contract, held by an independent fuzzer: Schemathesis (from PyPI, pinned) against each
 * service's OpenAPI document with every check on (5xx, response schemas, undocumented statuses,
 * content types, schema-valid data refused, schema-violating data accepted, auth ignored,
 * unsupported methods, stateful sequences), a fixed seed and a few cases per operation, on this
 * file's throwaway namespace with the demo data. tests/contract/schemathesis.toml says what counts
 * as a right answer; `npm run fuzz` is the long run.
 */
describe('the API contract under Schemathesis', () => {
  const demo = { SEED_DEMO_DATA: 'true' };
  const bed = useTestBed('contract', Object.fromEntries(fuzzedServices.map((name) => [name, demo])));
  const runs: FuzzRun[] = [];

  it.each(fuzzedServices)('%s answers every generated case as its document says', async (name) => {
    const run = await fuzzService({ service: name, url: bed.service(name).url, token: await fuzzToken(name), maxExamples: 3, seed: 1 });
    runs.push(run);
    console.log(report(runs));
    expect(run.generated, 'cases generated (is the document served?)').toBeGreaterThan(100);
    expect([run.failures, run.errors], run.output.slice(Math.max(0, run.output.search(/=+ (ERRORS|FAILURES) =+/)))).toEqual([0, 0]);
    expect(run.exitCode).toBe(0);
  }, 300_000);
});
