import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEvent, topicOf, validateEvent, type EventKey } from '@aftersales/contracts';
import { readTopic } from './support/kafka';
import { api, tokenFor } from './support/services';
import { useTestBed } from './support/testbed';
import { eventually } from './support/wait';

interface Part { key: string; value: number; points: number; explanation: string }
interface Candidate { engineerId: string; score: number; parts: Part[]; ineligibility: { code: string; explanation: string } | null }
interface WorkOrderView { id: string; status: string; engineerId: string | null; planningNote: string | null; excludedEngineers: string[]; partsToCarry: string[]; containment: { instruction: string }[] }

/**
 * Dispatch alone on the real servers, fed intake's events straight onto its topic: several
 * candidates where skill, distance, load and the calendar each decide who is auto-assigned; a
 * re-assign escalation and an absence re-plan and say what moved; a P3 is proposed to the
 * dispatcher; 8D containment tells the engineer what to carry; the depot queue holds its WIP limit.
 * Engineers work 24x7 here so the outcome does not depend on the hour the test runs.
 */
describe('dispatch planning', () => {
  const bed = useTestBed('dispatch-plan', { dispatch: {} });
  const dispatch = () => bed.service('dispatch');
  let producer: Producer;
  const site = { city: 'Shanghai', lat: 31.0322, lon: 121.2274 };
  /** A point `km` east of the site (1° of longitude at 31° N is about 95.3 km). */
  const east = (km: number) => ({ city: km < 50 ? 'Shanghai' : 'Elsewhere', lat: site.lat, lon: site.lon + km / 95.3 });

  beforeAll(async () => {
    producer = new Kafka({ brokers: bed.stack.kafkaBrokers.split(','), logLevel: logLevel.NOTHING }).producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
  });
  afterAll(async () => producer?.disconnect());

  async function publish(key: EventKey, subject: string, data: Record<string, unknown>): Promise<string> {
    const event = buildEvent(key, data as never, { id: randomUUID(), occurredAt: new Date(), source: 'test', subject, correlationId: subject, causationId: null });
    await producer.send({ topic: `${bed.ns}.${topicOf(key)}`, messages: [{ key: subject, value: JSON.stringify(event) }] });
    return event.id;
  }

  async function engineer(id: string, productLine: string, level: number, home: { city: string; lat: number; lon: number }, extra: Record<string, unknown> = {}) {
    const put = await api(dispatch(), 'PUT', `/v1/engineers/${id}`, {
      token: bed.token('dispatcher'),
      body: { name: id, skills: [{ productLine, skill: 'repair', level }], territories: [home.city], homeBase: home, calendarId: '24x7', ...extra },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
  }

  async function request(productLine: string, opts: { tier?: string; model?: string; serial?: string } = {}): Promise<string> {
    const requestId = `SR-${productLine}-${randomUUID().slice(0, 6)}`;
    await publish('service-request.registered@1', requestId, {
      requestId, customerId: 'CUST-T', contact: { name: 'T' }, channel: 'phone', serialNumber: opts.serial ?? `SN-${requestId}`, symptom: 'stops', raisedAt: new Date().toISOString(),
      neededBy: new Date(Date.now() + 86_400_000).toISOString(), machine: { model: opts.model ?? 'M-1', productLine }, site,
    });
    await publish('service-request.dispatch-requested@1', requestId, {
      requestId, customerId: 'CUST-T', serialNumber: opts.serial ?? `SN-${requestId}`, tier: opts.tier ?? 'P1', responseMode: 'on-site', locationClass: 'provincial-capital',
      onSiteDueAt: new Date(Date.now() + 8 * 3_600_000).toISOString(),
    });
    return requestId;
  }

  async function workOrder(requestId: string, accept: (w: WorkOrderView) => boolean = (w) => w.status === 'assigned'): Promise<WorkOrderView> {
    const listed = await eventually(`work order of ${requestId}`, async () => {
      const list = await api(dispatch(), 'GET', `/v1/work-orders?requestId=${requestId}`, { token: bed.token('dispatcher') });
      return (list.body.items as WorkOrderView[] | undefined)?.[0];
    });
    return eventually(`work order ${listed.id} as expected`, async () => {
      const read = await api(dispatch(), 'GET', `/v1/work-orders/${listed.id}`, { token: bed.token('dispatcher') });
      return accept(read.body as unknown as WorkOrderView) ? (read.body as unknown as WorkOrderView) : undefined;
    });
  }

  async function candidates(workOrderId: string): Promise<{ ranked: Candidate[]; ineligible: Candidate[]; neededParts: string[] }> {
    const read = await api(dispatch(), 'GET', `/v1/work-orders/${workOrderId}/candidates`, { token: bed.token('dispatcher') });
    expect(read.status).toBe(200);
    return read.body as never;
  }
  const part = (c: Candidate | undefined, key: string) => c?.parts.find((p) => p.key === key);

  it('skill decides: of two engineers at one home base, the higher level gets the P2', async () => {
    await engineer('E-SK-2', 'pl-skill', 2, east(5));
    await engineer('E-SK-5', 'pl-skill', 5, east(5));
    const wo = await workOrder(await request('pl-skill', { tier: 'P2' }));
    expect(wo.engineerId).toBe('E-SK-5');
    const c = await candidates(wo.id);
    const low = c.ranked.find((x) => x.engineerId === 'E-SK-2');
    expect(part(low, 'skill')?.value).toBe(0.5);
    // For a P1 (minimum level 3) the level-2 engineer is not even a candidate.
    const p1 = await workOrder(await request('pl-skill', { tier: 'P1' }), (w) => w.status !== 'proposed' || w.planningNote !== null);
    expect((await candidates(p1.id)).ineligible.find((x) => x.engineerId === 'E-SK-2')?.ineligibility?.code).toBe('skill-below-minimum');
  });

  it('distance decides: the engineer 10 km away beats the one 120 km away; a re-assign escalation moves the job and says so', async () => {
    await engineer('E-DI-NEAR', 'pl-dist', 4, east(10));
    await engineer('E-DI-FAR', 'pl-dist', 4, east(120));
    const requestId = await request('pl-dist');
    const wo = await workOrder(requestId);
    expect(wo.engineerId).toBe('E-DI-NEAR');
    const c = await candidates(wo.id);
    expect(part(c.ranked.find((x) => x.engineerId === 'E-DI-FAR'), 'travel')?.explanation).toMatch(/^1\d\d\.\d km great-circle/);

    await publish('service-request.escalated@1', requestId, { requestId, clock: 'on-site', action: 'reassign', step: 2, tier: 'P1', breachedAt: new Date().toISOString(), newTier: 'P1' });
    const moved = await workOrder(requestId, (w) => w.engineerId === 'E-DI-FAR');
    expect(moved).toMatchObject({ status: 'assigned', excludedEngineers: ['E-DI-NEAR'] });
    const messages = await readTopic(bed.stack.kafkaBrokers, `${bed.ns}.dispatch.work-orders.v1`, { atLeast: 1 });
    const replanned = await eventually('the replanned event', async () => {
      const all = (await readTopic(bed.stack.kafkaBrokers, `${bed.ns}.dispatch.work-orders.v1`, { atLeast: messages.length })).map((m) => JSON.parse(m.value) as { type: string; subject: string; data: Record<string, unknown> });
      return all.find((e) => e.subject === wo.id && e.type === 'work-order.replanned');
    });
    expect(validateEvent(replanned)).toMatchObject({ ok: true });
    expect(replanned.data).toMatchObject({ reason: 'escalation', fromEngineerId: 'E-DI-NEAR', engineerId: 'E-DI-FAR' });
  });

  it('load decides: two identical engineers, the second job goes to the one without an open job', async () => {
    await engineer('E-LD-A', 'pl-load', 4, east(8));
    await engineer('E-LD-B', 'pl-load', 4, east(8));
    const first = await workOrder(await request('pl-load'));
    expect(first.engineerId).toBe('E-LD-A'); // a tie is broken by engineer id
    const second = await workOrder(await request('pl-load'));
    expect(second.engineerId).toBe('E-LD-B');
    const c = await candidates(second.id);
    expect(part(c.ranked.find((x) => x.engineerId === 'E-LD-A'), 'load')?.explanation).toBe('1 open job');
  });

  it('the calendar decides: the nearer engineer is absent, so the farther one gets it; an absence re-plans what it covers', async () => {
    await engineer('E-CA-NEAR', 'pl-cal', 4, east(5));
    await engineer('E-CA-FAR', 'pl-cal', 4, east(40));
    const absent = await api(dispatch(), 'POST', '/v1/engineers/E-CA-NEAR/absences', { token: bed.token('dispatcher'), body: { start: new Date(Date.now() - 3_600_000).toISOString(), end: new Date(Date.now() + 3 * 86_400_000).toISOString(), reason: 'training' } });
    expect(absent.status).toBe(200);
    const wo = await workOrder(await request('pl-cal'));
    expect(wo.engineerId).toBe('E-CA-FAR');
    expect((await candidates(wo.id)).ineligible.find((x) => x.engineerId === 'E-CA-NEAR')?.ineligibility?.code).toBe('absent');

    // Now the farther one falls ill: nobody else is free, so the job waits for the dispatcher and the answer says so.
    const ill = await api(dispatch(), 'POST', '/v1/engineers/E-CA-FAR/absences', { token: bed.token('dispatcher'), body: { start: new Date().toISOString(), end: new Date(Date.now() + 86_400_000).toISOString(), reason: 'ill' } });
    expect(ill.body).toEqual({ moved: [{ workOrderId: wo.id, to: null, plannedStart: null }], kept: [] });
    const waiting = await workOrder(wo.id.replace(/^WO-(.*)-\d+$/, '$1'), (w) => w.status === 'proposed');
    expect(waiting.planningNote).toMatch(/no eligible engineer/);
    const bad = await api(dispatch(), 'POST', '/v1/engineers/E-CA-FAR/absences', { token: bed.token('dispatcher'), body: { start: new Date().toISOString(), end: new Date(Date.now() - 1).toISOString(), reason: 'x' } });
    expect(bad.status).toBe(422);
    expect(bad.body.error?.field).toBe('end');
  });

  it('an overrun re-plans the engineer\'s next job that it runs into, and says what moved', async () => {
    await engineer('E-OV-1', 'pl-over', 4, east(15));
    await engineer('E-OV-2', 'pl-over', 4, east(15));
    const first = await workOrder(await request('pl-over'));
    expect(first.engineerId).toBe('E-OV-1');
    const plannedEnd = new Date((first as unknown as { plannedEnd: string }).plannedEnd);
    const second = await workOrder(await request('pl-over', { tier: 'P3' }), (w) => w.planningNote !== null);
    const laterStart = new Date(plannedEnd.getTime() + 60 * 60_000);
    const assigned = await api(dispatch(), 'POST', `/v1/work-orders/${second.id}/assignment`, { token: bed.token('dispatcher'), body: { engineerId: 'E-OV-1', start: laterStart.toISOString() } });
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);

    const own = await tokenFor('engineer', 'E-OV-1');
    const stepOn = (path: string) => api(dispatch(), 'POST', `/v1/work-orders/${first.id}/${path}`, { token: own, body: {} });
    const notUnderWay = await api(dispatch(), 'POST', `/v1/work-orders/${first.id}/overrun`, { token: own, body: { until: laterStart.toISOString() } });
    expect([notUnderWay.status, notUnderWay.body.error?.field]).toEqual([409, 'status']);
    expect((await stepOn('acceptance')).status).toBe(200);
    expect((await stepOn('travel-start')).status).toBe(200);
    const tooEarly = await api(dispatch(), 'POST', `/v1/work-orders/${first.id}/overrun`, { token: own, body: { until: new Date(plannedEnd.getTime() - 60_000).toISOString() } });
    expect([tooEarly.status, tooEarly.body.error?.field]).toEqual([422, 'until']);

    const overrun = await api(dispatch(), 'POST', `/v1/work-orders/${first.id}/overrun`, { token: own, body: { until: new Date(laterStart.getTime() + 30 * 60_000).toISOString() } });
    expect(overrun.status, JSON.stringify(overrun.body)).toBe(200);
    expect(overrun.body).toMatchObject({ moved: [{ workOrderId: second.id, to: 'E-OV-2' }], kept: [] });
    const schedule = await api(dispatch(), 'GET', '/v1/engineers/E-OV-1/schedule', { token: bed.token('dispatcher') });
    expect((schedule.body.bookings as { workOrderId: string }[]).map((b) => b.workOrderId)).toEqual([first.id]);
  });

  it('a P3 is proposed, not assigned; the dispatcher assigns it, and bad input names the field', async () => {
    await engineer('E-P3', 'pl-p3', 3, east(12));
    await engineer('E-P3-OTHER', 'pl-other', 5, east(12));
    const wo = await workOrder(await request('pl-p3', { tier: 'P3' }), (w) => w.planningNote !== null);
    expect(wo).toMatchObject({ status: 'proposed', engineerId: null, planningNote: 'tier P3 is proposed to the dispatcher, not auto-assigned' });
    const assign = (body: unknown) => api(dispatch(), 'POST', `/v1/work-orders/${wo.id}/assignment`, { token: bed.token('dispatcher'), body });
    const past = await assign({ engineerId: 'E-P3', start: new Date(Date.now() - 3_600_000).toISOString() });
    expect([past.status, past.body.error?.field]).toEqual([422, 'start']);
    const noSkill = await assign({ engineerId: 'E-P3-OTHER' });
    expect([noSkill.status, noSkill.body.error?.field]).toEqual([422, 'engineerId']);
    expect(noSkill.body.error?.message).toMatch(/no pl-p3\/repair skill/);
    // A 24x7 engineer works around the clock: a start five days out is beyond the planning window, not outside working time.
    const later = await assign({ engineerId: 'E-P3', start: new Date(Date.now() + 5 * 86_400_000).toISOString() });
    expect([later.status, later.body.error?.field]).toEqual([422, 'start']);
    expect(later.body.error?.message).toMatch(/after the planning window, which closes .* \(the next two working days\)/);
    const unknown = await assign({ engineerId: 'E-NOBODY' });
    expect([unknown.status, unknown.body.error?.field]).toEqual([404, 'engineerId']);
    const start = new Date(Date.now() + 5 * 3_600_000);
    const ok = await assign({ engineerId: 'E-P3', start: start.toISOString() });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toMatchObject({ status: 'assigned', engineerId: 'E-P3', plannedStart: start.toISOString() });
    // A second work order at the same time clashes with that booking: 409 naming start.
    const other = await workOrder(await request('pl-p3', { tier: 'P3' }), (w) => w.planningNote !== null);
    const clash = await api(dispatch(), 'POST', `/v1/work-orders/${other.id}/assignment`, { token: bed.token('dispatcher'), body: { engineerId: 'E-P3', start: new Date(start.getTime() + 30 * 60_000).toISOString() } });
    expect([clash.status, clash.body.error?.field]).toEqual([409, 'start']);
  });

  it('an 8D containment flag on the model tells the engineer what to do and carry, and ranks the van that has the part higher', async () => {
    await engineer('E-CO-VAN', 'pl-cont', 4, east(20), { vanStock: ['P-SEAL-9'] });
    await engineer('E-CO-BARE', 'pl-cont', 4, east(20));
    await publish('eight-d.containment-flagged@1', '8D-T1', { eightDId: '8D-T1', flagId: 'FLAG-T1', discipline: 'D3', scope: { productLine: 'pl-cont', model: 'M-CONT' }, instruction: 'Replace the head seal and log its batch', carryParts: ['P-SEAL-9'], flaggedAt: new Date().toISOString() });
    await eventually('the flag to be kept', async () => {
      // Registering only after the flag is stored keeps the test independent of the two topics' relative order.
      const probe = await request('pl-cont', { model: 'M-CONT', tier: 'P3' });
      const w = await workOrder(probe, (x) => x.planningNote !== null);
      return w.partsToCarry.length > 0 ? w : undefined;
    }, { timeoutMs: 60_000, intervalMs: 2_000 });
    const wo = await workOrder(await request('pl-cont', { model: 'M-CONT' }));
    expect(wo.engineerId).toBe('E-CO-VAN');
    expect(wo.containment.map((m) => m.instruction)).toEqual(['Replace the head seal and log its batch']);
    expect(wo.partsToCarry).toEqual(['P-SEAL-9']);
    const other = await workOrder(await request('pl-cont', { model: 'M-OTHER' }));
    expect(other.partsToCarry).toEqual([]);
  });

  it('depot route: the queue puts a rush job first and says why; a bench never holds more jobs than its WIP limit', async () => {
    const depot = await api(dispatch(), 'PUT', '/v1/depots/DEP-T', { token: bed.token('dispatcher'), body: { name: 'Test depot', city: 'Shanghai', lat: 31.1, lon: 121.5, benches: [{ benchId: 'B1', wipLimit: 1 }] } });
    expect(depot.status).toBe(200);
    const orders: WorkOrderView[] = [];
    for (let i = 0; i < 3; i++) orders.push(await workOrder(await request('pl-depot', { tier: 'P3' }), (w) => w.planningNote !== null));
    for (const [i, o] of orders.entries()) {
      const routed = await api(dispatch(), 'POST', `/v1/work-orders/${o.id}/route`, { token: bed.token('dispatcher'), body: { route: 'depot', depotId: 'DEP-T', rush: i === 2, reason: 'needs the test bench' } });
      expect(routed.status, JSON.stringify(routed.body)).toBe(200);
    }
    const queue = await api(dispatch(), 'GET', '/v1/depot-queue?depotId=DEP-T', { token: bed.token('depot') });
    const items = queue.body.items as { workOrderId: string; position: number; why: string; nextBench: string | null }[];
    expect(items.map((e) => e.workOrderId)).toEqual([orders[2]!.id, orders[0]!.id, orders[1]!.id]);
    expect(items[0]!.why).toMatch(/rush by dispatcher/);
    expect(items.map((e) => e.nextBench)).toEqual(['B1', null, null]);

    const start = (id: string) => api(dispatch(), 'POST', `/v1/work-orders/${id}/work-start`, { token: bed.token('depot'), body: { benchId: 'B1' } });
    const [a, b] = await Promise.all([start(orders[2]!.id), start(orders[0]!.id)]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect((a.status === 409 ? a : b).body.error?.field).toBe('benchId');
    const noBench = await api(dispatch(), 'POST', `/v1/work-orders/${orders[1]!.id}/work-start`, { token: bed.token('depot'), body: {} });
    expect([noBench.status, noBench.body.error?.field]).toEqual([422, 'benchId']);
  });

  it('refuses what the fuzzer found, naming the field: ids outside the identifier rule, a bench named twice, a depot on another route, an undeclared method', async () => {
    const depot = { name: 'Fuzz depot', city: 'Shanghai', lat: 31.1, lon: 121.5, benches: [{ benchId: 'B1', wipLimit: 1 }] };
    const put = (path: string, body: unknown) => api(dispatch(), 'PUT', path, { token: bed.token('dispatcher'), body });
    const cases: [Promise<{ status: number; body: { error?: { field?: string } } }>, number, string][] = [
      [put('/v1/depots/DEP%01X', depot), 400, 'id'],
      [put('/v1/depots/DEP-%F0%9F%98%80', depot), 400, 'id'],
      [put('/v1/depots/DEP-FUZZ', { ...depot, benches: [{ benchId: 'B1', wipLimit: 1 }, { benchId: 'B2', wipLimit: 1 }, { benchId: 'B1', wipLimit: 2 }] }), 400, 'benches.2.benchId'],
      [put('/v1/depots/DEP-FUZZ', { ...depot, benches: [{ benchId: 'B\u0000', wipLimit: 1 }] }), 400, 'benches.0.benchId'],
      [put('/v1/engineers/E-FUZZ', { name: 'x', skills: [{ productLine: 'p\u0001', skill: 'repair', level: 1 }], territories: [], homeBase: { city: 'x', lat: 0, lon: 0 } }), 400, 'skills.0.productLine'],
      [put('/v1/engineers/E-FUZZ', { name: 'x', skills: [{ productLine: 'p', skill: 'repair', level: 1 }], territories: [], homeBase: { city: 'x', lat: 0, lon: 0 }, calendarId: 'constructor' }), 422, 'calendarId'], // a well-formed id of no calendar (calendars are managed data now)
      [api(dispatch(), 'GET', '/v1/depot-queue?depotId=DEP%20T', { token: bed.token('depot') }), 400, 'depotId'],
    ];
    for (const [response, status, field] of cases) {
      const r = await response;
      expect([r.status, r.body.error?.field], JSON.stringify(r.body)).toEqual([status, field]);
    }
    const wo = await workOrder(await request('pl-depot', { tier: 'P3' }), (w) => w.planningNote !== null);
    const junkDepot = await api(dispatch(), 'POST', `/v1/work-orders/${wo.id}/route`, { token: bed.token('dispatcher'), body: { route: 'remote', depotId: 'DEP-T' } });
    expect([junkDepot.status, junkDepot.body.error?.field]).toEqual([400, 'depotId']);
    const badId = await api(dispatch(), 'POST', '/v1/work-orders/WO%01/route', { token: bed.token('dispatcher'), body: { route: 'remote' } });
    expect([badId.status, badId.body.error?.field]).toEqual([400, 'id']);
    const undeclared = await api(dispatch(), 'DELETE', '/v1/depots/DEP-T', { token: bed.token('dispatcher') });
    expect([undeclared.status, undeclared.headers.get('allow')]).toEqual([405, 'PUT']);
    expect((await api(dispatch(), 'GET', '/v1/depots', { token: bed.token('dispatcher') })).body.items).not.toContainEqual(expect.objectContaining({ id: 'DEP-FUZZ' }));
  });

  it('12 concurrent assignments over HTTP at one engineer, 4 per start time: exactly one per start wins, the rest get 409', async () => {
    await engineer('E-RACE', 'pl-race', 4, east(10));
    const ids = await Promise.all(Array.from({ length: 12 }, () => request('pl-race', { tier: 'P3' })));
    const orders = await Promise.all(ids.map((id) => workOrder(id, (w) => w.planningNote !== null)));
    const base = Math.ceil((Date.now() + 2 * 3_600_000) / 900_000) * 900_000;
    // Starts 4 h apart: travel (about 17 min) plus 2 h of work never reaches the next one.
    const starts = [0, 1, 2].map((k) => new Date(base + k * 4 * 3_600_000).toISOString());
    const results = await Promise.all(
      orders.map((o, i) => api(dispatch(), 'POST', `/v1/work-orders/${o.id}/assignment`, { token: bed.token('dispatcher'), body: { engineerId: 'E-RACE', start: starts[i % 3] } })),
    );
    const won = results.map((r, i) => ({ r, start: starts[i % 3] })).filter(({ r }) => r.status === 200);
    expect(won.map((w) => w.start).sort()).toEqual([...starts].sort());
    for (const r of results.filter((x) => x.status !== 200)) expect([r.status, r.body.error?.field]).toEqual([409, 'start']);
    const schedule = await api(dispatch(), 'GET', `/v1/engineers/E-RACE/schedule?to=${encodeURIComponent(new Date(base + 12 * 3_600_000).toISOString())}`, { token: bed.token('dispatcher') });
    const booked = schedule.body.bookings as { start: string; departAt: string; end: string }[];
    expect(booked.map((b) => b.start).sort()).toEqual([...starts].sort());
    for (let i = 1; i < booked.length; i++) expect(Date.parse(booked[i]!.departAt)).toBeGreaterThanOrEqual(Date.parse(booked[i - 1]!.end));
  });

  it('documents the endpoints the issue asks for in /openapi.json', async () => {
    const doc = await api(dispatch(), 'GET', '/openapi.json');
    const paths = doc.body.paths as Record<string, Record<string, unknown>>;
    for (const [path, method] of [
      ['/v1/engineers', 'get'], ['/v1/engineers/{id}/schedule', 'get'], ['/v1/engineers/{id}/absences', 'post'], ['/v1/work-orders/{id}/candidates', 'get'],
      ['/v1/work-orders/{id}/assignment', 'post'], ['/v1/work-orders/{id}/acceptance', 'post'], ['/v1/work-orders/{id}/decline', 'post'], ['/v1/work-orders/{id}/travel-start', 'post'],
      ['/v1/work-orders/{id}/arrival', 'post'], ['/v1/work-orders/{id}/work-start', 'post'], ['/v1/work-orders/{id}/work-finish', 'post'], ['/v1/work-orders/{id}/report', 'post'],
      ['/v1/work-orders/{id}/route', 'post'], ['/v1/work-orders/{id}/overrun', 'post'], ['/v1/depot-queue', 'get'],
    ] as const) expect(paths[path]?.[method], `${method} ${path}`).toBeDefined();
  });
});
