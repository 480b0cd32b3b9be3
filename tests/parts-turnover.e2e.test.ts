import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEvent, type EventKey } from '@aftersales/contracts';
import { createEventProducer, createKafka, type EventProducer } from '@aftersales/platform';
import { startTopicReader, testLogger, type TopicReader } from '@aftersales/platform/testing';
import { kpiFigure, type KpiFigure, type KpiReport } from './support/kpis';
import { api, tokenFor } from './support/services';
import { useTestBed } from './support/testbed';
import { eventually } from './support/wait';

const dayMs = 86_400_000;
const iso = (offsetMs = 0) => new Date(Date.now() + offsetMs).toISOString();

interface Valuation {
  id: string;
  locationId: string;
  valuedAt: string;
  previousValuedAt: string | null;
  valueCents: number;
  consumedCostCents: number;
  lines: { partNumber: string; onHand: number; inTransit: number; unitCostCents: number; valueCents: number; consumedUnits: number; consumedCostCents: number }[];
  consumedBy: { requestId: string; workOrderId: string; partNumber: string; quantity: number }[];
  published: boolean;
}

/**
 * Parts turnover through the real services: spares and insight run as their own processes; the
 * job that consumes parts arrives as intake's and dispatch's facts on Kafka (the smallest real
 * path: spares' own consumer writes the units off from the engineer's van). Stock is received,
 * 3 of 10 units used on a job, a manager values stock through the endpoint, and insight's figure
 * is the one computed by hand from what spares answered; a second valuation the same day publishes
 * nothing, and a rebuild of insight from the topics gives the same figure.
 */
