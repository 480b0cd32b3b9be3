import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { buildEvent, topicOf, type EventKey } from '@aftersales/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerRequest, requestStep } from './support/requests';
import { api } from './support/services';
import { useTestBed } from './support/testbed';
import { eventually } from './support/wait';

interface LiveState {
  status: string;
  route?: string | null;
  waitingOnCustomer: boolean;
  quote?: { id: string; status: string } | null;
  partsAwaited?: { partNumber: string; quantity: number }[];
  workOrder: { id: string; engineerId: string | null; stage?: string } | null;
  clocks: { name: string; paused: boolean; stoppedAt: string | null }[];
  history: { event: string }[];
}

/**
 * Facts other services publish reach the request's workflow through intake's consumers on the
 * real broker: dispatch's work-order steps and route, spares' quote and parts, quality's
 * containment flags. Each is published here as the owning service would, valid against its contract.
 */
describe('intake follows facts from dispatch, spares and quality', () => {
  const bed = useTestBed('facts', { intake: { SEED_DEMO_DATA: 'true' } });
  const { stack, ns } = bed;
  const intake = () => bed.service('intake');
  let producer: Producer;

  beforeAll(async () => {
    producer = new Kafka({ brokers: stack.kafkaBrokers.split(','), logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
  });
  afterAll(async () => {
    await producer?.disconnect();
  });

  async function publish(key: EventKey, subject: string, data: Record<string, unknown>, eventId: string = randomUUID()): Promise<string> {
    const event = buildEvent(key, data as never, { id: eventId, occurredAt: new Date(), source: 'test', subject, correlationId: subject, causationId: null });
    await producer.send({ topic: `${ns}.${topicOf(key)}`, messages: [{ key: subject, value: JSON.stringify(event) }] });
    return eventId;
  }

  async function screenedRequest(): Promise<{ id: string; record: Record<string, unknown> }> {
    const record = await registerRequest(bed);
    const screened = await requestStep(bed, record.id, 'screening', { outcome: 'valid', faultCategory: 'optical', severity: 'major' });
    expect(screened.status, JSON.stringify(screened.body)).toBe(200);
    return { id: record.id, record };
  }

  async function stateWhen(id: string, what: string, ready: (s: LiveState) => boolean): Promise<LiveState> {
    return eventually(what, async () => {
      const read = await api(intake(), 'GET', `/v1/service-requests/${id}`, { token: bed.token('agent') });
      const state = (read.body.workflow as { state?: LiveState } | null)?.state;
      return state && ready(state) ? state : undefined;
    });
  }

  const now = () => new Date().toISOString();

  it('work-order steps: a decline sends the request back to dispatch, a re-plan and the stages follow, a remote route sets the on-site clock aside', async () => {
    const { id } = await screenedRequest();
    const wo = { workOrderId: `WO-${id}`, requestId: id };
    await publish('work-order.created@1', wo.workOrderId, { ...wo, engineerId: null, tier: 'P2', route: 'field-visit', onSiteDueAt: null, createdAt: now() });
    await publish('work-order.assigned@1', wo.workOrderId, { ...wo, engineerId: 'ENG-1', assignedAt: now(), plannedStart: null, assignedBy: 'auto' });
    await publish('work-order.declined@1', wo.workOrderId, { ...wo, engineerId: 'ENG-1', declinedAt: now(), reason: 'on leave' });
    await stateWhen(id, 'back to awaiting dispatch', (s) => s.status === 'awaiting-dispatch' && s.history.some((h) => h.event === 'work-order-declined'));

    await publish('work-order.replanned@1', wo.workOrderId, { ...wo, engineerId: 'ENG-2', fromEngineerId: 'ENG-1', plannedStart: now(), reason: 'declined', replannedAt: now() });
    const acceptedId = await publish('work-order.accepted@1', wo.workOrderId, { ...wo, engineerId: 'ENG-2', acceptedAt: now() });
    await publish('work-order.accepted@1', wo.workOrderId, { ...wo, engineerId: 'ENG-2', acceptedAt: now() }, acceptedId);
    await publish('work-order.route-chosen@1', wo.workOrderId, { ...wo, engineerId: 'ENG-2', route: 'remote', chosenAt: now(), by: 'dispatcher-1', reason: 'customer can swap the lens' });
    const state = await stateWhen(id, 'the re-plan, acceptance and route', (s) => s.route === 'remote' && s.workOrder?.stage === 'accepted');
    expect(state.status).toBe('dispatched');
    expect(state.workOrder).toMatchObject({ id: wo.workOrderId, engineerId: 'ENG-2' });
    expect(state.clocks.map((c) => c.name)).not.toContain('on-site');
    expect(state.history.filter((h) => h.event === 'work-order-accepted')).toHaveLength(1);
  });

  it('a quote pauses the clocks until the customer accepts; backordered parts show until reserved', async () => {
    const { id } = await screenedRequest();
    const quote = { quoteId: `Q-${id}`, requestId: id, workOrderId: null };
    await publish('quote.issued@1', id, { ...quote, totalCents: 420_00, currency: 'CNY', validUntil: new Date(Date.now() + 7 * 86_400_000).toISOString(), issuedAt: now() });
    let state = await stateWhen(id, 'the quote out', (s) => s.quote?.status === 'issued');
    expect(state.waitingOnCustomer).toBe(true);
    expect(state.clocks.filter((c) => !c.stoppedAt).every((c) => c.paused)).toBe(true);

    await publish('quote.accepted@1', id, { ...quote, acceptedAt: now(), by: 'CUST-0001' });
    await publish('parts.backordered@1', `WO-${id}`, { workOrderId: `WO-${id}`, requestId: id, partNumber: 'P-LENS-7', quantity: 1, expectedAt: null, at: now() });
    state = await stateWhen(id, 'accepted and parts awaited', (s) => s.quote?.status === 'accepted' && (s.partsAwaited?.length ?? 0) > 0);
    expect(state.waitingOnCustomer).toBe(false);
    expect(state.clocks.filter((c) => !c.stoppedAt).every((c) => !c.paused)).toBe(true);
    expect(state.partsAwaited).toEqual([{ partNumber: 'P-LENS-7', quantity: 1, expectedAt: null }]);

    await publish('parts.reserved@1', `WO-${id}`, {
      reservationId: `R-${id}`,
      workOrderId: `WO-${id}`,
      requestId: id,
      lines: [{ partNumber: 'P-LENS-7', quantity: 1, locationId: 'WH-SH' }],
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      reservedAt: now(),
    });
    await stateWhen(id, 'the part reserved', (s) => s.partsAwaited?.length === 0 && s.history.some((h) => h.event === 'parts-reserved'));
  });

  it('a declined quote cancels the request', async () => {
    const { id } = await screenedRequest();
    const quote = { quoteId: `Q-${id}`, requestId: id, workOrderId: null };
    await publish('quote.issued@1', id, { ...quote, totalCents: 99_00, currency: 'CNY', validUntil: new Date(Date.now() + 86_400_000).toISOString(), issuedAt: now() });
    await publish('quote.declined@1', id, { ...quote, declinedAt: now(), by: 'CUST-0001', reason: 'will repair in-house' });
    await eventually('the record cancelled', async () => {
      const read = await api(intake(), 'GET', `/v1/service-requests/${id}`, { token: bed.token('agent') });
      return read.body.status === 'cancelled' ? read.body : undefined;
    });
  });

  it('a containment flag from an 8D warns the next agent on a covered machine, until it is lifted', async () => {
    const flag = { eightDId: `8D-${ns}`, flagId: `F-${ns}`, discipline: 'D3', scope: { model: 'FL-3015' }, instruction: 'Check the nozzle lot before cutting; replace lots N-23xx', carryParts: ['P-NOZZLE-15'], flaggedAt: now() };
    await publish('eight-d.containment-flagged@1', flag.eightDId, flag);
    const machine = await eventually('the flag on the machine page', async () => {
      const read = await api(intake(), 'GET', '/v1/machines/SN-0001', { token: bed.token('agent') });
      return (read.body.containment as unknown[] | undefined)?.length ? read.body : undefined;
    });
    expect(machine.containment).toEqual([{ flagId: flag.flagId, eightDId: flag.eightDId, discipline: 'D3', instruction: flag.instruction, carryParts: ['P-NOZZLE-15'] }]);

    const { record } = await screenedRequest();
    expect(record.flags).toContain('containment');
    expect(record.containment).toEqual(machine.containment);
    // The laser source inside it is another model: not covered.
    const source = await api(intake(), 'GET', '/v1/machines/SN-0001-LS', { token: bed.token('agent') });
    expect(source.body.containment).toEqual([]);

    await publish('eight-d.containment-lifted@1', flag.eightDId, { eightDId: flag.eightDId, flagId: flag.flagId, liftedAt: now() });
    await eventually('the flag lifted', async () => {
      const read = await api(intake(), 'GET', '/v1/machines/SN-0001', { token: bed.token('agent') });
      return (read.body.containment as unknown[]).length === 0 ? true : undefined;
    });
  });
});
