/**
 * npm run fuzz -- [--examples N] [--seed S] [service ...]: Schemathesis against each service's
 * OpenAPI document, every check on, on a throwaway namespace with the demo data (never the
 * running system's). Prints per service the test cases sent, failures and Schemathesis's own
 * errors, and each failure as Schemathesis reports it. Exit 1 on any failure.
 * The short pass runs in npm test (tests/api-contract.e2e.test.ts); this is the long one.
 */
import { parseArgs } from 'node:util';
import { roles, signToken } from '@aftersales/platform';
import { deleteTopicsWithPrefix } from '../support/kafka';
import { dropNamespaceDatabases } from '../support/mongo';
import { fuzzService, type FuzzRun } from '../support/schemathesis';
import { ServiceProcess, testJwtSecret, type ServiceName } from '../support/services';
import { stackEndpoints } from '../support/stack';
import { terminateNamespaceWorkflows } from '../support/temporal';
import { uniqueNamespace } from '../support/wait';

export const fuzzedServices: ServiceName[] = ['intake', 'dispatch', 'spares', 'quality', 'notifications'];

/** Every staff role at once, so each operation is reached; dealers' scoping has its own tests (the access matrix). */
export function fuzzToken(): Promise<string> {
  return signToken({ sub: 'fuzz-staff', roles: roles.filter((r) => r !== 'dealer') }, { secret: testJwtSecret, issuer: 'aftersales-test' });
}

export function report(runs: FuzzRun[]): string {
  const rows = runs.map((r) => `  ${r.service.padEnd(13)} ${String(r.generated).padStart(7)} cases  ${String(r.failures).padStart(3)} failures  ${String(r.errors).padStart(2)} tool errors  ${r.seconds.toFixed(0).padStart(4)} s`);
  return ['Schemathesis, every check on:', ...rows].join('\n');
}

async function main() {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { examples: { type: 'string', default: '50' }, seed: { type: 'string', default: '1' } } });
  const names = (positionals.length ? positionals : fuzzedServices) as ServiceName[];
  const stack = stackEndpoints();
  const ns = uniqueNamespace('fuzz');
  const processes = await Promise.all(names.map((name) => ServiceProcess.start(name, ns, stack, { SEED_DEMO_DATA: 'true' })));
  const runs: FuzzRun[] = [];
  try {
    const token = await fuzzToken();
    for (const [i, name] of names.entries()) {
      const run = await fuzzService({ service: name, url: processes[i]!.url, token, maxExamples: Number(values.examples), seed: Number(values.seed) });
      runs.push(run);
      if (run.failures || run.errors) console.log(run.output.slice(Math.max(0, run.output.search(/=+ (ERRORS|FAILURES) =+/))));
      console.log(report([run]));
    }
  } finally {
    await Promise.all(processes.map((p) => p.stop()));
    await terminateNamespaceWorkflows(stack, ns);
    await dropNamespaceDatabases(stack.mongoUrl, ns);
    await deleteTopicsWithPrefix(stack.kafkaBrokers, `${ns}.`);
  }
  console.log(report(runs));
  process.exit(runs.some((r) => r.failures > 0) ? 1 : 0);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