describe('parts turnover end to end', () => {
  const bed = useTestBed('turnover', { spares: { SPARES_SWEEP_MS: '600000' }, insight: {} });
  let producer: EventProducer;
  let reader: TopicReader;
  let spares: string;
  let manager: string;

  const call = (service: 'spares' | 'insight', method: string, path: string, token: string, body?: unknown) => api(bed.service(service), method, path, { token, ...(body === undefined ? {} : { body }) });
  async function ok(method: string, path: string, body: unknown, status: number) {
    const response = await call('spares', method, path, spares, body);
    expect(response.status, `${method} ${path}: ${JSON.stringify(response.body)}`).toBe(status);
    return response.body;
  }
  async function publish<K extends EventKey>(topic: string, key: K, subject: string, data: Parameters<typeof buildEvent<K>>[1]) {
    const event = buildEvent(key, data, { id: randomUUID(), occurredAt: new Date(), source: 'turnover-e2e', subject, correlationId: subject, causationId: null });
    await producer.publish([{ topic: `${bed.ns}.${topic}`, event }]);
  }

  beforeAll(async () => {
    spares = await tokenFor('spares', 'spares-admin');
    manager = await tokenFor('manager', 'spares-head');
    const kafka = createKafka({ brokers: bed.stack.kafkaBrokers, clientId: bed.ns, logger: testLogger() });
    producer = await createEventProducer(kafka);
    reader = await startTopicReader(kafka, [`${bed.ns}.spares.reservations.v1`]);
  });

  afterAll(async () => {
    await reader?.stop();
    await producer?.disconnect();
  });

  it('values stock, and insight turns the valuation into the figure computed by hand, before and after a rebuild', async () => {
    const started = Date.now();
    const from = new Date(started - 60_000).toISOString();
    const to = new Date(started + dayMs).toISOString();
    const period = `from=${from}&to=${to}`;

    // A part at 100.00 (the price list's cost), 10 units in the engineer's van and 5 in the central warehouse.
    await ok('PUT', '/v1/parts/P-TURN-A', { description: 'Protective window', fitsModels: ['FL-3015'], listPrice: 95, currency: 'EUR' }, 200);
    await ok('PUT', '/v1/price-lists/default', { currency: 'EUR', labourRateCentsPerHour: 9_000, travelCentsPerTrip: 12_000, parts: { 'P-TURN-A': { listPriceCents: 10_000, minimumPriceCents: 9_000 } } }, 200);
    await ok('PUT', '/v1/locations/VAN-TURN-1', { kind: 'van', name: 'Van of ENG-TURN-1', engineerId: 'ENG-TURN-1' }, 200);
    await ok('PUT', '/v1/locations/CENTRAL-TURN', { kind: 'central', name: 'Central warehouse' }, 200);
    await ok('POST', '/v1/stock/receipts', { partNumber: 'P-TURN-A', locationId: 'VAN-TURN-1', quantity: 10 }, 201);
    await ok('POST', '/v1/stock/receipts', { partNumber: 'P-TURN-A', locationId: 'CENTRAL-TURN', quantity: 5 }, 201);

    // The job: registered at intake, created and assigned by dispatch, reported with 3 units used.
    const requestId = `SR-TURN-${randomUUID().slice(0, 8)}`;
    const workOrderId = `WO-${requestId}`;
    await publish('intake.service-requests.v1', 'service-request.registered@1', requestId, {
      requestId, customerId: 'CUST-TURN', contact: { name: 'Li Wei', phone: '+86 21 5555 0101' }, channel: 'phone', serialNumber: 'SN-TURN-1', symptom: 'scratched window',
      raisedAt: iso(-3_600_000), neededBy: iso(dayMs), machine: { model: 'FL-3015', productLine: 'fiber-laser-cutting' },
    });
    await publish('dispatch.work-orders.v1', 'work-order.created@1', workOrderId, { workOrderId, requestId, engineerId: null, tier: 'P3', route: 'field-visit', onSiteDueAt: null, createdAt: iso(-3_000_000) });
    await publish('dispatch.work-orders.v1', 'work-order.assigned@1', workOrderId, { workOrderId, requestId, engineerId: 'ENG-TURN-1', assignedAt: iso(-2_900_000), plannedStart: null });
    await publish('dispatch.work-orders.v1', 'work-order.completed@1', workOrderId, {
      workOrderId, requestId, engineerId: 'ENG-TURN-1', startedAt: iso(-1_800_000), finishedAt: iso(-60_000), effortMinutes: 30, travelMinutes: 20, cause: 'spatter', fix: 'replaced the windows',
      workDone: 'replaced three protective windows', partsUsed: [{ partNumber: 'P-TURN-A', quantity: 3 }], firstTimeFix: true,
    });
    await eventually('the 3 units written off the van', async () => {
      const items = (await call('spares', 'GET', '/v1/stock?part=P-TURN-A', spares)).body.items as { locationId: string; onHand: number }[];
      return items.find((l) => l.locationId === 'VAN-TURN-1')?.onHand === 7 ? true : undefined;
    });

    // Valuing stock is a manager's: refused to spares staff, an unknown location named.
    expect((await call('spares', 'POST', '/v1/stock-valuations', spares, {})).status).toBe(403);
    const unknown = await call('spares', 'POST', '/v1/stock-valuations', manager, { locationId: 'NOWHERE' });
    expect([unknown.status, (unknown.body.error as { field?: string }).field]).toEqual([422, 'locationId']);

    const valued = await call('spares', 'POST', '/v1/stock-valuations', manager, {});
    expect(valued.status, JSON.stringify(valued.body)).toBe(200);
    const items = valued.body.items as Valuation[];
    const van = items.find((v) => v.locationId === 'VAN-TURN-1')!;
    const central = items.find((v) => v.locationId === 'CENTRAL-TURN')!;
    expect(van).toMatchObject({
      published: true, previousValuedAt: null, valueCents: 70_000, consumedCostCents: 30_000,
      lines: [{ partNumber: 'P-TURN-A', onHand: 7, inTransit: 0, unitCostCents: 10_000, valueCents: 70_000, consumedUnits: 3, consumedCostCents: 30_000 }],
      consumedBy: [{ requestId, workOrderId, partNumber: 'P-TURN-A', quantity: 3 }],
    });
    expect(central).toMatchObject({ published: true, valueCents: 50_000, consumedCostCents: 0, consumedBy: [] });
    expect((await call('spares', 'GET', `/v1/stock-valuations/${van.id}`, spares)).body).toMatchObject({ id: van.id, valueCents: 70_000 });

    // The same day again: the same valuations, no second fact.
    const again = await call('spares', 'POST', '/v1/stock-valuations', manager, {});
    expect(again.status).toBe(200);
    const sameDay = van.id.slice(3, 13) === (again.body.day as string);
    if (sameDay) expect((again.body.items as Valuation[]).map((v) => [v.id, v.published, v.valuedAt]).sort()).toEqual([[central.id, false, central.valuedAt], [van.id, false, van.valuedAt]].sort());
    const facts = await reader.waitFor(2, 'the stock.valued facts', (m) => (JSON.parse(m.value) as { type: string }).type === 'stock.valued');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const vanFacts = reader.messages.filter((m) => m.value.includes('"stock.valued"') && m.value.includes(`"valuationId":"${van.id}"`));
    expect([facts.length >= 2, vanFacts.length]).toEqual([true, 1]);

    // By hand: C = 30,000; A = 70,000 + 50,000 = 120,000 (one day valued); both locations' first
    // valuations count from the period's start, so D = valuedAt - from in days.
    const days = (Date.parse(van.valuedAt) - Date.parse(from)) / dayMs;
    const expected = (30_000 / 120_000) * (365.25 / days);
    const turnover = async () => {
      const r = await call('insight', 'GET', `/v1/kpis?${period}`, manager);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return kpiFigure(r.body as unknown as KpiReport, 'parts-turnover')!;
    };
    const live = await eventually('insight to fold both valuations', async () => {
      const f = await turnover();
      return f.denominator === 120_000 ? f : undefined;
    });
    const expectHandComputed = (f: KpiFigure) => {
      expect(f).toMatchObject({ numerator: 30_000, denominator: 120_000, caseCount: 1 });
      expect(f.value! / expected).toBeCloseTo(1, 9);
      expect(f.breakdown!.map((b) => [b.key, b.numerator, b.denominator, b.caseCount])).toEqual([['CENTRAL-TURN', 0, 50_000, 0], ['VAN-TURN-1', 30_000, 70_000, 1]]);
      expect(f.breakdown![0]!.value).toBe(0);
      expect(f.breakdown![1]!.value! / ((30_000 / 70_000) * (365.25 / days))).toBeCloseTo(1, 9);
    };
    expectHandComputed(live);
    // A report split by a case dimension says why it has no turnover.
    const byTier = await call('insight', 'GET', `/v1/kpis?${period}&groupBy=tier`, manager);
    const tierFigure = kpiFigure(byTier.body as unknown as KpiReport, 'parts-turnover');
    expect(tierFigure).toMatchObject({ value: null, note: expect.stringMatching(/not per tier/) });
    // Drill-down: the request whose job consumed the parts.
    const behind = await eventually('the consuming request in insight', async () => {
      const r = await call('insight', 'GET', `/v1/kpis/parts-turnover/cases?${period}`, manager);
      return (r.body.cases as { requestId: string }[] | undefined)?.length ? r.body : undefined;
    });
    expect((behind.cases as { requestId: string }[]).map((c) => c.requestId)).toEqual([requestId]);

    // Rebuilt from the topics' beginning: the same figure.
    const rebuild = await call('insight', 'POST', '/v1/rebuilds', await tokenFor('platform'), {});
    expect(rebuild.status, JSON.stringify(rebuild.body)).toBe(202);
    await eventually('the rebuild to finish', async () => {
      const state = (await call('insight', 'GET', '/v1/rebuilds/current', await tokenFor('platform'))).body as { current: number; building: unknown };
      return state.current === 2 && state.building === null ? true : undefined;
    }, { timeoutMs: 90_000 });
    const rebuilt = await turnover();
    expectHandComputed(rebuilt);
    expect(rebuilt).toEqual(live);
  });
});
