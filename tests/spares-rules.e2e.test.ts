import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEvent, type EventKey } from '@aftersales/contracts';
import { createEventProducer, createKafka, type EventProducer } from '@aftersales/platform';
import { testLogger } from '@aftersales/platform/testing';
import { api } from './support/services';
import { useTestBed } from './support/testbed';
import { eventually } from './support/wait';

const day = 86_400_000;
const iso = (offsetMs = 0) => new Date(Date.now() + offsetMs).toISOString();

/**
 * Spares' rules as managed versions on the real servers: a requisition the shipped budget lets
 * through needs a person once the budget is lowered, and each version says who changed what, when
 * and why; cost rules refuse a share over 100 % by field, and only finance and managers write them.
 */
describe('spares rules as managed data', () => {
  const bed = useTestBed('spares-rules', { spares: { SEED_DEMO_DATA: 'true', SPARES_APPROVERS: 'spares-lead,spares-manager' } });
  const call = (method: string, path: string, role: Parameters<typeof bed.token>[0], body?: unknown) => api(bed.service('spares'), method, path, { token: bed.token(role), ...(body === undefined ? {} : { body }) });
  let producer: EventProducer;

  beforeAll(async () => {
    producer = await createEventProducer(createKafka({ brokers: bed.stack.kafkaBrokers, clientId: bed.ns, logger: testLogger() }));
  });
  afterAll(async () => {
    await producer?.disconnect();
  });

  async function publish<K extends EventKey>(topic: string, key: K, subject: string, data: Parameters<typeof buildEvent<K>>[1]) {
    const event = buildEvent(key, data, { id: randomUUID(), occurredAt: new Date(), source: 'spares-rules-e2e', subject, correlationId: subject, causationId: null });
    await producer.publish([{ topic: `${bed.ns}.${topic}`, event }]);
  }

  /** An in-warranty case and its assigned work order, as intake and dispatch announce them. */
  async function openCase(): Promise<string> {
    const requestId = `SR-RULES-${randomUUID().slice(0, 6)}`;
    const workOrderId = `WO-${requestId}`;
    await publish('intake.service-requests.v1', 'service-request.registered@1', requestId, {
      requestId, customerId: 'CUST-E2E', contact: { name: 'Li Wei', phone: '+86 21 5555 0101' }, channel: 'phone', serialNumber: `SN-${requestId}`, symptom: 'burr on the cut edge',
      raisedAt: iso(-day), neededBy: iso(day),
      entitlement: { source: 'warranty', contractId: null, responseMode: 'on-site', slaPolicyId: 'warranty-standard', calendarId: 'business-hours', quoteRequired: false },
      machine: { model: 'FL-3015', productLine: 'fiber-laser-cutting' },
    });
    await publish('dispatch.work-orders.v1', 'work-order.created@1', workOrderId, { workOrderId, requestId, engineerId: null, tier: 'P3', route: 'field-visit', onSiteDueAt: null, createdAt: iso(-day) });
    await publish('dispatch.work-orders.v1', 'work-order.assigned@1', workOrderId, { workOrderId, requestId, engineerId: 'ENG-1', assignedAt: iso(-day), plannedStart: null });
    await eventually(`work order ${workOrderId} assigned in spares`, async () => ((await call('GET', `/v1/work-orders/${workOrderId}`, 'spares')).body.engineerId === 'ENG-1' ? true : undefined));
    return workOrderId;
  }

  it('a lowered budget makes the next requisition wait for a person, naming the budget; the version history says who and why', async () => {
    const workOrderId = await openCase();
    const lines = [{ partNumber: 'P-NOZZLE-15', quantity: 2 }];
    const before = await call('POST', '/v1/requisitions', 'engineer', { workOrderId, lines });
    expect(before.status, JSON.stringify(before.body)).toBe(201);
    expect(before.body).toMatchObject({ status: 'approved', approvalNeeded: false });

    const current = (await call('GET', '/v1/requisition-approval-rules/default', 'spares')).body as { version: number; body: { budgetCents: number } };
    expect(current.body.budgetCents).toBe(50_000);
    const lowered = await call('POST', '/v1/requisition-approval-rules/default/versions', 'manager', { body: { ...current.body, budgetCents: 1_000 }, reason: 'quarter-end: every order over 10.00 is approved', expectedVersion: current.version });
    expect(lowered.status, JSON.stringify(lowered.body)).toBe(201);

    const after = await call('POST', '/v1/requisitions', 'engineer', { workOrderId, lines });
    expect(after.status, JSON.stringify(after.body)).toBe(201);
    bed.started.push(after.body.id as string);
    expect(after.body).toMatchObject({ status: 'pending-approval', approvalNeeded: true });
    expect(JSON.stringify(after.body.reasons)).toContain('over budget 1000');

    const history = (await call('GET', '/v1/requisition-approval-rules/default/versions', 'auditor')).body.items as { version: number; changedBy: string; reason: string }[];
    expect(history.map((v) => [v.version, v.changedBy])).toEqual([[1, 'seed'], [current.version + 1, 'test-manager']]);
    const then = await call('GET', `/v1/requisition-approval-rules/default?at=${encodeURIComponent(before.body.createdAt as string)}`, 'spares');
    expect(then.body).toMatchObject({ version: current.version, body: { budgetCents: 50_000 } });
  });

  it('cost rules: a share over 100 % is refused by field, a stale version by 409, and only finance and managers write', async () => {
    const current = (await call('GET', '/v1/cost-rules/default', 'finance')).body as { version: number; body: { misuseInWarrantyPayer: string; goodwill: { shareBasisPoints: number }[] } };
    expect(current.body.misuseInWarrantyPayer).toBe('customer');
    const tooMuch = await call('POST', '/v1/cost-rules/default/versions', 'finance', { body: { ...current.body, goodwill: [{ ...current.body.goodwill[0], shareBasisPoints: 12_000 }] }, reason: 'typo' });
    expect([tooMuch.status, tooMuch.body.error?.field]).toEqual([422, 'body.goodwill[0].shareBasisPoints']);
    expect((await call('POST', '/v1/cost-rules/default/versions', 'spares', { body: current.body, reason: 'not mine' })).status).toBe(403);
    const goodwill = await call('POST', '/v1/cost-rules/default/versions', 'finance', { body: { ...current.body, misuseInWarrantyPayer: 'sales-centre' }, reason: 'sales centre carries misuse in warranty this year', expectedVersion: current.version });
    expect(goodwill.status, JSON.stringify(goodwill.body)).toBe(201);
    const stale = await call('POST', '/v1/cost-rules/default/versions', 'manager', { body: current.body, reason: 'back', expectedVersion: current.version });
    expect([stale.status, stale.body.error?.field]).toEqual([409, 'expectedVersion']);
  });
});
