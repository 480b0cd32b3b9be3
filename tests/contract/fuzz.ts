/**
 * npm run fuzz -- [--examples N] [--seed S] [--steps K] [service ...]: Schemathesis against each
 * service's OpenAPI document, every check on, on a throwaway namespace with the demo data (never
 * the running system's). The stateful phase runs deep by default: K calls per scenario (20; 6 is
 * Schemathesis's own default and the short pass's), following the links the documents declare
 * (--inferred-links adds those Schemathesis infers from names, as the short pass does) from the demo
 * data into screened requests, assigned and reported work orders, reservations, requisitions and
 * 8Ds. Prints per service the test cases sent, failures, Schemathesis's own errors and the
 * stateful phase's reach, and each failure as Schemathesis reports it. Exit 1 on any failure.
 * The short pass runs in npm test (tests/api-contract.e2e.test.ts); this is the long one.
 */
import { parseArgs } from 'node:util';
import { roles, signToken } from '@aftersales/platform';
import { deleteTopicsWithPrefix } from '../support/kafka';
import { dropNamespaceDatabases } from '../support/mongo';
import { fuzzService, type FuzzRun, type StatefulReach } from '../support/schemathesis';
import { ServiceProcess, testJwtSecret, type ServiceName } from '../support/services';
import { stackEndpoints } from '../support/stack';
import { terminateNamespaceWorkflows } from '../support/temporal';
import { uniqueNamespace } from '../support/wait';

export const fuzzedServices: ServiceName[] = ['intake', 'dispatch', 'spares', 'quality', 'notifications'];

/** Calls per stateful scenario in the long run: enough to walk a request from registration to its survey, or an 8D through a few disciplines. */
export const deepStatefulSteps = 20;

/**
 * Every staff role at once, so each operation is reached; dealers' scoping has its own tests (the
 * access matrix). Quality's caller is the champion on duty (championOnDuty in
 * services/quality/domain/assignment.ts), who may submit every discipline of an 8D it opens, so
 * the stateful phase can move one past D0; elsewhere a fuzzing member of staff.
 */
export function fuzzToken(service?: ServiceName): Promise<string> {
  const sub = service === 'quality' ? 'qe-on-duty' : 'fuzz-staff';
  return signToken({ sub, roles: roles.filter((r) => r !== 'dealer') }, { secret: testJwtSecret, issuer: 'aftersales-test' });
}

const reachOf = (s: StatefulReach | null) =>
  s ? `  stateful: ${s.scenarios} scenarios, links ${s.linksCovered} covered / ${s.linksSelected} selected / ${s.linksTotal} total, ${s.operationsAnswered.length} operations answered 2xx (${s.operationsReachedByLink.length} through a link)` : '';

export function report(runs: FuzzRun[]): string {
  const rows = runs.map((r) => `  ${r.service.padEnd(13)} ${String(r.generated).padStart(7)} cases  ${String(r.failures).padStart(3)} failures  ${String(r.errors).padStart(2)} tool errors  ${r.seconds.toFixed(0).padStart(4)} s${reachOf(r.stateful)}`);
  return ['Schemathesis, every check on:', ...rows].join('\n');
}

async function main() {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { examples: { type: 'string', default: '50' }, seed: { type: 'string', default: '1' }, steps: { type: 'string', default: String(deepStatefulSteps) }, phases: { type: 'string' }, 'inferred-links': { type: 'boolean', default: false } } });
  const names = (positionals.length ? positionals : fuzzedServices) as ServiceName[];
  const stack = stackEndpoints();
  const ns = uniqueNamespace('fuzz');
  const processes = await Promise.all(names.map((name) => ServiceProcess.start(name, ns, stack, { SEED_DEMO_DATA: 'true' })));
  const runs: FuzzRun[] = [];
  try {
    for (const [i, name] of names.entries()) {
      const run = await fuzzService({
        service: name,
        url: processes[i]!.url,
        token: await fuzzToken(name),
        maxExamples: Number(values.examples),
        seed: Number(values.seed),
        statefulSteps: Number(values.steps),
        declaredLinksOnly: !values['inferred-links'],
        ...(values.phases ? { phases: values.phases.split(',') } : {}),
      });
      runs.push(run);
      if (run.failures || run.errors) console.log(run.output.slice(Math.max(0, run.output.search(/=+ (ERRORS|FAILURES) =+/))));
      console.log(report([run]));
      if (run.stateful) console.log(`  ${name}: 2xx in the stateful phase through links: ${run.stateful.operationsReachedByLink.join(', ') || 'none'}`);
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
