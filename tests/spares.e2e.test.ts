import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEvent, type EventKey } from '@aftersales/contracts';
import { createEventProducer, createKafka, type EventProducer } from '@aftersales/platform';
import { startTopicReader, testLogger, type ReadMessage, type TopicReader } from '@aftersales/platform/testing';
import { withMongo } from './support/mongo';
import { api, tokenFor } from './support/services';
import { useTestBed } from './support/testbed';
import { eventually } from './support/wait';

const day = 86_400_000;
const iso = (offsetMs = 0) => new Date(Date.now() + offsetMs).toISOString();

/**
 * Spares as its own process on the real servers, fed by intake's and dispatch's events published
 * here on real Kafka: an in-warranty case (reserve, consume, return, supplier claim, charged to the
 * factory), a paid case (quote, accept, consume, charged to the customer), a requisition that
 * escalates when nobody answers (5 s per approver), and bad input answered 4xx naming the field.
 */
describe('spares end to end', () => {
  const bed = useTestBed('spares', {
    spares: { SPARES_APPROVAL_DEADLINE_SECONDS: '5', SPARES_APPROVERS: 'spares-lead,spares-manager,service-head', SPARES_SWEEP_MS: '600000' },
  });
  let producer: EventProducer;
  let reader: TopicReader;
  let spares: string;
  let engineer: string;
  let agent: string;
  let finance: string;
  const approver = new Map<string, string>();

  const call = (method: string, path: string, token: string, body?: unknown) => api(bed.service('spares'), method, path, { token, ...(body === undefined ? {} : { body }) });
  async function ok(method: string, path: string, token: string, body: unknown, status: number) {
    const response = await call(method, path, token, body);
    expect(response.status, `${method} ${path}: ${JSON.stringify(response.body)}`).toBe(status);
    return response.body;
  }

  async function publish<K extends EventKey>(topic: string, key: K, subject: string, data: Parameters<typeof buildEvent<K>>[1]) {
    const event = buildEvent(key, data, { id: randomUUID(), occurredAt: new Date(), source: 'spares-e2e', subject, correlationId: subject, causationId: null });
    await producer.publish([{ topic: `${bed.ns}.${topic}`, event }]);
  }

  /** A case as intake registers it and a work order as dispatch creates and assigns it. */
  async function openCase(requestId: string, workOrderId: string, source: 'warranty' | 'none', cover: Record<string, unknown> = {}) {
    await publish('intake.service-requests.v1', 'service-request.registered@1', requestId, {
      requestId,
      customerId: 'CUST-E2E',
      contact: { name: 'Li Wei', phone: '+86 21 5555 0101' },
      channel: 'phone',
      serialNumber: `SN-${requestId}`,
      symptom: 'burr on the cut edge',
      raisedAt: iso(-day),
      neededBy: iso(day),
      entitlement: { source, contractId: null, responseMode: 'on-site', slaPolicyId: 'warranty-standard', calendarId: 'business-hours', quoteRequired: source === 'none', ...cover },
      machine: { model: 'FL-3015', productLine: 'fiber-laser-cutting' },
    });
    await publish('dispatch.work-orders.v1', 'work-order.created@1', workOrderId, { workOrderId, requestId, engineerId: null, tier: 'P3', route: 'field-visit', onSiteDueAt: null, createdAt: iso(-day) });
    await publish('dispatch.work-orders.v1', 'work-order.assigned@1', workOrderId, { workOrderId, requestId, engineerId: 'ENG-1', assignedAt: iso(-day), plannedStart: null });
    await eventually(`case ${requestId} and work order ${workOrderId} assigned in spares`, async () => {
      const r = await call('GET', `/v1/work-orders/${workOrderId}`, spares);
      if (r.body.engineerId !== 'ENG-1') return undefined;
      // The case travels on another topic: a quote can be priced once it is known.
      const q = await call('POST', '/v1/quotes', agent, { requestId, parts: [], labourHours: 0, trips: 0, validDays: 1 });
      return q.status === 201 ? true : undefined;
    });
  }

  /** The engineer's report; who pays follows the category decided, the cause is evidence only. */
  async function complete(workOrderId: string, requestId: string, partsUsed: { partNumber: string; quantity: number; removedSerial?: string }[], failureMode: string, finishedAt: string, category: 'quality-failure' | 'wear' | 'misuse' = 'quality-failure', cause = 'coating delaminated') {
    await publish('dispatch.work-orders.v1', 'work-order.completed@1', workOrderId, {
      workOrderId,
      requestId,
      engineerId: 'ENG-1',
      startedAt: new Date(Date.parse(finishedAt) - 90 * 60_000).toISOString(),
      finishedAt,
      effortMinutes: 90,
      travelMinutes: 40,
      cause,
      fix: 'replaced the part',
      workDone: 'replaced and tested a cut',
      partsUsed,
      firstTimeFix: true,
      failureMode,
      failureDecision: { category, decidedBy: 'ENG-1', decidedAt: finishedAt },
    });
  }

  async function close(requestId: string, workOrderId: string, acceptedAt: string) {
    await publish('intake.service-requests.v1', 'service-request.closed@1', requestId, {
      requestId,
      customerId: 'CUST-E2E',
      serialNumber: `SN-${requestId}`,
      tier: 'P3',
      cause: 'coating delaminated',
      fix: 'replaced the part',
      firstTimeFix: true,
      resolvedAt: acceptedAt,
      acceptedAt,
      workOrderId,
      engineerId: 'ENG-1',
      slaMet: true,
    });
  }

  const eventsOf = (type: string, match: (data: Record<string, unknown>) => boolean) => (m: ReadMessage) => {
    const event = JSON.parse(m.value) as { type: string; data: Record<string, unknown> };
    return event.type === type && match(event.data);
  };

  beforeAll(async () => {
    spares = await tokenFor('spares', 'spares-admin');
    engineer = await tokenFor('engineer', 'eng-1');
    agent = await tokenFor('agent', 'agent-1');
    finance = await tokenFor('finance', 'finance-1');
    for (const name of ['spares-lead', 'spares-manager', 'service-head']) approver.set(name, await tokenFor('spares', name));
    const kafka = createKafka({ brokers: bed.stack.kafkaBrokers, clientId: bed.ns, logger: testLogger() });
    producer = await createEventProducer(kafka);
    reader = await startTopicReader(kafka, [`${bed.ns}.spares.reservations.v1`, `${bed.ns}.spares.returns.v1`]);

    await ok('PUT', '/v1/parts/P-LENS-B', spares, { description: 'Focus lens, coated', fitsModels: ['FL-3015'], listPrice: 210, currency: 'EUR', supplierId: 'SUP-OPTICS' }, 200);
    await ok('PUT', '/v1/parts/P-NOZZLE-15', spares, { description: 'Cutting nozzle 1.5 mm', fitsModels: ['FL-3015'], listPrice: 12, currency: 'EUR', consumable: false }, 200);
    await ok('PUT', '/v1/price-lists/default', spares, {
      currency: 'EUR',
      labourRateCentsPerHour: 9_000,
      travelCentsPerTrip: 12_000,
      parts: { 'P-LENS-B': { listPriceCents: 21_000, minimumPriceCents: 18_000 }, 'P-NOZZLE-15': { listPriceCents: 1_200, minimumPriceCents: 900, quantityBreaks: [{ minQuantity: 2, discountBasisPoints: 1000 }] } },
    }, 200);
    await ok('PUT', '/v1/locations/VAN-ENG-1', spares, { kind: 'van', name: 'Van of ENG-1', engineerId: 'ENG-1' }, 200);
    await ok('PUT', '/v1/locations/REG-EAST', spares, { kind: 'regional', name: 'Regional warehouse east' }, 200);
    await ok('PUT', '/v1/locations/CENTRAL', spares, { kind: 'central', name: 'Central warehouse' }, 200);
    await ok('POST', '/v1/stock/receipts', spares, { partNumber: 'P-LENS-B', locationId: 'VAN-ENG-1', quantity: 1 }, 201);
    await ok('POST', '/v1/stock/receipts', spares, { partNumber: 'P-LENS-B', locationId: 'REG-EAST', quantity: 4 }, 201);
    await ok('POST', '/v1/stock/receipts', spares, { partNumber: 'P-NOZZLE-15', locationId: 'VAN-ENG-1', quantity: 5 }, 201);
  });

  afterAll(async () => {
    await reader?.stop();
    await producer?.disconnect();
  });

  it('in warranty: reserves nearest first, consumes, expects the defective part back, claims from the supplier, charges the factory', async () => {
    await openCase('SR-W', 'WO-W', 'warranty');
    const reservation = await ok('POST', '/v1/reservations', engineer, { workOrderId: 'WO-W', lines: [{ partNumber: 'P-LENS-B', quantity: 2 }] }, 201);
    expect(reservation.lines).toEqual([
      { partNumber: 'P-LENS-B', locationId: 'VAN-ENG-1', quantity: 1 },
      { partNumber: 'P-LENS-B', locationId: 'REG-EAST', quantity: 1 },
    ]);
    const reserved = await ok('GET', '/v1/stock?part=P-LENS-B', spares, undefined, 200);
    expect((reserved.items as { locationId: string; reserved: number; available: number }[]).map((l) => [l.locationId, l.reserved, l.available])).toEqual([
      ['REG-EAST', 1, 3],
      ['VAN-ENG-1', 1, 0],
    ]);
    await reader.waitFor(1, 'parts.reserved', eventsOf('parts.reserved', (d) => d.workOrderId === 'WO-W'));

    const finishedAt = iso(-60_000);
    // The finding's words name misuse; the engineer's decision says quality failure, and the decision rules.
    await complete('WO-W', 'SR-W', [{ partNumber: 'P-LENS-B', quantity: 1, removedSerial: 'LENS-SN-9' }], 'lens-crack', finishedAt, 'quality-failure', 'no sign of misuse; porous weld seam');
    const returns = await eventually('the defective return', async () => {
      const r = await call('GET', '/v1/returns?workOrderId=WO-W', spares);
      return (r.body.items as unknown[]).length ? (r.body.items as { id: string; dueAt: string; status: string; removedSerial: string }[]) : undefined;
    });
    expect(returns).toHaveLength(1);
    expect(returns[0]).toMatchObject({ status: 'awaiting-return', removedSerial: 'LENS-SN-9', dueAt: new Date(Date.parse(finishedAt) + 14 * day).toISOString() });
    // One unit written off, the other reserved one back on the shelf.
    const after = await ok('GET', '/v1/stock?part=P-LENS-B', spares, undefined, 200);
    expect((after.items as { locationId: string; onHand: number; reserved: number }[]).map((l) => [l.locationId, l.onHand, l.reserved])).toEqual([
      ['REG-EAST', 4, 0],
      ['VAN-ENG-1', 0, 0],
    ]);
    // One reservation of two units, one used: it reads consumed and says what went back.
    expect(await ok('GET', `/v1/reservations/${String(reservation.id)}`, spares, undefined, 200)).toMatchObject({ status: 'consumed', usedUnits: 1, returnedUnits: 1 });
    const releaseConsumed = await call('POST', `/v1/reservations/${String(reservation.id)}/release`, spares, undefined);
    expect([releaseConsumed.status, releaseConsumed.body.error?.field]).toEqual([409, 'id']);
    expect(releaseConsumed.body.error?.message).toMatch(/was consumed by work order WO-W/);
    const [consumed] = await reader.waitFor(1, 'parts.consumed', eventsOf('parts.consumed', (d) => d.workOrderId === 'WO-W'));
    expect(JSON.parse(consumed!.value).data.lines).toEqual([{ partNumber: 'P-LENS-B', quantity: 1, locationId: 'VAN-ENG-1' }]);

    // Reserving for the completed work order is refused, naming the field.
    const refused = await call('POST', '/v1/reservations', engineer, { workOrderId: 'WO-W', lines: [{ partNumber: 'P-LENS-B', quantity: 1 }] });
    expect([refused.status, refused.body.error?.field]).toEqual([422, 'workOrderId']);

    await ok('POST', `/v1/returns/${returns[0]!.id}/receipt`, spares, undefined, 200);
    const analysed = await ok('POST', `/v1/returns/${returns[0]!.id}/analysis`, await tokenFor('quality', 'qe-1'), { finding: 'supplier-defect', lot: 'LOT-7', failureMode: 'coating-delamination' }, 200);
    expect(analysed.supplierClaimId).toBe(`SCL-${returns[0]!.id}`);
    const claims = await ok('GET', '/v1/supplier-claims?supplierId=SUP-OPTICS', spares, undefined, 200);
    expect(claims.items).toEqual([expect.objectContaining({ partNumber: 'P-LENS-B', lot: 'LOT-7', supplierId: 'SUP-OPTICS', amountCents: 21_000, status: 'open' })]);
    const [returned] = await reader.waitFor(1, 'defective-part.returned', eventsOf('defective-part.returned', (d) => d.returnId === returns[0]!.id));
    expect(JSON.parse(returned!.value).data).toMatchObject({ finding: 'supplier-defect', lot: 'LOT-7', model: 'FL-3015', machineSerial: 'SN-SR-W' });

    await close('SR-W', 'WO-W', iso());
    const allocation = await eventually('the cost allocation of SR-W', async () => {
      const r = await call('GET', '/v1/cost-allocation?caseId=SR-W', finance);
      return (r.body.entries as unknown[]).length ? r.body : undefined;
    });
    const entries = allocation.entries as { lineId: string; costCentre: string; amountCents: number; reason: string }[];
    expect(entries.map((e) => [e.lineId, e.costCentre, e.amountCents]).sort()).toEqual([
      ['labour', 'factory', 13_500],
      ['part-1-P-LENS-B', 'factory', 21_000],
      ['travel', 'factory', 12_000],
    ]);
    expect(entries.every((e) => e.reason === 'quality failure covered by the warranty')).toBe(true);
    // The totals alone, as the console's table asks for six months; a limit out of range names the field.
    const totalsOnly = await ok('GET', '/v1/cost-allocation?caseId=SR-W&limit=0', finance, undefined, 200);
    expect(totalsOnly.entries).toEqual([]);
    expect(totalsOnly.months).toEqual([expect.objectContaining({ amountCents: 46_500, entries: 3, cases: 1 })]);
    const overLimit = await call('GET', '/v1/cost-allocation?limit=5001', finance);
    expect(overLimit.status).toBe(400);
    expect(JSON.stringify(overLimit.body)).toContain('limit');
  });

  it('a cancelled work order gives its reservation back; a later, different parts report is flagged, not applied', async () => {
    await openCase('SR-C', 'WO-C', 'warranty');
    const reservation = await ok('POST', '/v1/reservations', engineer, { workOrderId: 'WO-C', lines: [{ partNumber: 'P-LENS-B', quantity: 1 }] }, 201);
    await publish('dispatch.work-orders.v1', 'work-order.cancelled@1', 'WO-C', { workOrderId: 'WO-C', requestId: 'SR-C', engineerId: 'ENG-1', reason: 'customer fixed it', cancelledAt: iso() });
    await eventually('the reservation released', async () => {
      const r = await call('GET', `/v1/reservations/${String(reservation.id)}`, spares);
      return r.body.status === 'released' ? r.body : undefined;
    });
    await reader.waitFor(1, 'parts.released', eventsOf('parts.released', (d) => d.reservationId === reservation.id && d.reason === 'cancelled'));
    const stock = await ok('GET', '/v1/stock?part=P-LENS-B&location=REG-EAST', spares, undefined, 200);
    expect(stock.items).toEqual([expect.objectContaining({ reserved: 0, available: 4 })]);

    // WO-W was written off with one lens; a new report claiming two is kept as a red flag only.
    await complete('WO-W', 'SR-W', [{ partNumber: 'P-LENS-B', quantity: 2 }], 'lens-crack', iso());
    const flags = await eventually('the consumption-edited flag', async () => {
      const r = await call('GET', '/v1/red-flags?kind=consumption-edited', spares);
      return (r.body.items as unknown[]).length ? (r.body.items as { subject: string; engineerId: string }[]) : undefined;
    });
    expect(flags).toEqual([expect.objectContaining({ subject: 'WO-W', engineerId: 'ENG-1' })]);
    const after = await ok('GET', '/v1/stock?part=P-LENS-B', spares, undefined, 200);
    expect((after.items as { locationId: string; onHand: number }[]).map((l) => [l.locationId, l.onHand])).toEqual([
      ['REG-EAST', 4],
      ['VAN-ENG-1', 0],
    ]);
  });

  it('paid work: a quote the customer accepts, then consumption charged to the customer; no return expected', async () => {
    await openCase('SR-P', 'WO-P', 'none');
    // Paid work: nothing is reserved or requisitioned before the customer accepts the quote.
    for (const path of ['/v1/reservations', '/v1/requisitions']) {
      const early = await call('POST', path, engineer, { workOrderId: 'WO-P', lines: [{ partNumber: 'P-NOZZLE-15', quantity: 1 }] });
      expect([early.status, early.body.error?.field], `${path}: ${JSON.stringify(early.body)}`).toEqual([409, 'workOrderId']);
    }
    const quote = await ok('POST', '/v1/quotes', agent, { requestId: 'SR-P', workOrderId: 'WO-P', parts: [{ partNumber: 'P-NOZZLE-15', quantity: 2 }], labourHours: 1.5, trips: 1 }, 201);
    // Two nozzles at 10 % off (1,080 each), 1.5 h labour, one trip.
    expect(quote).toMatchObject({ status: 'issued', totalCents: 2 * 1_080 + 13_500 + 12_000, currency: 'EUR' });
    await reader.waitFor(1, 'quote.issued', eventsOf('quote.issued', (d) => d.quoteId === quote.id));
    expect(await ok('POST', `/v1/quotes/${String(quote.id)}/answer`, agent, { accepted: true }, 200)).toMatchObject({ status: 'accepted' });
    const again = await call('POST', `/v1/quotes/${String(quote.id)}/answer`, agent, { accepted: false });
    expect([again.status, again.body.error?.field]).toEqual([409, 'id']);
    await reader.waitFor(1, 'quote.accepted', eventsOf('quote.accepted', (d) => d.quoteId === quote.id));
    // A second, bigger quote the customer turns down.
    const dearer = await ok('POST', '/v1/quotes', agent, { requestId: 'SR-P', workOrderId: 'WO-P', parts: [{ partNumber: 'P-LENS-B', quantity: 1 }], labourHours: 2, trips: 1 }, 201);
    expect(await ok('POST', `/v1/quotes/${String(dearer.id)}/answer`, agent, { accepted: false, reason: 'too expensive' }, 200)).toMatchObject({ status: 'declined', answer: { accepted: false, reason: 'too expensive' } });
    await reader.waitFor(1, 'quote.declined', eventsOf('quote.declined', (d) => d.quoteId === dearer.id && d.reason === 'too expensive'));

    // Accepted quote, small value, no history: approved by rule at once.
    const requisition = await ok('POST', '/v1/requisitions', engineer, { workOrderId: 'WO-P', lines: [{ partNumber: 'P-NOZZLE-15', quantity: 2 }] }, 201);
    expect(requisition).toMatchObject({ status: 'approved', approvalNeeded: false, decision: { by: 'rule' } });
    await ok('POST', '/v1/reservations', engineer, { workOrderId: 'WO-P', lines: [{ partNumber: 'P-NOZZLE-15', quantity: 2 }] }, 201);
    await complete('WO-P', 'SR-P', [{ partNumber: 'P-NOZZLE-15', quantity: 2 }], 'nozzle-damage', iso(-60_000));
    await eventually('nozzles written off', async () => {
      const r = await call('GET', '/v1/stock?part=P-NOZZLE-15&location=VAN-ENG-1', spares);
      const [level] = r.body.items as { onHand: number; reserved: number }[];
      return level?.onHand === 3 && level.reserved === 0 ? true : undefined;
    });
    await close('SR-P', 'WO-P', iso());
    const allocation = await eventually('the cost allocation of SR-P', async () => {
      const r = await call('GET', '/v1/cost-allocation?caseId=SR-P&costCentre=customer', finance);
      return (r.body.entries as unknown[]).length ? r.body : undefined;
    });
    expect((allocation.entries as { costCentre: string; reason: string }[]).every((e) => e.costCentre === 'customer' && e.reason === 'no contract or warranty')).toBe(true);
    expect(allocation.totals).toEqual([expect.objectContaining({ costCentre: 'customer', amountCents: 2 * 1_200 + 13_500 + 12_000 })]);
    expect((await ok('GET', '/v1/returns?workOrderId=WO-P', spares, undefined, 200)).items).toEqual([]);
  });

  it('quality\u2019s failure analysis changes the decision after the case was charged: a new event with who and when, the cost moves by new entries', async () => {
    await openCase('SR-FD', 'WO-FD', 'warranty');
    await complete('WO-FD', 'SR-FD', [], 'head-crash', iso(-60_000), 'quality-failure', 'head cracked');
    await close('SR-FD', 'WO-FD', iso());
    const charged = await eventually('the cost allocation of SR-FD', async () => {
      const r = await call('GET', '/v1/cost-allocation?caseId=SR-FD', finance);
      return (r.body.entries as unknown[]).length ? (r.body.entries as { lineId: string; costCentre: string; amountCents: number }[]) : undefined;
    });
    expect(new Set(charged.map((e) => e.costCentre))).toEqual(new Set(['factory']));
    const total = charged.reduce((sum, e) => sum + e.amountCents, 0);
    // Reporting's fact: revision 1, every line the factory's, in the price list's currency (no parts: labour and travel, each kind its line id).
    const allocated = (revision: number) => eventsOf('case-cost.allocated', (d) => d.requestId === 'SR-FD' && d.revision === revision);
    const [first] = await reader.waitFor(1, 'case-cost.allocated revision 1', allocated(1));
    const firstData = JSON.parse(first!.value).data as { currency: string; lines: { lineId: string; kind: string; costCentre: string; amountCents: number; inWarranty: boolean }[] };
    expect(firstData.currency).toBe('EUR');
    expect(firstData.lines.map((l) => [l.lineId, l.kind, l.costCentre, l.amountCents, l.inWarranty]).sort()).toEqual(charged.map((e) => [e.lineId, e.lineId, 'factory', e.amountCents, true]).sort());
    const quality = await tokenFor('quality', 'qe-7');

    const before = await ok('GET', '/v1/cases/SR-FD/failure-decision', finance, undefined, 200);
    expect(before).toMatchObject({ engineer: { category: 'quality-failure', decidedBy: 'ENG-1' }, reviews: [], inForce: { category: 'quality-failure' } });
    const changed = await ok('POST', '/v1/cases/SR-FD/failure-decision/reviews', quality, { category: 'misuse', reason: 'impact marks on the head; collision in the machine log' }, 201);
    expect(changed.review).toMatchObject({ revision: 1, category: 'misuse', previousCategory: 'quality-failure', outcome: 'changed', decidedBy: 'qe-7' });
    const [reviewed] = await reader.waitFor(1, 'failure-decision.reviewed', eventsOf('failure-decision.reviewed', (d) => d.requestId === 'SR-FD'));
    expect(JSON.parse(reviewed!.value).data).toMatchObject({ revision: 1, category: 'misuse', previousCategory: 'quality-failure', decidedBy: 'qe-7' });

    // Misuse in warranty is the customer's by the default cost rule: the factory's charge moves, booked as new entries.
    const after = (await ok('GET', '/v1/cost-allocation?caseId=SR-FD', finance, undefined, 200)).entries as { lineId: string; costCentre: string; amountCents: number }[];
    const net = (centre: string) => after.filter((e) => e.costCentre === centre).reduce((sum, e) => sum + e.amountCents, 0);
    expect([net('factory'), net('sales-centre'), net('customer')]).toEqual([0, 0, total]);
    expect(after.filter((e) => e.lineId.endsWith('#review-1')).length).toBeGreaterThan(0);
    // The review that moved the cost is revision 2: every line the customer's now, still in warranty.
    const [second] = await reader.waitFor(1, 'case-cost.allocated revision 2', allocated(2));
    const secondData = JSON.parse(second!.value).data as typeof firstData;
    expect(secondData.lines.map((l) => [l.costCentre, l.inWarranty])).toEqual(firstData.lines.map(() => ['customer', true]));
    expect(secondData.lines.reduce((sum, l) => sum + l.amountCents, 0)).toBe(total);

    // Confirming it books nothing more; a second reviewer is revision 2.
    const confirmed = await ok('POST', '/v1/cases/SR-FD/failure-decision/reviews', quality, { category: 'misuse', reason: 'confirmed at the lab' }, 201);
    expect(confirmed.review).toMatchObject({ revision: 2, outcome: 'confirmed', previousCategory: 'misuse' });
    expect(((await ok('GET', '/v1/cost-allocation?caseId=SR-FD', finance, undefined, 200)).entries as unknown[]).length).toBe(after.length);
    // ...and publishes no revision: the allocation did not change (stored before the answer, so absent now is absent).
    const revisions = await withMongo(bed.stack.mongoUrl, (client) => client.db(`${bed.ns}_spares`).collection('caseCostRevisions').find({ requestId: 'SR-FD' }).project({ revision: 1 }).toArray());
    expect(revisions.map((r) => r.revision as number).sort()).toEqual([1, 2]);

    const unknown = await call('POST', '/v1/cases/SR-NONE/failure-decision/reviews', quality, { category: 'wear', reason: 'x' });
    expect([unknown.status, unknown.body.error?.field]).toEqual([404, 'requestId']);
    const bad = await call('POST', '/v1/cases/SR-FD/failure-decision/reviews', quality, { category: 'misuse-ish', reason: 'x' });
    expect([bad.status, bad.body.error?.field]).toEqual([400, 'category']);
    expect((await call('POST', '/v1/cases/SR-FD/failure-decision/reviews', engineer, { category: 'wear', reason: 'x' })).status).toBe(403);
  });

  it('a parts-only warranty, as intake sends its cover: the factory pays the part, the customer labour and travel', async () => {
    await openCase('SR-PO', 'WO-PO', 'warranty', { covers: { parts: true, labour: false, travel: false }, exclusions: { partNumbers: [], categories: [] }, coversConsumables: false, warrantyEnd: iso(200 * day) });
    await complete('WO-PO', 'SR-PO', [], 'lens-crack', iso(-60_000));
    await close('SR-PO', 'WO-PO', iso());
    const allocation = await eventually('the cost allocation of SR-PO', async () => {
      const r = await call('GET', '/v1/cost-allocation?caseId=SR-PO', finance);
      return (r.body.entries as unknown[]).length ? r.body : undefined;
    });
    const entries = allocation.entries as { lineId: string; costCentre: string; reason: string }[];
    expect(entries.map((e) => [e.lineId, e.costCentre, e.reason]).sort()).toEqual([
      ['labour', 'customer', 'labour not covered by the warranty'],
      ['travel', 'customer', 'travel not covered by the warranty'],
    ]);
  });

  it('a requisition over budget waits for approval and escalates approver by approver when nobody answers', async () => {
    await openCase('SR-R', 'WO-R', 'warranty');
    const requisition = await ok('POST', '/v1/requisitions', engineer, { workOrderId: 'WO-R', lines: [{ partNumber: 'P-LENS-B', quantity: 3 }] }, 201);
    expect(requisition).toMatchObject({ status: 'pending-approval', approvalNeeded: true, reasons: ['value 63000 cents over budget 50000'], approvers: ['spares-lead', 'spares-manager', 'service-head'] });
    bed.started.push(String(requisition.id));
    // The approver not yet asked may not decide yet.
    const early = await call('POST', `/v1/requisitions/${String(requisition.id)}/decision`, approver.get('service-head')!, { outcome: 'approve' });
    expect([early.status, early.body.error?.field]).toEqual([422, 'by']);

    const lapsed = await eventually(
      'the requisition to escalate twice and lapse',
      async () => {
        const r = await call('GET', `/v1/requisitions/${String(requisition.id)}`, spares);
        return r.body.decision ? r.body : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    expect((lapsed.escalations as { level: number; fromApprover: string; toApprover: string }[]).map((e) => [e.level, e.fromApprover, e.toApprover])).toEqual([
      [1, 'spares-lead', 'spares-manager'],
      [2, 'spares-manager', 'service-head'],
    ]);
    expect(lapsed).toMatchObject({ status: 'rejected', decision: { decision: 'rejected', by: 'system', lapsed: true } });
    await reader.waitFor(1, 'requisition.decided', eventsOf('requisition.decided', (d) => d.requisitionId === requisition.id && d.decision === 'rejected'));
    // Each approver was asked as their turn began (the notifications service tells them), once each.
    const asked = await reader.waitFor(3, 'requisition.approval-requested x3', eventsOf('requisition.approval-requested', (d) => d.requisitionId === requisition.id));
    const askedData = asked.map((m) => (JSON.parse(m.value) as { data: { level: number; approver: string; requesterId: string; reasons: string[] } }).data).sort((a, b) => a.level - b.level);
    expect(askedData.map((d) => [d.level, d.approver])).toEqual([
      [0, 'spares-lead'],
      [1, 'spares-manager'],
      [2, 'service-head'],
    ]);
    expect(askedData[0]).toMatchObject({ reasons: ['value 63000 cents over budget 50000'] });
  });

  it('nobody approves their own requisition; another approver partially approves', async () => {
    // A spares lead requisitions: the chain skips the requester.
    const requisition = await ok('POST', '/v1/requisitions', approver.get('spares-lead')!, { workOrderId: 'WO-R', lines: [{ partNumber: 'P-LENS-B', quantity: 4 }] }, 201);
    bed.started.push(String(requisition.id));
    expect(requisition.approvers).toEqual(['spares-manager', 'service-head']);
    const own = await call('POST', `/v1/requisitions/${String(requisition.id)}/decision`, approver.get('spares-lead')!, { outcome: 'approve' });
    expect([own.status, own.body.error?.field]).toEqual([403, 'by']);
    const decided = await ok('POST', `/v1/requisitions/${String(requisition.id)}/decision`, approver.get('spares-manager')!, { outcome: 'partial', lines: [{ partNumber: 'P-LENS-B', approved: 2 }] }, 200);
    expect(decided.approval).toMatchObject({ status: 'partially-approved' });
    await reader.waitFor(1, 'requisition.decided partially', eventsOf('requisition.decided', (d) => d.requisitionId === requisition.id && d.decision === 'partially-approved'));
  });

  it('the catalogue: a model\u2019s BOM, and a superseded part reserved as its successor', async () => {
    await ok('PUT', '/v1/parts/A-HEAD', spares, { description: 'Cutting head', fitsModels: ['FL-3015'], listPrice: 2400, currency: 'EUR' }, 200);
    await ok('PUT', '/v1/parts/P-LENS-B', spares, { description: 'Focus lens, coated', fitsModels: ['FL-3015'], listPrice: 210, currency: 'EUR', supplierId: 'SUP-OPTICS', parentParts: ['A-HEAD'] }, 200);
    await ok('PUT', '/v1/parts/P-LENS-A', spares, { description: 'Focus lens, first generation', fitsModels: ['FL-3015'], listPrice: 180, currency: 'EUR', supersededBy: 'P-LENS-B', parentParts: ['A-HEAD'] }, 200);
    const bom = await ok('GET', '/v1/bom?model=FL-3015', engineer, undefined, 200);
    expect((bom.items as { partNumber: string; children: { partNumber: string }[] }[]).map((n) => [n.partNumber, n.children.map((c) => c.partNumber)])).toEqual([
      ['A-HEAD', ['P-LENS-A', 'P-LENS-B']],
      ['P-NOZZLE-15', []],
    ]);
    const reservation = await ok('POST', '/v1/reservations', engineer, { workOrderId: 'WO-R', lines: [{ partNumber: 'P-LENS-A', quantity: 1 }] }, 201);
    expect(reservation.substitutions).toEqual([{ requested: 'P-LENS-A', reserved: 'P-LENS-B', chain: ['P-LENS-A', 'P-LENS-B'] }]);
    expect(reservation.lines).toEqual([{ partNumber: 'P-LENS-B', locationId: 'REG-EAST', quantity: 1 }]);
    await ok('POST', `/v1/reservations/${String(reservation.id)}/release`, spares, undefined, 200);
  });

  it('documents its endpoints in the OpenAPI document', async () => {
    const doc = await api(bed.service('spares'), 'GET', '/openapi.json');
    expect(doc.status).toBe(200);
    const paths = Object.keys(doc.body.paths as Record<string, unknown>);
    for (const path of ['/v1/stock', '/v1/reservations', '/v1/requisitions', '/v1/returns', '/v1/price-lists', '/v1/quotes', '/v1/supplier-claims', '/v1/cost-allocation']) expect(paths).toContain(path);
  });

  it('a quantity far above what peers requisition for the model needs approval and raises a red flag', async () => {
    for (const peer of ['eng-2', 'eng-3', 'eng-4', 'eng-5', 'eng-6']) {
      const usual = await ok('POST', '/v1/requisitions', await tokenFor('engineer', peer), { workOrderId: 'WO-R', lines: [{ partNumber: 'P-NOZZLE-15', quantity: 2 }] }, 201);
      expect(usual.status).toBe('approved');
    }
    const unusual = await ok('POST', '/v1/requisitions', engineer, { workOrderId: 'WO-R', lines: [{ partNumber: 'P-NOZZLE-15', quantity: 20 }] }, 201);
    bed.started.push(String(unusual.id));
    expect(unusual).toMatchObject({ status: 'pending-approval', approvalNeeded: true });
    expect(unusual.reasons).toEqual([expect.stringContaining('P-NOZZLE-15: quantity 20 above peers threshold 5')]);
    const flags = await ok('GET', '/v1/red-flags?kind=requisition-outlier', spares, undefined, 200);
    expect(flags.items).toEqual([expect.objectContaining({ subject: unusual.id, engineerId: 'eng-1' })]);
  });

  it('answers bad input with 4xx naming the field', async () => {
    const unknownPart = await call('POST', '/v1/reservations', engineer, { workOrderId: 'WO-R', lines: [{ partNumber: 'P-NOPE', quantity: 1 }] });
    expect([unknownPart.status, unknownPart.body.error?.field]).toEqual([422, 'lines[0].partNumber']);
    const negative = await call('POST', '/v1/reservations', engineer, { workOrderId: 'WO-R', lines: [{ partNumber: 'P-LENS-B', quantity: -2 }] });
    expect(negative.status).toBe(400);
    expect(negative.body.error?.field).toBe('lines.0.quantity');
    const tooMany = await call('POST', '/v1/reservations', engineer, { workOrderId: 'WO-R', lines: [{ partNumber: 'P-LENS-B', quantity: 50 }] });
    expect([tooMany.status, tooMany.body.error?.field]).toEqual([409, 'lines[0].quantity']);
    const unknownWorkOrder = await call('POST', '/v1/requisitions', engineer, { workOrderId: 'WO-NOPE', lines: [{ partNumber: 'P-LENS-B', quantity: 1 }] });
    expect([unknownWorkOrder.status, unknownWorkOrder.body.error?.field]).toEqual([422, 'workOrderId']);
  });

  // What the fuzzer found. Raw JSON where a key must reach the server as written (a NUL, __proto__).
  const priceList = (parts: string, over = '') => `{"currency":"EUR","labourRateCentsPerHour":9000,"travelCentsPerTrip":12000${over},"parts":${parts}}`;
  const price = '{"listPriceCents":100,"minimumPriceCents":50}';
  const part = { description: 'Fuzzed part', fitsModels: ['FL-3015'], listPrice: 10, currency: 'EUR' };
  it.each([
    { what: 'a part key with a dot', method: 'PUT', path: '/v1/price-lists/PL-FUZZ', body: priceList(`{"P.1":${price}}`), status: 400, field: 'parts.P.1' },
    { what: 'a part key starting with $', method: 'PUT', path: '/v1/price-lists/PL-FUZZ', body: priceList(`{"$inc":${price}}`), status: 400, field: 'parts.$inc' },
    { what: 'a part key holding a NUL', method: 'PUT', path: '/v1/price-lists/PL-FUZZ', body: priceList(`{"P\\u00001":${price}}`), status: 400, field: 'parts.P\u00001' },
    { what: 'a __proto__ part key', method: 'PUT', path: '/v1/price-lists/PL-FUZZ', body: priceList(`{"__proto__":${price}}`), status: 400, field: 'parts.__proto__' },
    { what: 'a constructor part key', method: 'PUT', path: '/v1/price-lists/PL-FUZZ', body: priceList(`{"constructor":${price}}`), status: 400, field: 'parts.constructor' },
    { what: 'a currency outside ISO 4217', method: 'PUT', path: '/v1/price-lists/PL-FUZZ', body: priceList('{}').replace('"EUR"', '"ABC"'), status: 400, field: 'currency' },
    { what: 'an implausible labour rate', method: 'PUT', path: '/v1/price-lists/PL-FUZZ', body: priceList('{}').replace('9000', '4.69e303'), status: 400, field: 'labourRateCentsPerHour' },
    { what: 'an implausible part price in a list', method: 'PUT', path: '/v1/price-lists/PL-FUZZ', body: priceList('{"P-1":{"listPriceCents":1e15,"minimumPriceCents":0}}'), status: 400, field: 'parts.P-1.listPriceCents' },
    { what: 'a control character in a price list id', method: 'PUT', path: '/v1/price-lists/PL%01X', body: priceList('{}'), status: 400, field: 'id' },
    { what: 'a list price of 4.69e303', method: 'PUT', path: '/v1/parts/P-FUZZ', body: { ...part, listPrice: 4.69e303 }, status: 400, field: 'listPrice' },
    { what: 'a currency of any three characters', method: 'PUT', path: '/v1/parts/P-FUZZ', body: { ...part, currency: '\u0001\u0002\u0003' }, status: 400, field: 'currency' },
    { what: 'a control character in a part number', method: 'PUT', path: '/v1/parts/P%01X', body: part, status: 400, field: 'partNumber' },
    { what: 'an astral-plane character in a fitting model', method: 'PUT', path: '/v1/parts/P-FUZZ', body: { ...part, fitsModels: ['FL-\u{1F600}'] }, status: 400, field: 'fitsModels.0' },
    { what: 'an astral-plane location id', method: 'PUT', path: '/v1/locations/%F0%9F%98%80', body: { kind: 'central', name: 'x' }, status: 400, field: 'id' },
    { what: "a van's engineer id that is no identifier", method: 'PUT', path: '/v1/locations/VAN-FUZZ', body: { kind: 'van', name: 'x', engineerId: 'ENG 1' }, status: 400, field: 'engineerId' },
    { what: 'an engineer on a warehouse', method: 'PUT', path: '/v1/locations/WH-FUZZ', body: { kind: 'regional', name: 'x', engineerId: 'ENG-1' }, status: 422, field: 'engineerId' },
    { what: 'a receipt at a location id with a space', method: 'POST', path: '/v1/stock/receipts', body: { partNumber: 'P-LENS-B', locationId: 'REG EAST', quantity: 1 }, status: 400, field: 'locationId' },
    { what: 'an undeclared method', method: 'DELETE', path: '/v1/price-lists/default', body: undefined, status: 405, field: 'method' },
  ] as { what: string; method: string; path: string; body: unknown; status: number; field: string }[])('refuses $what: $status naming $field', async ({ method, path, body, status, field }) => {
    const response = await call(method, path, spares, body);
    expect(response.status, JSON.stringify(response.body)).toBe(status);
    expect(response.body.error?.field).toBe(field);
    if (status === 405) expect(response.headers.get('allow')).toBe('PUT');
  });

  it('stored none of the refused price lists, parts or locations', async () => {
    const lists = await ok('GET', '/v1/price-lists', spares, undefined, 200);
    expect((lists.items as { id: string }[]).map((l) => l.id)).not.toContain('PL-FUZZ');
    expect((await call('GET', '/v1/parts/P-FUZZ', spares)).status).toBe(404);
    const locations = await ok('GET', '/v1/locations', spares, undefined, 200);
    expect((locations.items as { id: string }[]).map((l) => l.id)).toEqual(expect.not.arrayContaining(['VAN-FUZZ', 'WH-FUZZ']));
  });
});
