import { describe, expect, it } from 'vitest';
import { registerRequest, requestStep } from './support/requests';
import { api } from './support/services';
import { useTestBed } from './support/testbed';
import { eventually } from './support/wait';

interface LiveState {
  status: string;
  quote?: { id: string; status: string } | null;
  quoteOverride?: { by: string; reason: string; at: string } | null;
  history: { event: string; by?: string; note?: string }[];
}

/**
 * Paid work waits for a quote, through intake, dispatch and spares as separate processes on the
 * real servers: a request for SN-0002 (its warranty ended ten months ago, so the entitlement says
 * quoteRequired) is screened but not dispatched while its quote is unanswered; spares' accepted
 * quote reaches the workflow through intake's consumer and only then does dispatch get a work
 * order. A second request goes ahead on a manager's recorded override instead.
 */
describe('paid work waits for an accepted quote', () => {
  const demo = { SEED_DEMO_DATA: 'true' };
  const bed = useTestBed('paid-work', { intake: demo, dispatch: demo, spares: demo });
  const get = (service: 'intake' | 'dispatch' | 'spares', path: string, role: Parameters<typeof bed.token>[0]) => api(bed.service(service), 'GET', path, { token: bed.token(role) });
  const post = (service: 'intake' | 'dispatch' | 'spares', path: string, role: Parameters<typeof bed.token>[0], body: unknown = {}) => api(bed.service(service), 'POST', path, { token: bed.token(role), body });
  const workOrders = async (id: string) => ((await get('dispatch', `/v1/work-orders?requestId=${id}`, 'dispatcher')).body.items as { id: string }[] | undefined) ?? [];
  const state = async (id: string) => ((await get('intake', `/v1/service-requests/${id}`, 'agent')).body.workflow as { state?: LiveState } | null)?.state;
  const stateWhen = (id: string, what: string, ready: (s: LiveState) => boolean) =>
    eventually(what, async () => {
      const s = await state(id);
      return s && ready(s) ? s : undefined;
    });

  /** Registered for the machine out of warranty and screened: it waits for the quote. */
  async function screenedPaidWork(): Promise<string> {
    const registered = await registerRequest(bed, { customerId: 'CUST-0002', serialNumber: 'SN-0002', contact: { name: 'Wang Fang', phone: '+86 21 5555 0202' } });
    expect(registered).toMatchObject({ entitlement: { source: { kind: 'none' }, quoteRequired: true } });
    const screened = await requestStep(bed, registered.id, 'screening', { outcome: 'valid', faultCategory: 'mechanical', severity: 'critical' });
    expect(screened.status, JSON.stringify(screened.body)).toBe(200);
    expect(screened.body.status).toBe('awaiting-quote');
    return registered.id;
  }

  it('is not dispatched while its quote is out, and is once spares reports the quote accepted', async () => {
    const id = await screenedPaidWork();
    // Spares knows the case from intake's event; the agent prices the paid work.
    const quote = await eventually('the quote, once spares knows the case', async () => {
      const r = await post('spares', '/v1/quotes', 'agent', { requestId: id, parts: [{ partNumber: 'P-NOZZLE-15', quantity: 1 }], labourHours: 1, trips: 1 });
      return r.status === 201 ? (r.body as { id: string }) : undefined;
    });
    await stateWhen(id, 'the quote issued at intake', (s) => s.quote?.status === 'issued');
    // The screened event and the quote have both been through Kafka and dispatch: still no work order.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await workOrders(id)).toEqual([]);
    expect((await state(id))?.status).toBe('awaiting-quote');

    const accepted = await post('spares', `/v1/quotes/${quote.id}/answer`, 'agent', { accepted: true });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    const after = await stateWhen(id, 'the request released to dispatch', (s) => s.quote?.status === 'accepted' && s.status !== 'awaiting-quote');
    expect(['awaiting-dispatch', 'dispatched']).toContain(after.status);
    const [workOrder] = await eventually('a work order for the request', async () => ((await workOrders(id)).length === 1 ? workOrders(id) : undefined));
    // Spares reserves for it now that the quote is accepted.
    await eventually('spares to know the work order', async () => ((await get('spares', `/v1/work-orders/${workOrder!.id}`, 'spares')).status === 200 ? true : undefined));
    const reserved = await post('spares', '/v1/reservations', 'dispatcher', { workOrderId: workOrder!.id, lines: [{ partNumber: 'P-NOZZLE-15', quantity: 1 }] });
    expect(reserved.status, JSON.stringify(reserved.body)).toBe(201);
  });

  it('goes ahead on a manager\u2019s override with who and why; nobody else may override', async () => {
    const id = await screenedPaidWork();
    const refused = await requestStep(bed, id, 'quote-override', { reason: 'customer is in a hurry' }, 'agent');
    expect([refused.status, refused.body.error?.field]).toEqual([403, 'authorization']);
    const short = await requestStep(bed, id, 'quote-override', { reason: '' }, 'manager');
    expect([short.status, short.body.error?.field]).toEqual([400, 'reason']);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await workOrders(id)).toEqual([]);

    const overridden = await requestStep(bed, id, 'quote-override', { reason: 'production line down; quote follows by e-mail' }, 'manager');
    expect(overridden.status, JSON.stringify(overridden.body)).toBe(200);
    expect(overridden.body).toMatchObject({ status: 'awaiting-dispatch', quoteOverride: { reason: 'production line down; quote follows by e-mail' } });
    expect((overridden.body as unknown as LiveState).quoteOverride!.by).toBeTruthy();
    await eventually('a work order for the overridden request', async () => ((await workOrders(id)).length === 1 ? true : undefined));
    const again = await requestStep(bed, id, 'quote-override', { reason: 'once more' }, 'manager');
    expect([again.status, again.body.error?.field]).toEqual([409, 'status']);
  });
});
