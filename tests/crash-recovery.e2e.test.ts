import { describe, expect, it } from 'vitest';
import { registrationBody } from './support/demo';
import { readTopic } from './support/kafka';
import { withMongo } from './support/mongo';
import { api } from './support/services';
import { withTemporal } from './support/temporal';
import { useTestBed } from './support/testbed';
import { eventually } from './support/wait';

/**
 * Nothing accepted is lost when intake dies: the 201 is given only after the record and its
 * event are stored in one document write, and the event reaches Kafka, the workflow and dispatch
 * after a restart.
 */
describe('intake killed with SIGKILL after the 201', () => {
  const bed = useTestBed('crash', { intake: { SEED_DEMO_DATA: 'true' }, dispatch: {} });
  const { stack, ns, started } = bed;
  const intake = () => bed.service('intake');
  const dispatch = () => bed.service('dispatch');

  async function assertDelivered(id: string): Promise<void> {
    await eventually(`${id} on the dispatch board`, async () => {
      const read = await api(dispatch(), 'GET', `/v1/service-requests/${id}`, { token: bed.token('dispatcher') });
      return read.status === 200 ? true : undefined;
    });
    const state = await eventually(`${id}'s workflow state`, async () => {
      const read = await api(intake(), 'GET', `/v1/service-requests/${id}`, { token: bed.token('agent') });
      const workflow = read.body.workflow as { available?: boolean; state?: { status: string } } | null;
      return workflow?.available ? workflow.state : undefined;
    });
    expect(state).toMatchObject({ status: 'registered' });
    await withTemporal(stack, async (client) => {
      const runs = [];
      for await (const run of client.workflow.list({ query: `WorkflowId = '${id}'` })) runs.push(run.runId);
      expect(runs).toHaveLength(1);
    });
  }

  it('a full process (API, relay, consumer, worker) killed at once: the event and the workflow arrive after restart', async () => {
    const created = await api(intake(), 'POST', '/v1/service-requests', { token: bed.token('agent'), body: registrationBody() });
    await intake().kill();
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    started.push(id);

    await intake().start();
    await assertDelivered(id);
  });

  it('an API-only process killed: the event waits in the stored record until a worker relays it', async () => {
    await intake().stop();
    await intake().start({ PROCESS_ROLE: 'api' });
    const created = await api(intake(), 'POST', '/v1/service-requests', { token: bed.token('agent'), body: registrationBody({ channel: 'email' }) });
    await intake().kill();
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    started.push(id);

    // No process relayed it: the event is in the record, not yet on the dispatch board.
    await withMongo(stack.mongoUrl, async (client) => {
      const record = await client.db(`${ns}_intake`).collection('serviceRequests').findOne({ _id: id as never });
      expect(record?.outbox).toHaveLength(1);
      expect(record?.outbox[0].event).toMatchObject({ type: 'service-request.registered', subject: id });
    });
    expect((await api(dispatch(), 'GET', `/v1/service-requests/${id}`, { token: bed.token('dispatcher') })).status).toBe(404);

    await intake().start({ PROCESS_ROLE: 'all' });
    await assertDelivered(id);
    const messages = await readTopic(stack.kafkaBrokers, `${ns}.intake.service-requests.v1`, { atLeast: 2 });
    const ids = new Set(messages.filter((m) => m.key === id).map((m) => (JSON.parse(m.value) as { id: string }).id));
    expect(ids.size).toBe(1);
  });
});
