import { describe, expect, it } from 'vitest';
import { registerRequest, requestStep } from './support/requests';
import { api, tokenFor } from './support/services';
import { useTestBed } from './support/testbed';
import { eventually } from './support/wait';

interface WorkOrderView {
  id: string;
  status: string;
  engineerId: string | null;
}
interface LiveState {
  status: string;
  workOrder: { id: string; engineerId: string | null; stage?: string } | null;
  history: { event: string }[];
}

/**
 * One in-warranty case through all four services as separate processes on the real servers,
 * nothing but their APIs and Kafka between them: intake registers and screens it, dispatch plans
 * and assigns it (while dispatch was down when the request was screened: the event waits in Kafka),
 * spares reserves the part, the engineer walks the work order, the customer accepts, spares
 * charges who pays and expects the defective part back, its analysis moves the cost where the
 * finding says, and quality records the failure.
 */
describe('a case from first contact to closed, paid and learned from', () => {
  const demo = { SEED_DEMO_DATA: 'true' };
  const bed = useTestBed('journey', { intake: demo, dispatch: demo, spares: demo, quality: demo });
  const token = (role: Parameters<typeof bed.token>[0]) => bed.token(role);
  const get = (service: Parameters<typeof bed.service>[0], path: string, role: Parameters<typeof bed.token>[0]) => api(bed.service(service), 'GET', path, { token: token(role) });
  const post = (service: Parameters<typeof bed.service>[0], path: string, role: Parameters<typeof bed.token>[0], body: unknown = {}) => api(bed.service(service), 'POST', path, { token: token(role), body });

  async function intakeState(id: string, what: string, ready: (s: LiveState) => boolean): Promise<LiveState> {
    return eventually(what, async () => {
      const state = ((await get('intake', `/v1/service-requests/${id}`, 'agent')).body.workflow as { state?: LiveState } | null)?.state;
      return state && ready(state) ? state : undefined;
    });
  }

  it('registered, screened while dispatch is down, assigned once it is back, parts reserved, worked, accepted, charged and recorded', async () => {
    const { id } = await registerRequest(bed);

    // Dispatch dies before the request is screened; the dispatch request waits in Kafka.
    await bed.service('dispatch').kill();
    const screened = await requestStep(bed, id, 'screening', { outcome: 'valid', faultCategory: 'optical', severity: 'critical' });
    expect(screened.status, JSON.stringify(screened.body)).toBe(200);
    expect(screened.body.tier).toBe('P1');
    await bed.service('dispatch').start();

    // P1 is auto-assigned: one work order, assigned once, and intake's workflow follows.
    const workOrder = await eventually('the assigned work order', async () => {
      const items = (await get('dispatch', `/v1/work-orders?requestId=${id}`, 'dispatcher')).body.items as WorkOrderView[] | undefined;
      return items?.length === 1 && items[0]!.status === 'assigned' ? items[0] : undefined;
    });
    await intakeState(id, 'dispatched at intake', (s) => s.status === 'dispatched' && s.workOrder?.id === workOrder.id);

    // Spares knows the work order from dispatch's events and reserves the lens for it.
    await eventually('spares to know the work order', async () => ((await get('spares', `/v1/work-orders/${workOrder.id}`, 'spares')).status === 200 ? true : undefined));
    const reserved = await post('spares', '/v1/reservations', 'dispatcher', { workOrderId: workOrder.id, lines: [{ partNumber: 'P-LENS-B', quantity: 1 }] });
    expect(reserved.status, JSON.stringify(reserved.body)).toBe(201);
    await intakeState(id, 'the reservation at intake', (s) => s.history.some((h) => h.event === 'parts-reserved'));

    // The engineer walks the work order.
    const engineer = await tokenFor('engineer', workOrder.engineerId!);
    const step = (path: string, body: unknown = {}) => api(bed.service('dispatch'), 'POST', `/v1/work-orders/${workOrder.id}/${path}`, { token: engineer, body });
    for (const path of ['acceptance', 'travel-start', 'arrival', 'work-start', 'work-finish']) {
      const r = await step(path);
      expect(r.status, `${path}: ${JSON.stringify(r.body)}`).toBe(200);
    }
    const startedAt = new Date(Date.now() - 60 * 60_000).toISOString();
    const reported = await step('report', {
      startedAt,
      finishedAt: new Date().toISOString(),
      effortMinutes: 60,
      // The words mention misuse; the engineer's decision is a quality failure, and the decision rules.
      cause: 'No sign of misuse; porous weld seam',
      fix: 'Replaced the focus lens',
      workDone: 'Fitted a coated lens, recalibrated focus, test cut clean',
      partsUsed: [{ partNumber: 'P-LENS-B', quantity: 1, removedSerial: 'LENS-OLD-1' }],
      firstTimeFix: true,
      failureMode: 'FM-LENS-BURN',
      failureCategory: 'quality-failure',
      travelMinutes: 30,
      customerSignOff: { name: 'Li Wei', at: new Date().toISOString() },
    });
    expect(reported.status, JSON.stringify(reported.body)).toBe(200);
    await intakeState(id, 'resolved at intake', (s) => s.status === 'resolved');

    const accepted = await requestStep(bed, id, 'acceptance', { accepted: true });
    expect(accepted.body).toMatchObject({ status: 'closed' });

    // Spares: the lens written off, its defective twin expected back, and the case charged under warranty.
    const returns = await eventually('the defective return', async () => {
      const items = (await get('spares', `/v1/returns?workOrderId=${workOrder.id}`, 'spares')).body.items as { partNumber: string; status: string }[] | undefined;
      return items?.length ? items : undefined;
    });
    expect(returns).toEqual([expect.objectContaining({ partNumber: 'P-LENS-B', status: 'awaiting-return' })]);
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const to = new Date(Date.now() + 86_400_000).toISOString();
    const allocation = await eventually('the cost allocation of the closed case', async () => {
      const body = (await get('spares', `/v1/cost-allocation?from=${from}&to=${to}`, 'finance')).body as { entries?: { caseId: string; lineId: string; costCentre: string; amountCents: number }[] };
      const mine = body.entries?.filter((e) => e.caseId === id) ?? [];
      return mine.length > 0 ? mine : undefined;
    });
    // In warranty, decided a quality failure at the report: the factory pays every line.
    expect(new Set(allocation.map((e) => e.costCentre))).toEqual(new Set(['factory']));
    const decision = (await get('spares', `/v1/cases/${id}/failure-decision`, 'finance')).body as { inForce: { category: string; decidedBy: string } | null };
    expect(decision.inForce).toMatchObject({ category: 'quality-failure', decidedBy: workOrder.engineerId });

    // The defective lens comes back; analysis finds wear: what the factory paid for it moves to the
    // sales centre as adjusting entries, and quality learns the finding.
    const [defective] = (await get('spares', `/v1/returns?workOrderId=${workOrder.id}`, 'spares')).body.items as { id: string }[];
    expect((await post('spares', `/v1/returns/${defective!.id}/receipt`, 'spares')).status).toBe(200);
    const analysed = await post('spares', `/v1/returns/${defective!.id}/analysis`, 'quality', { finding: 'wear', failureMode: 'FM-LENS-BURN' });
    expect(analysed.status, JSON.stringify(analysed.body)).toBe(200);
    const after = (await get('spares', `/v1/cost-allocation?caseId=${id}`, 'finance')).body as { entries: { lineId: string; costCentre: string; amountCents: number }[] };
    const net = (centre: string) => after.entries.filter((e) => e.costCentre === centre && e.lineId.includes('P-LENS-B')).reduce((sum, e) => sum + e.amountCents, 0);
    const lensCharged = allocation.filter((e) => e.lineId.includes('P-LENS-B')).reduce((sum, e) => sum + e.amountCents, 0);
    expect(lensCharged).toBeGreaterThan(0);
    expect([net('factory'), net('sales-centre')]).toEqual([0, lensCharged]);

    // Quality: the failure is on record, with the machine's model and the engineer's failure mode.
    const record = await eventually('the failure record', async () => {
      const items = (await get('quality', '/v1/failure-records?model=FL-3015', 'quality')).body.items as { requestId: string; failureMode: string; model: string }[] | undefined;
      return items?.find((r) => r.requestId === id);
    });
    expect(record).toMatchObject({ model: 'FL-3015', failureMode: 'FM-LENS-BURN', failureDecision: { category: 'quality-failure', by: 'engineer', decidedBy: workOrder.engineerId } });

    // Dispatch assigned it exactly once, across its restart.
    const all = (await get('dispatch', `/v1/work-orders?requestId=${id}`, 'dispatcher')).body.items as WorkOrderView[];
    expect(all).toHaveLength(1);
    const state = await intakeState(id, 'closed at intake', (s) => s.status === 'closed');
    expect(state.history.filter((h) => h.event === 'dispatched')).toHaveLength(1);
  });
});
