import { describe, expect, it } from 'vitest';
import { validateEvent } from '@aftersales/contracts';
import { registrationBody } from './support/demo';
import { readTopic } from './support/kafka';
import { api, tokenFor } from './support/services';
import { useTestBed } from './support/testbed';
import { eventually } from './support/wait';

interface WorkOrderView {
  id: string;
  status: string;
  engineerId: string | null;
  plannedStart: string | null;
  bookingId: string | null;
  route: string;
}

/**
 * A request registered at intake becomes a work order at dispatch, is auto-assigned to the engineer a
 * dispatcher would pick, goes through every step over dispatch's HTTP API, and the request's
 * workflow at intake follows: dispatched, on-site, resolved. Both services run as real processes
 * on the real servers, with the demo data (CUST-0001 / SN-0001 in Songjiang, Shanghai).
 */
describe('dispatch: from a registered request to the engineer report', () => {
  const bed = useTestBed('dispatch-wo', { intake: { SEED_DEMO_DATA: 'true' }, dispatch: { SEED_DEMO_DATA: 'true' } });
  const intake = () => bed.service('intake');
  const dispatch = () => bed.service('dispatch');

  async function screenedRequest(): Promise<string> {
    const created = await api(intake(), 'POST', '/v1/service-requests', { token: bed.token('agent'), body: registrationBody() });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    bed.started.push(id);
    await eventually(`${id}'s workflow`, async () => {
      const read = await api(intake(), 'GET', `/v1/service-requests/${id}`, { token: bed.token('agent') });
      return (read.body.workflow as { available?: boolean } | null)?.available ? true : undefined;
    });
    const screened = await api(intake(), 'POST', `/v1/service-requests/${id}/screening`, { token: bed.token('agent'), body: { outcome: 'valid', faultCategory: 'optical', severity: 'critical' } });
    expect(screened.status, JSON.stringify(screened.body)).toBe(200);
    expect(screened.body.tier).toBe('P1');
    return id;
  }

  async function workOrderOf(requestId: string, status: string): Promise<WorkOrderView> {
    return eventually(`the work order of ${requestId} ${status}`, async () => {
      const list = await api(dispatch(), 'GET', `/v1/work-orders?requestId=${requestId}`, { token: bed.token('dispatcher') });
      return (list.body.items as WorkOrderView[] | undefined)?.find((w) => w.status === status);
    });
  }

  async function intakeStatus(requestId: string, status: string): Promise<Record<string, unknown>> {
    return eventually(`request ${requestId} ${status} at intake`, async () => {
      const read = await api(intake(), 'GET', `/v1/service-requests/${requestId}`, { token: bed.token('agent') });
      const state = (read.body.workflow as { state?: Record<string, unknown> } | null)?.state;
      return state?.status === status ? state : undefined;
    });
  }

  /** A step as the engineer the work order is assigned to (engineers act only on their own work orders). */
  const step = async (wo: WorkOrderView, path: string, body: unknown = {}) =>
    api(dispatch(), 'POST', `/v1/work-orders/${wo.id}/${path}`, { token: await tokenFor('engineer', wo.engineerId ?? 'nobody'), body });

  it('auto-assigns the P1 to the Shanghai on-call engineer, walks every step, and intake follows to resolved', async () => {
    const requestId = await screenedRequest();
    const wo = await workOrderOf(requestId, 'assigned');
    expect(wo).toMatchObject({ engineerId: 'ENG-SH-01', route: 'field-visit' });

    // The dispatcher's view says why: ranked, each score with its parts.
    const candidates = await api(dispatch(), 'GET', `/v1/work-orders/${wo.id}/candidates`, { token: bed.token('dispatcher') });
    expect(candidates.status).toBe(200);
    const ineligible = candidates.body.ineligible as { engineerId: string; ineligibility: { code: string } }[];
    expect(ineligible.find((c) => c.engineerId === 'ENG-HB-03')?.ineligibility.code).toBe('missing-skill');
    // Once assigned, the engineer's own booking is part of the picture: the next slot moves behind it,
    // and may no longer reach the site by the due instant.
    const ranked = candidates.body.ranked as { engineerId: string; parts: { key: string; explanation: string }[] }[];
    for (const c of ranked) expect(c.parts.map((p) => p.key)).toEqual(['skill', 'territory', 'travel', 'slot', 'load', 'fairness', 'parts']);
    const sh = ranked.find((c) => c.engineerId === 'ENG-SH-01');
    if (sh) expect(sh.parts.find((p) => p.key === 'load')?.explanation).toBe('1 open job');
    else expect(ineligible.find((c) => c.engineerId === 'ENG-SH-01')?.ineligibility.code).toBe('no-slot-before-due');

    const dispatched = await intakeStatus(requestId, 'dispatched');
    expect(dispatched.workOrder).toMatchObject({ id: wo.id, engineerId: 'ENG-SH-01' });

    // The engineer's schedule shows the booking inside the next two working days.
    const schedule = await api(dispatch(), 'GET', '/v1/engineers/ENG-SH-01/schedule', { token: bed.token('engineer') });
    expect(schedule.status).toBe(200);
    expect((schedule.body.bookings as { workOrderId: string; state: string }[]).find((b) => b.workOrderId === wo.id)).toMatchObject({ state: 'confirmed' });

    const stranger = await api(dispatch(), 'POST', `/v1/work-orders/${wo.id}/acceptance`, { token: await tokenFor('engineer', 'ENG-SZ-02'), body: {} });
    expect(stranger.status).toBe(403);
    expect(stranger.body.error).toMatchObject({ field: 'engineerId' });
    const early = await step(wo, 'arrival');
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'transition_refused', field: 'status' });
    expect(early.body.error?.message).toMatch(/while the work order is assigned/);

    expect((await step(wo, 'acceptance')).body).toMatchObject({ status: 'accepted' });
    expect((await step(wo, 'travel-start')).body).toMatchObject({ status: 'travelling' });
    expect((await step(wo, 'arrival')).body).toMatchObject({ status: 'on-site' });
    await intakeStatus(requestId, 'on-site');
    const startedAt = new Date(Date.now() - 1_000).toISOString();
    expect((await step(wo, 'work-start')).body).toMatchObject({ status: 'working' });
    expect((await step(wo, 'work-finish')).body).toMatchObject({ status: 'work-finished' });

    const badReport = await step(wo, 'report', { startedAt, finishedAt: startedAt, effortMinutes: 40, cause: 'c', fix: 'f', workDone: 'w', partsUsed: [], firstTimeFix: true });
    expect(badReport.status).toBe(422);
    expect(badReport.body.error?.field).toBe('finishedAt');
    const report = {
      startedAt,
      finishedAt: new Date().toISOString(),
      effortMinutes: 45,
      cause: 'Nozzle off centre after change',
      fix: 'Centred the nozzle, replaced it',
      workDone: 'Ran the centring routine, fitted a new nozzle, test cut clean',
      partsUsed: [{ partNumber: 'P-NOZZLE-15', quantity: 1 }],
      firstTimeFix: true,
      travelMinutes: 33,
      customerSignOff: { name: 'Li Wei', at: new Date().toISOString() },
    };
    const completed = await step(wo, 'report', report);
    expect(completed.status, JSON.stringify(completed.body)).toBe(200);
    expect(completed.body).toMatchObject({ status: 'completed', report: { effortMinutes: 45, firstTimeFix: true, customerSignOff: { name: 'Li Wei' } } });

    const resolved = await intakeStatus(requestId, 'resolved');
    expect(resolved.resolution).toMatchObject({ cause: 'Nozzle off centre after change', firstTimeFix: true });

    // Every step went out once through the outbox, valid against its contract, in order.
    const messages = await readTopic(bed.stack.kafkaBrokers, `${bed.ns}.dispatch.work-orders.v1`, { atLeast: 8 });
    const mine = messages.map((m) => JSON.parse(m.value) as { type: string; subject: string }).filter((e) => e.subject === wo.id);
    for (const e of mine) expect(validateEvent(e)).toMatchObject({ ok: true });
    expect(mine.map((e) => e.type)).toEqual([
      'work-order.created', 'work-order.assigned', 'work-order.accepted', 'work-order.travel-started', 'work-order.arrived',
      'work-order.work-started', 'work-order.work-finished', 'work-order.completed',
    ]);
  });

  it('refuses a second assignment (409 status), re-plans a decline away from the decliner, and cancels with the request', async () => {
    const requestId = await screenedRequest();
    const wo = await workOrderOf(requestId, 'assigned');
    const again = await api(dispatch(), 'POST', `/v1/work-orders/${wo.id}/assignment`, { token: bed.token('dispatcher'), body: { engineerId: 'ENG-SZ-02' } });
    expect(again.status).toBe(409);
    expect(again.body.error?.field).toBe('status');

    // Declined by the engineer: re-planned at once, never back to the one who declined. Which of the two
    // fiber-laser engineers had it, and whether the other is free (one works business hours), depends on the hour.
    const declined = await step(wo, 'decline', { reason: 'van in the workshop' });
    expect(declined.status).toBe(200);
    expect((declined.body as { excludedEngineers: string[] }).excludedEngineers).toEqual([wo.engineerId]);
    const replanned = declined.body as unknown as WorkOrderView & { planningNote: string | null };
    const other = wo.engineerId === 'ENG-SH-01' ? 'ENG-SZ-02' : 'ENG-SH-01';
    if (replanned.status === 'assigned') expect(replanned.engineerId).toBe(other);
    else expect(replanned).toMatchObject({ status: 'proposed', engineerId: null, planningNote: expect.stringMatching(/no eligible engineer/) });

    const cancelled = await api(intake(), 'POST', `/v1/service-requests/${requestId}/cancellation`, { token: bed.token('agent'), body: { reason: 'customer fixed it' } });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    await workOrderOf(requestId, 'cancelled');
    // Cancelled: no engineer's calendar holds time for it any more.
    for (const engineerId of ['ENG-SH-01', 'ENG-SZ-02']) {
      const schedule = await api(dispatch(), 'GET', `/v1/engineers/${engineerId}/schedule`, { token: bed.token('dispatcher') });
      expect((schedule.body.bookings as { workOrderId: string }[]).some((b) => b.workOrderId === wo.id)).toBe(false);
    }
  });
});
