import { validateEvent } from '@aftersales/contracts';
import { describe, expect, it } from 'vitest';
import { registrationBody } from './support/demo';
import { readTopic } from './support/kafka';
import { withMongo } from './support/mongo';
import { api } from './support/services';
import { withTemporal } from './support/temporal';
import { useTestBed } from './support/testbed';
import { eventually } from './support/wait';

/**
 * The walking skeleton end to end on the real servers, each service as its own process:
 * POST at intake -> record in intake's database -> event on Kafka -> serviceRequest workflow
 * -> dispatch's own database -> GET shows the workflow's live state.
 */
describe('one service request through the skeleton', () => {
  const bed = useTestBed('skeleton', { intake: { SEED_DEMO_DATA: 'true' }, dispatch: {} });
  const { stack, ns, started } = bed;
  const intake = () => bed.service('intake');
  const dispatch = () => bed.service('dispatch');

  it('registers, stores, publishes, starts the workflow and reaches dispatch', async () => {
    const key = `key-${ns}`;
    const created = await api(intake(), 'POST', '/v1/service-requests', { token: bed.token('agent'), body: registrationBody(), headers: { 'idempotency-key': key } });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    started.push(id);
    expect(id).toMatch(/^SR-\d{8}-[2-9A-Z]{6}$/);
    expect(created.body).toMatchObject({ status: 'registered', customerId: 'CUST-0001', serialNumber: 'SN-0001', channel: 'phone', workflow: null });
    // The README's first example: demo dates are relative to the load, so on any day SN-0001 is
    // under contract SC-0001 (premium, 24x7) and within its own warranty.
    expect(created.body).toMatchObject({ entitlement: { source: { kind: 'contract', contractId: 'SC-0001' }, slaPolicyId: 'contract-premium', calendarId: '24x7', quoteRequired: false } });
    const machine = await api(intake(), 'GET', '/v1/machines/SN-0001', { token: bed.token('agent') });
    expect(Date.parse((machine.body as { warranty: { end: string } }).warranty.end)).toBeGreaterThan(Date.now() + 365 * 86_400_000);
    expect(created.headers.get('location')).toBe(`/v1/service-requests/${id}`);

    const live = await eventually('the workflow state on GET', async () => {
      const read = await api(intake(), 'GET', `/v1/service-requests/${id}`, { token: bed.token('agent') });
      const workflow = read.body.workflow as { available?: boolean; runId?: string | null } | null;
      return workflow?.available && workflow.runId ? read.body : undefined;
    });
    expect(live.workflow).toMatchObject({
      id,
      available: true,
      state: { requestId: id, status: 'registered', tierProvisional: true },
    });

    // The clocks run from registration under the entitled SLA policy, on the provisional tier until screening.
    const clocks = (live.workflow as { state: { clocks: { name: string; status: string; startedAt: string }[] } }).state.clocks;
    expect(clocks.map((c) => c.name)).toEqual(expect.arrayContaining(['first-response', 'resolution']));
    for (const clock of clocks) expect(clock).toMatchObject({ status: 'on-track', startedAt: (created.body as { registeredAt: string }).registeredAt });

    const onBoard = await eventually('the request on the dispatch board', async () => {
      const read = await api(dispatch(), 'GET', `/v1/service-requests/${id}`, { token: bed.token('dispatcher') });
      return read.status === 200 ? read.body : undefined;
    });
    expect(onBoard).toMatchObject({ id, status: 'awaiting-dispatch', customerId: 'CUST-0001', symptom: 'Burr on the cut edge after nozzle change' });

    // Each service wrote its own database; the relay left no pending event behind.
    await withMongo(stack.mongoUrl, async (client) => {
      const record = await client.db(`${ns}_intake`).collection('serviceRequests').findOne({ _id: id as never });
      expect(record).toMatchObject({ status: 'registered', workflow: { id } });
      expect(record?.outbox).toBeUndefined();
      expect(await client.db(`${ns}_dispatch`).collection('serviceRequestBoard').countDocuments({ _id: id as never })).toBe(1);
    });

    // A repeated POST with the same key answers the same request and starts nothing new.
    const again = await api(intake(), 'POST', '/v1/service-requests', { token: bed.token('agent'), body: registrationBody({ neededBy: (created.body as { neededBy: string }).neededBy }), headers: { 'idempotency-key': key } });
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const reused = await api(intake(), 'POST', '/v1/service-requests', { token: bed.token('agent'), body: registrationBody({ symptom: 'Something else entirely' }), headers: { 'idempotency-key': key } });
    expect(reused.status).toBe(422);
    expect(reused.body.error).toMatchObject({ code: 'idempotency_key_reused', field: 'Idempotency-Key' });

    await withTemporal(stack, async (client) => {
      const description = await client.workflow.getHandle(id).describe();
      expect(description.type).toBe('serviceRequest');
      expect(description.status.name).toBe('RUNNING');
      const runs = [];
      for await (const run of client.workflow.list({ query: `WorkflowId = '${id}'` })) runs.push(run.runId);
      expect(runs).toEqual([description.runId]);
    });
    const board = await api(dispatch(), 'GET', '/v1/service-requests', { token: bed.token('dispatcher') });
    expect((board.body.items as { id: string }[]).map((i) => i.id)).toEqual([id]);

    // Contract: every event intake published on its stream validates against its schema.
    const messages = await readTopic(stack.kafkaBrokers, `${ns}.intake.service-requests.v1`);
    for (const message of messages) {
      const result = validateEvent(JSON.parse(message.value));
      expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
      expect(message.key).toBe(id);
    }
    expect(new Set(messages.map((m) => (JSON.parse(m.value) as { id: string }).id)).size).toBe(1);
  });

  it.each(['phone', 'email', 'portal', 'app', 'chat'])('registers from the %s channel', async (channel) => {
    const created = await api(intake(), 'POST', '/v1/service-requests', { token: bed.token('agent'), body: registrationBody({ channel, symptom: `Spindle noise reported by ${channel}` }) });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ channel, status: 'registered' });
    started.push(created.body.id as string);
  });

  it.each([
    ['a missing customerId', { customerId: undefined }, 400, 'customerId'],
    ['a malformed e-mail', { contact: { name: 'Li Wei', email: 'not-an-email' } }, 400, 'contact.email'],
    ['a contact with neither phone nor e-mail', { contact: { name: 'Li Wei' } }, 400, 'contact.phone'],
    ['an unknown channel', { channel: 'fax' }, 400, 'channel'],
    ['neededBy that is not an instant', { neededBy: 'next tuesday' }, 400, 'neededBy'],
    ['an unknown field', { priority: 'P1' }, 400, 'priority'],
    ['neededBy in the past', { neededBy: '2020-01-01T00:00:00Z' }, 422, 'neededBy'],
    ['an unknown customer', { customerId: 'CUST-9999' }, 422, 'customerId'],
    ["another customer's machine", { serialNumber: 'SN-0002' }, 422, 'serialNumber'],
  ])('refuses %s with %i naming the field', async (_what, overrides, status, field) => {
    const response = await api(intake(), 'POST', '/v1/service-requests', { token: bed.token('agent'), body: registrationBody(overrides) });
    expect(response.status).toBe(status);
    expect(response.body.error?.field).toBe(field);
    expect(response.body.error?.message).toContain(field);
  });

  it('refuses callers without a token or the role, and unknown ids', async () => {
    expect((await api(intake(), 'POST', '/v1/service-requests', { body: registrationBody() })).status).toBe(401);
    const forbidden = await api(intake(), 'POST', '/v1/service-requests', { token: bed.token('dispatcher'), body: registrationBody() });
    expect(forbidden.status).toBe(403);
    const missing = await api(intake(), 'GET', '/v1/service-requests/SR-00000000-XXXXXX', { token: bed.token('agent') });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: 'not_found', field: 'id' });
    const badJson = await api(intake(), 'POST', '/v1/service-requests', { token: bed.token('agent'), body: '{"customerId":', headers: { 'content-type': 'application/json' } });
    expect(badJson.status).toBe(400);
    expect(badJson.body.error?.field).toBe('body');
  });

  it('serves health, readiness against its real connections, and its OpenAPI document', async () => {
    for (const service of [intake(), dispatch()]) {
      expect((await api(service, 'GET', '/healthz')).status).toBe(200);
      const ready = await api(service, 'GET', '/readyz');
      expect(ready.status).toBe(200);
      expect((ready.body.checks as { name: string; ok: boolean }[]).map((c) => [c.name, c.ok])).toEqual([
        ['mongo', true],
        ['kafka', true],
        ['temporal', true],
        ['consumers', true],
      ]);
    }
    const openapi = await api(intake(), 'GET', '/openapi.json');
    expect(openapi.body).toMatchObject({ openapi: '3.1.0', paths: { '/v1/service-requests': { post: {} }, '/v1/service-requests/{id}': { get: {} } } });
  });
});
