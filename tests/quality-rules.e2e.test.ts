import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEvent } from '@aftersales/contracts';
import { createEventProducer, createKafka, type EventProducer } from '@aftersales/platform';
import { registeredEvent, testLogger } from '@aftersales/platform/testing';
import { api, tokenFor } from './support/services';
import { useTestBed } from './support/testbed';
import { eventually } from './support/wait';

const hour = 3_600_000;

/**
 * Quality's rules as managed versions on the real servers: a product line's stricter recurrence
 * threshold opens an 8D on the second failure (the default needs three), and an 8D opened after an
 * amendment of the 8D rules runs on the new due hours. Product lines unique to the run: 8D ids
 * derive from the problem.
 */
describe('quality rules as managed data', () => {
  const bed = useTestBed('quality-rules', { quality: {} });
  const quality = () => bed.service('quality');
  const topic = (name: string) => `${bed.ns}.${name}`;
  const line = `press-${randomUUID().slice(0, 6)}`;
  let producer: EventProducer;
  let engineer: string;

  beforeAll(async () => {
    producer = await createEventProducer(createKafka({ brokers: bed.stack.kafkaBrokers, clientId: bed.ns, logger: testLogger() }));
    engineer = await tokenFor('quality', 'qe-rules');
  });
  afterAll(async () => {
    await producer?.disconnect();
  });

  async function fail(model: string, occurredAt: Date): Promise<void> {
    const requestId = `SR-QR-${randomUUID().slice(0, 8)}`;
    const registered = registeredEvent(requestId, { data: { serialNumber: `SN-${requestId.slice(-6)}`, customerId: 'CUST-QR', machine: { model, productLine: line }, raisedAt: occurredAt.toISOString() } });
    const completed = buildEvent(
      'work-order.completed@1',
      {
        workOrderId: `WO-${requestId}`, requestId, engineerId: 'ENG-1', startedAt: new Date(occurredAt.getTime() - hour).toISOString(), finishedAt: occurredAt.toISOString(),
        effortMinutes: 60, cause: 'Hydraulic seal worn', fix: 'Seal replaced', workDone: 'Replaced the main seal', partsUsed: [], firstTimeFix: true, failureMode: 'FM-SEAL',
      },
      { id: randomUUID(), occurredAt, source: 'e2e', subject: `WO-${requestId}`, correlationId: requestId, causationId: null },
    );
    await producer.publish([{ topic: topic('intake.service-requests.v1'), event: registered }]);
    await producer.publish([{ topic: topic('dispatch.work-orders.v1'), event: completed }]);
  }
  const eightDsOf = async (model: string) => ((await api(quality(), 'GET', `/v1/eight-ds?model=${model}`, { token: engineer })).body.items as { id: string; rules: string[] }[]) ?? [];

  it("a product line's stricter recurrence threshold opens an 8D on the second failure; the line had no rule before", async () => {
    const before = new Date(Date.now() - 2 * hour);
    const amended = await api(quality(), 'POST', `/v1/recurrence-rules/${line}/versions`, { token: engineer, body: { body: { sameModelCount: 2 }, reason: 'new press line: two repeats are enough' } });
    expect(amended.status, JSON.stringify(amended.body)).toBe(201);
    expect(amended.body).toMatchObject({ id: line, version: 1, changedBy: 'qe-rules', body: { sameModelCount: 2 } });

    // Two failures now: the line's own threshold holds, an 8D opens.
    const model = `PR-${line}-NEW`;
    await fail(model, new Date(Date.now() - 60_000));
    await fail(model, new Date());
    const [opened] = await eventually('an 8D on the second failure', async () => {
      const items = await eightDsOf(model);
      return items.length > 0 ? items : undefined;
    });
    bed.started.push(opened!.id);
    expect(opened!.rules).toContain('same-model-repeat');

    const recurrences = await api(quality(), 'GET', `/v1/recurrences?model=${model}`, { token: engineer });
    expect(recurrences.body.thresholds).toMatchObject({ byProductLine: { [line]: { sameModelCount: 2 } } });
    expect((await api(quality(), 'GET', `/v1/recurrence-rules/${line}?at=${encodeURIComponent(before.toISOString())}`, { token: engineer })).status).toBe(404);
  });

  it('an 8D opened after the 8D rules changed runs on the new due hours; bad rules are refused by field', async () => {
    const current = (await api(quality(), 'GET', '/v1/eight-d-rules/default', { token: engineer })).body as { version: number; body: { dueHours: Record<string, number>; escalationChain: unknown[] } };
    expect(current.body.dueHours.D0).toBe(24);
    const bad = await api(quality(), 'POST', `/v1/eight-d-rules/${line}/versions`, { token: engineer, body: { body: { ...current.body, dueHours: { ...current.body.dueHours, D0: 0 } }, reason: 'typo' } });
    expect([bad.status, bad.body.error?.field]).toEqual([422, 'body.dueHours.D0']);
    expect((await api(quality(), 'POST', `/v1/eight-d-rules/${line}/versions`, { token: await tokenFor('agent'), body: { body: current.body, reason: 'not mine' } })).status).toBe(403);
    const amended = await api(quality(), 'POST', `/v1/eight-d-rules/${line}/versions`, { token: engineer, body: { body: { ...current.body, dueHours: { ...current.body.dueHours, D0: 2 } }, reason: 'containment within two hours on the press line', expectedVersion: 0 } });
    expect(amended.status, JSON.stringify(amended.body)).toBe(201);
    const stale = await api(quality(), 'POST', `/v1/eight-d-rules/${line}/versions`, { token: engineer, body: { body: current.body, reason: 'again', expectedVersion: 0 } });
    expect([stale.status, stale.body.error?.field]).toEqual([409, 'expectedVersion']);

    const opened = await api(quality(), 'POST', '/v1/eight-ds', { token: engineer, body: { problem: { productLine: line, model: `PR-${line}-H`, failureMode: 'FM-CRACK' }, reason: 'Frame crack reported by a key account' } });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    const id = opened.body.id as string;
    bed.started.push(id);
    const d0 = await eventually(`${id}'s D0 with its due instant`, async () => {
      const r = await api(quality(), 'GET', `/v1/eight-ds/${id}`, { token: engineer });
      return (r.body.state as { disciplines?: { discipline: string; dueAt: string | null }[] } | null)?.disciplines?.find((d) => d.discipline === 'D0' && d.dueAt);
    });
    expect(Date.parse(d0.dueAt!) - Date.parse(opened.body.openedAt as string)).toBe(2 * hour);
  });
});
