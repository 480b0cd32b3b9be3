import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { buildEvent, topicOf, validateEvent } from '@aftersales/contracts';
import { describe, expect, it } from 'vitest';
import { readTopic } from './support/kafka';
import { withMongo } from './support/mongo';
import { registerRequest } from './support/requests';
import { api } from './support/services';
import { useTestBed } from './support/testbed';
import { eventually } from './support/wait';

/**
 * A request driven through its life over intake's HTTP API on the real servers: each step is an
 * update on its workflow, refused with 409 when the lifecycle does not allow it, and the record in
 * intake's database follows the workflow.
 */
describe('service-request steps over HTTP', () => {
  const bed = useTestBed('steps', { intake: { SEED_DEMO_DATA: 'true' } });
  const { stack, ns, started } = bed;
  const intake = () => bed.service('intake');

  const registered = async () => (await registerRequest(bed)).id;

  const step = (id: string, path: string, token: string, body: unknown) => api(intake(), 'POST', `/v1/service-requests/${id}/${path}`, { token, body });

  it('screens with a tier from the priority table, pauses and resumes, resolves, is rejected, resolved again, accepted and surveyed', async () => {
    const id = await registered();
    const refused = await step(id, 'acceptance', bed.token('agent'), { accepted: true });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'transition_refused', field: 'status' });
    expect(refused.body.error?.message).toMatch(/acceptance is not allowed while the request is registered/);

    const screened = await step(id, 'screening', bed.token('agent'), { outcome: 'valid', faultCategory: 'optical', severity: 'critical' });
    expect(screened.status, JSON.stringify(screened.body)).toBe(200);
    expect(screened.body).toMatchObject({ status: 'awaiting-dispatch', tierProvisional: false, priority: { tier: screened.body.tier } });
    expect((screened.body.priority as { explanation: string }).explanation).toMatch(/^P\d by row/);

    expect((await step(id, 'waiting-on-customer', bed.token('agent'), { note: 'photos requested' })).body).toMatchObject({ waitingOnCustomer: true });
    const paused = (await api(intake(), 'GET', `/v1/service-requests/${id}`, { token: bed.token('agent') })).body.workflow as { state: { clocks: { paused: boolean; stoppedAt: string | null }[] } };
    expect(paused.state.clocks.filter((c) => !c.stoppedAt).every((c) => c.paused)).toBe(true);
    expect((await step(id, 'resume', bed.token('agent'), {})).body).toMatchObject({ waitingOnCustomer: false });
    expect((await step(id, 'retriage', bed.token('manager'), { tier: 'P1', note: 'line stopped' })).body).toMatchObject({ tier: 'P1' });

    expect((await step(id, 'resolution', bed.token('engineer'), { cause: 'lens contaminated', fix: 'cleaned', firstTimeFix: true })).body).toMatchObject({ status: 'resolved' });
    expect((await step(id, 'acceptance', bed.token('agent'), { accepted: false, note: 'still burrs' })).body).toMatchObject({ status: 'awaiting-dispatch', reopened: 1 });
    expect((await step(id, 'resolution', bed.token('engineer'), { cause: 'lens cracked', fix: 'replaced lens', firstTimeFix: true })).body).toMatchObject({ status: 'resolved' });
    expect((await step(id, 'acceptance', bed.token('agent'), { accepted: true })).body).toMatchObject({ status: 'closed' });
    expect((await step(id, 'survey', bed.token('agent'), { score: 5, comment: 'good' })).body).toMatchObject({ status: 'followed-up', survey: { score: 5 } });

    // The record in intake's own database follows the workflow.
    await eventually('the record to show the closed request', async () =>
      withMongo(stack.mongoUrl, async (client) => {
        const record = await client.db(`${ns}_intake`).collection('serviceRequests').findOne({ _id: id as never });
        return record?.status === 'followed-up' ? record : undefined;
      }),
    ).then((record) => {
      expect(record).toMatchObject({ tier: 'P1', resolution: { cause: 'lens cracked', fix: 'replaced lens' } });
      expect(record.solvedAt).toBeInstanceOf(Date);
    });

    // Its events reach Kafka through the outbox, each valid against its contract, each once.
    const messages = await readTopic(stack.kafkaBrokers, `${ns}.intake.service-requests.v1`, { atLeast: 4 });
    const mine = messages.map((m) => JSON.parse(m.value) as { id: string; type: string; subject: string }).filter((e) => e.subject === id);
    for (const event of mine) expect(validateEvent(event)).toMatchObject({ ok: true });
    expect(mine.map((e) => e.type)).toEqual(expect.arrayContaining(['service-request.registered', 'service-request.screened', 'service-request.dispatch-requested', 'service-request.closed']));
    const closed = mine.find((e) => e.type === 'service-request.closed') as unknown as { data: { firstTimeFix: boolean } };
    expect(closed.data.firstTimeFix).toBe(false);
    // Reporting's facts: the customer's class at registration (CUST-0001 is a key account), and the survey once.
    const registeredEvent = mine.find((e) => e.type === 'service-request.registered') as unknown as { data: { customerClass?: string } };
    expect(registeredEvent.data.customerClass).toBe('key_account');
    const surveyed = await eventually('the survey on Kafka', async () => {
      const all = await readTopic(stack.kafkaBrokers, `${ns}.intake.service-requests.v1`, { atLeast: mine.length });
      const found = all.map((m) => ({ key: m.key, event: JSON.parse(m.value) as { type: string; subject: string; data: Record<string, unknown> } })).filter((m) => m.event.subject === id && m.event.type === 'service-request.surveyed');
      return found.length > 0 ? found : undefined;
    });
    expect(surveyed).toHaveLength(1);
    expect(surveyed[0]!.key).toBe(id);
    expect(validateEvent(surveyed[0]!.event)).toMatchObject({ ok: true });
    expect(surveyed[0]!.event.data).toMatchObject({ requestId: id, customerId: 'CUST-0001', score: 5, comment: 'good' });
    expect(Math.abs(Date.parse(surveyed[0]!.event.data.answeredAt as string) - Date.now())).toBeLessThan(5 * 60_000);
  });

  it('the installed base reaches Kafka: each machine the demo data loaded, and one added over the API, as machine.registered', async () => {
    const serial = `SN-E2E-${randomUUID().slice(0, 8)}`;
    const installDate = new Date(Date.now() - 10 * 86_400_000).toISOString();
    const created = await api(intake(), 'POST', '/v1/machines', { token: bed.token('agent'), body: { serialNumber: serial, customerId: 'CUST-0002', siteId: 'CUST-0002-S1', model: 'PB-1303', productLine: 'press-brake', installDate } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    // A second add of the serial is refused and announces nothing more.
    expect((await api(intake(), 'POST', '/v1/machines', { token: bed.token('agent'), body: { serialNumber: serial, customerId: 'CUST-0002', model: 'PB-1303', productLine: 'press-brake' } })).status).toBe(409);
    type Registered = { key: string | null; event: { type: string; subject: string; data: Record<string, unknown> } };
    const registered = await eventually('the machines on Kafka', async () => {
      const all: Registered[] = (await readTopic(stack.kafkaBrokers, `${ns}.intake.machines.v1`, { atLeast: 5 })).map((m) => ({ key: m.key, event: JSON.parse(m.value) as Registered['event'] }));
      return all.some((m) => m.event.subject === serial) ? all : undefined;
    });
    for (const m of registered) expect(validateEvent(m.event)).toMatchObject({ ok: true });
    expect(registered.every((m) => m.event.type === 'machine.registered' && m.key === m.event.data.serialNumber)).toBe(true);
    const serials = registered.map((m) => m.event.data.serialNumber);
    // Each once: the seed's insert announced them, so the once-per-database backfill of older machines did not.
    for (const s of [serial, 'SN-0001', 'SN-0001-LS', 'SN-0002', 'SN-0003']) expect(serials.filter((x) => x === s), s).toHaveLength(1);
    expect(registered.find((m) => m.key === serial)!.event.data).toMatchObject({ customerId: 'CUST-0002', siteId: 'CUST-0002-S1', model: 'PB-1303', productLine: 'press-brake', installedAt: installDate, dealerId: 'DLR-0001' });
    expect(registered.find((m) => m.key === 'SN-0001')!.event.data).toMatchObject({ customerId: 'CUST-0001', siteId: 'CUST-0001-S1', model: 'FL-3015', dealerId: null });
  });

  it("applies dispatch's work-order facts from Kafka once each, and the machine's history gains the repair", async () => {
    const id = await registered();
    await step(id, 'screening', bed.token('agent'), { outcome: 'valid', faultCategory: 'optical', severity: 'major' });
    const kafka = new Kafka({ brokers: stack.kafkaBrokers.split(','), logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    const publish = async (key: 'work-order.assigned@1' | 'work-order.arrived@1' | 'work-order.completed@1', data: Record<string, unknown>, eventId = randomUUID()) => {
      const event = buildEvent(key, data as never, { id: eventId, occurredAt: new Date(), source: 'dispatch', subject: 'WO-E2E-1', correlationId: id, causationId: null });
      await producer.send({ topic: `${ns}.${topicOf(key)}`, messages: [{ key: 'WO-E2E-1', value: JSON.stringify(event) }] });
      return eventId;
    };
    const now = () => new Date().toISOString();
    const assignedId = await publish('work-order.assigned@1', { workOrderId: 'WO-E2E-1', requestId: id, engineerId: 'ENG-7', assignedAt: now(), plannedStart: null });
    await publish('work-order.assigned@1', { workOrderId: 'WO-E2E-1', requestId: id, engineerId: 'ENG-7', assignedAt: now(), plannedStart: null }, assignedId);
    await publish('work-order.arrived@1', { workOrderId: 'WO-E2E-1', requestId: id, engineerId: 'ENG-7', arrivedAt: now() });
    const completed = { workOrderId: 'WO-E2E-1', requestId: id, engineerId: 'ENG-7', startedAt: now(), finishedAt: now(), effortMinutes: 50, cause: 'nozzle worn', fix: 'replaced nozzle', workDone: 'Replaced nozzle, centred beam', partsUsed: [{ partNumber: 'P-NOZZLE-15', quantity: 1 }], firstTimeFix: true };
    const completedId = await publish('work-order.completed@1', completed);
    await publish('work-order.completed@1', completed, completedId);
    await producer.disconnect();

    const state = await eventually('the request resolved by the work order', async () => {
      const read = await api(intake(), 'GET', `/v1/service-requests/${id}`, { token: bed.token('agent') });
      const workflow = read.body.workflow as { state?: { status: string; history: { event: string }[]; workOrder: unknown; resolution: unknown } } | null;
      return workflow?.state?.status === 'resolved' ? workflow.state : undefined;
    });
    expect(state.history.filter((h) => h.event === 'dispatched')).toHaveLength(1);
    expect(state.history.filter((h) => h.event === 'resolved')).toHaveLength(1);
    expect(state.workOrder).toMatchObject({ id: 'WO-E2E-1', engineerId: 'ENG-7' });
    expect(state.resolution).toMatchObject({ cause: 'nozzle worn', fix: 'replaced nozzle', firstTimeFix: true });
    const history = await api(intake(), 'GET', '/v1/machines/SN-0001/service-history', { token: bed.token('agent') });
    const entries = (history.body.items as { workOrderId: string | null; parts: { partNumber: string }[]; engineer: string }[]).filter((e) => e.workOrderId === 'WO-E2E-1');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ engineer: 'ENG-7', parts: [{ partNumber: 'P-NOZZLE-15' }] });
  });

  it('a low satisfaction score opens one complaint about the request, one tier more urgent', async () => {
    const id = await registered();
    await step(id, 'screening', bed.token('agent'), { outcome: 'valid', faultCategory: 'optical', severity: 'minor' });
    await step(id, 'resolution', bed.token('engineer'), { cause: 'dirty lens', fix: 'cleaned', firstTimeFix: true });
    await step(id, 'acceptance', bed.token('agent'), { accepted: true });
    const surveyed = await step(id, 'survey', bed.token('agent'), { score: 1, comment: 'took far too long' });
    const tier = surveyed.body.tier as string;
    const complaint = await eventually('the complaint request', async () => {
      const list = await api(intake(), 'GET', '/v1/service-requests?serial=SN-0001', { token: bed.token('agent') });
      return (list.body.items as { id: string; complaint?: { of: string; tier: string } | null }[]).find((r) => r.complaint?.of === id);
    });
    started.push(complaint.id);
    const expected = { P1: 'P1', P2: 'P1', P3: 'P2', P4: 'P3' }[tier];
    expect(complaint.complaint).toEqual({ of: id, tier: expected });
    const live = await eventually("the complaint's workflow", async () => {
      const read = await api(intake(), 'GET', `/v1/service-requests/${complaint.id}`, { token: bed.token('agent') });
      return (read.body.workflow as { available?: boolean; state?: { tier: string; tierProvisional: boolean } } | null)?.state;
    });
    expect(live).toMatchObject({ tier: expected, tierProvisional: false });
  });

  it('refuses bad step input naming the field', async () => {
    const id = await registered();
    const badTier = await step(id, 'retriage', bed.token('manager'), { tier: 'P9' });
    expect(badTier.status).toBe(400);
    expect(badTier.body.error?.field).toBe('tier');
    const badScreening = await step(id, 'screening', bed.token('agent'), { outcome: 'valid', faultCategory: 'optical' });
    expect(badScreening.status).toBe(422);
    expect(badScreening.body.error?.field).toBe('severity');
    const duplicateWithoutTarget = await step(id, 'screening', bed.token('agent'), { outcome: 'invalid', reason: 'duplicate' });
    expect(duplicateWithoutTarget.status).toBe(422);
    expect(duplicateWithoutTarget.body.error?.field).toBe('duplicateOf');
    const invalid = await step(id, 'screening', bed.token('agent'), { outcome: 'invalid', reason: 'answered-on-phone', note: 'reset explained' });
    expect(invalid.body).toMatchObject({ status: 'screened-invalid' });
    expect((await step(id, 'cancellation', bed.token('agent'), { reason: 'too late' })).status).toBe(409);
  });
});
