import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registrationBody } from './support/demo';
import { withMongo } from './support/mongo';
import { api, ServiceProcess } from './support/services';
import { withTemporal } from './support/temporal';
import { useTestBed } from './support/testbed';
import { eventually } from './support/wait';

const total = 48;

/** The value of one counter series on a process's /metrics page (0 when absent). */
async function counter(service: ServiceProcess, name: string, label: string): Promise<number> {
  const page = await (await fetch(`${service.url}/metrics`)).text();
  return page
    .split('\n')
    .filter((line) => line.startsWith(name) && line.includes(label))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

/**
 * Two instances of intake and two of dispatch side by side (same consumer groups, same task
 * queue), as two replicas of a Deployment run: the registrations are shared between them, one of
 * each is stopped with SIGTERM halfway through the load (a rolling update), and the other carries
 * on. Every accepted request has exactly one workflow and one place on the dispatch board.
 */
describe('two instances of a service under load, one stopped halfway', () => {
  const bed = useTestBed('side', { intake: { SEED_DEMO_DATA: 'true' }, dispatch: {} });
  const { stack, ns, started } = bed;
  let intakeB: ServiceProcess;
  let dispatchB: ServiceProcess;

  beforeAll(async () => {
    [intakeB, dispatchB] = await Promise.all([ServiceProcess.start('intake', ns, stack), ServiceProcess.start('dispatch', ns, stack)]);
  });
  afterAll(async () => {
    await Promise.all([intakeB?.stop(), dispatchB?.stop()]);
  });

  it('shares the work, and a stopped instance loses nothing and doubles nothing', async () => {
    const intakeA = bed.service('intake');
    const dispatchA = bed.service('dispatch');
    const accepted: string[] = [];
    let stoppedB = false;
    let sharedBeforeStop: { a: number; b: number } | null = null;

    // Four clients, each round-robin over the instances still up, as a load balancer would send them.
    const register = async (n: number) => {
      const targets = stoppedB ? [intakeA] : [intakeA, intakeB];
      const target = targets[n % targets.length]!;
      const body = registrationBody({ symptom: `Side-by-side load ${n}: burr on the cut edge` });
      const created = await api(target, 'POST', '/v1/service-requests', {
        token: bed.token('agent'),
        body,
        headers: { 'idempotency-key': `side-${ns}-${n}` },
      }).catch(() => null);
      // an instance going away refuses new connections; the balancer sends the request to the other
      // Refused connections and a draining instance's 503 are what a balancer retries; nothing else.
      if (created && created.status !== 201) expect(created.status, JSON.stringify(created.body)).toBe(503);
      const answer = created?.status === 201 ? created : await api(intakeA, 'POST', '/v1/service-requests', {
        token: bed.token('agent'),
        body,
        headers: { 'idempotency-key': `side-${ns}-${n}` },
      });
      expect(answer.status, JSON.stringify(answer.body)).toBe(201);
      accepted.push(answer.body.id as string);
    };
    let next = 0;
    const client = async () => {
      while (next < total) {
        const n = next++;
        if (n === total / 2 && !stoppedB) {
          // halfway: both dispatch instances have applied registrations, then B of each gets SIGTERM
          sharedBeforeStop = await eventually('both dispatch instances applied registrations', async () => {
            const a = await counter(dispatchA, 'aftersales_events_applied_total', 'type="service-request.registered@1"');
            const b = await counter(dispatchB, 'aftersales_events_applied_total', 'type="service-request.registered@1"');
            return a > 0 && b > 0 ? { a, b } : undefined;
          }, { timeoutMs: 60_000, intervalMs: 500 });
          stoppedB = true;
          await Promise.all([intakeB.stop(), dispatchB.stop()]);
        }
        await register(n);
      }
    };
    await Promise.all([client(), client(), client(), client()]);
    started.push(...accepted);
    expect(sharedBeforeStop).not.toBeNull();
    expect(new Set(accepted).size).toBe(total);

    // Every accepted request reaches the board of the instance left, once.
    await eventually('every request on the dispatch board', async () => {
      const count = await withMongo(stack.mongoUrl, (client) => client.db(`${ns}_dispatch`).collection('serviceRequestBoard').countDocuments({ _id: { $in: accepted as never[] } }));
      return count === total ? true : undefined;
    }, { timeoutMs: 120_000, intervalMs: 1_000 });
    for (const id of accepted.slice(0, 5)) expect((await api(dispatchA, 'GET', `/v1/service-requests/${id}`, { token: bed.token('dispatcher') })).status).toBe(200);

    // Every accepted request has exactly one workflow run, running, whichever instance started it.
    await withTemporal(stack, async (temporal) => {
      await eventually('a workflow for every request', async () => {
        const runs = new Map<string, number>();
        for await (const run of temporal.workflow.list({ query: `WorkflowType = 'serviceRequest' AND TaskQueue = '${ns}-service-requests'` })) {
          runs.set(run.workflowId, (runs.get(run.workflowId) ?? 0) + 1);
        }
        const missing = accepted.filter((id) => !runs.has(id));
        const doubled = [...runs.values()].filter((n) => n > 1).length;
        expect(doubled).toBe(0);
        return missing.length === 0 ? true : undefined;
      }, { timeoutMs: 120_000, intervalMs: 2_000 });
    });

    // Nothing waits in intake's outbox.
    await withMongo(stack.mongoUrl, async (client) => {
      expect(await client.db(`${ns}_intake`).collection('serviceRequests').countDocuments({ _id: { $in: accepted as never[] }, outbox: { $exists: true } })).toBe(0);
    });
  });
});
