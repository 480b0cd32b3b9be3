import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { quietMondayAhead, weekInstant } from '@aftersales/platform/testing';
import { businessHoursCalendar, defaultPolicies } from '@aftersales/sla';
import type { ServiceRequestActivities, SyncInput, WorkflowEvent } from './activities';
import { getStateQuery, overrideQuoteUpdate, quoteSignal, screenUpdate, workOrderAssignedSignal, type ServiceRequestInput } from './messages';
import { serviceRequest } from './workflow';

const testServer = inject('stack').temporalTestServerPath;
const day = 86_400_000;

/**
 * Paid work waits for a quote, on the time-skipping server: a request whose entitlement requires
 * a quote is screened into 'awaiting-quote' and asks dispatch for nobody, for days if need be,
 * until spares' accepted quote arrives (as intake's consumer signals it) or a person overrides the
 * wait with a reason. Instants are that test's week on the server's clock (see workflow.int.test.ts).
 */
describe.skipIf(!testServer)('serviceRequest: paid work waits for an accepted quote', () => {
  let env: TestWorkflowEnvironment;
  const synced = new Map<string, SyncInput[]>();
  const activities: ServiceRequestActivities = {
    async recordWorkflowStarted() {},
    async syncServiceRequest(input) {
      synced.set(input.requestId, [...(synced.get(input.requestId) ?? []), input]);
    },
  };
  let seq = 0;
  let monday = 0;
  const w = (spec: string): string => weekInstant(monday, spec);
  const events = (requestId: string): WorkflowEvent[] => (synced.get(requestId) ?? []).flatMap((s) => s.events);
  const dispatchRequests = (requestId: string) => events(requestId).filter((e) => e.key === 'service-request.dispatch-requested@1');

  beforeAll(() => {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  });
  beforeEach(async () => {
    env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: testServer! } } });
    const dated = [...businessHoursCalendar.holidays, ...(businessHoursCalendar.exceptions ?? []).map((e) => e.date)];
    monday = quietMondayAhead(await env.currentTimeMs(), { holidays: dated });
  });
  afterEach(async () => {
    await env?.teardown();
  });

  async function run(quoteRequired: boolean, script: (handle: Awaited<ReturnType<typeof env.client.workflow.start<typeof serviceRequest>>>, requestId: string) => Promise<void>): Promise<void> {
    const requestId = `SR-QUOTE-${++seq}-${Date.now()}`;
    const taskQueue = `sr-${requestId}`;
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath: new URL('../workflows.ts', import.meta.url).pathname, activities });
    const input: ServiceRequestInput = {
      requestId,
      customerId: 'CUST-0002',
      serialNumber: 'SN-0002',
      channel: 'phone',
      registeredAt: w('Mon 00:30'),
      correlationId: requestId,
      sla: { policy: defaultPolicies['warranty-standard']!, calendar: businessHoursCalendar, responseMode: 'on-site', locationClass: 'provincial-capital' },
      ...(quoteRequired ? { quoteRequired: true } : {}),
    };
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(serviceRequest, { taskQueue, workflowId: requestId, args: [input] });
      try {
        await script(handle, requestId);
      } finally {
        await handle.terminate('test finished').catch(() => undefined);
      }
    });
  }

  async function sleepUntil(iso: string): Promise<void> {
    const ms = Date.parse(iso) - (await env.currentTimeMs());
    if (ms > 0) await env.sleep(ms);
  }
  const screen = { outcome: 'valid' as const, faultCategory: 'mechanical', severity: 'major', tier: 'P2' as const, by: 'agent-1' };

  it('is screened into awaiting-quote, dispatches nobody while the quote is out, and goes to dispatch when spares reports it accepted', async () => {
    await run(true, async (handle, requestId) => {
      await sleepUntil(w('Mon 00:35'));
      const screened = await handle.executeUpdate(screenUpdate, { args: [screen] });
      expect(screened.status).toBe('awaiting-quote');
      await handle.signal(quoteSignal, { eventId: 'E-Q1', at: w('Mon 01:00'), quoteId: 'Q-1', outcome: 'issued', totalCents: 45_000, currency: 'EUR' });
      // A work order assigned while the quote is out is not followed: the lifecycle records and ignores it.
      await handle.signal(workOrderAssignedSignal, { eventId: 'E-WO', at: w('Mon 01:30'), workOrderId: 'WO-EARLY', engineerId: 'ENG-1' });
      // Two days pass with the quote out: still waiting, its clocks paused, nothing asked of dispatch.
      await sleepUntil(w('Wed 02:00'));
      let view = await handle.query(getStateQuery);
      expect(view).toMatchObject({ status: 'awaiting-quote', waitingOnCustomer: true, workOrder: null, quote: { id: 'Q-1', status: 'issued' } });
      expect(view.history.map((h) => h.event)).toEqual(expect.arrayContaining(['awaiting-quote', 'quote-issued', 'ignored-workOrderAssigned']));
      expect(dispatchRequests(requestId)).toEqual([]);

      await handle.signal(quoteSignal, { eventId: 'E-Q2', at: w('Wed 02:00'), quoteId: 'Q-1', outcome: 'accepted', by: 'customer-li' });
      view = await handle.query(getStateQuery);
      expect(view).toMatchObject({ status: 'awaiting-dispatch', waitingOnCustomer: false, quote: { status: 'accepted' } });
      const now = await env.currentTimeMs();
      await handle.signal(quoteSignal, { eventId: 'E-Q2', at: w('Wed 02:00'), quoteId: 'Q-1', outcome: 'accepted', by: 'customer-li' });
      // Flushed by the next workflow task: one dispatch request, saying paid work rests on the accepted quote.
      await sleepUntil(new Date(now + 1000).toISOString());
      const [requested, ...more] = dispatchRequests(requestId);
      expect(more).toEqual([]);
      expect(requested!.data).toMatchObject({ tier: 'P2', paidWork: { basis: 'quote-accepted', quoteId: 'Q-1' } });
      expect(Math.abs(Date.parse(String((requested!.data.paidWork as { acceptedAt: string }).acceptedAt)) - now)).toBeLessThan(60_000);
    });
  });

  it('goes ahead on an override that says who and why; a second override, or one with no reason, is refused', async () => {
    await run(true, async (handle, requestId) => {
      await sleepUntil(w('Mon 00:35'));
      await handle.executeUpdate(screenUpdate, { args: [screen] });
      await sleepUntil(w('Mon 03:00'));
      await expect(handle.executeUpdate(overrideQuoteUpdate, { args: [{ by: 'mgr-1', reason: '  ' }] })).rejects.toThrow();
      expect((await handle.query(getStateQuery)).status).toBe('awaiting-quote');
      const overridden = await handle.executeUpdate(overrideQuoteUpdate, { args: [{ by: 'mgr-1', reason: 'line down at a key account; quote follows' }] });
      expect(overridden).toMatchObject({ status: 'awaiting-dispatch', quoteOverride: { by: 'mgr-1', reason: 'line down at a key account; quote follows' } });
      expect(Math.abs(Date.parse(overridden.quoteOverride!.at) - Date.parse(w('Mon 03:00')))).toBeLessThan(60_000);
      expect(overridden.history.find((h) => h.event === 'quote-overridden')).toMatchObject({ by: 'mgr-1', note: 'line down at a key account; quote follows' });
      await expect(handle.executeUpdate(overrideQuoteUpdate, { args: [{ by: 'mgr-2', reason: 'again' }] })).rejects.toMatchObject({ cause: { message: expect.stringMatching(/quoteOverride is not allowed while the request is awaiting-dispatch/) } });
      // A quote accepted later changes nothing about dispatch: it was asked once, on the override.
      await handle.signal(quoteSignal, { eventId: 'E-Q3', at: w('Mon 04:00'), quoteId: 'Q-2', outcome: 'accepted', by: 'customer-li' });
      await sleepUntil(w('Mon 04:30'));
      const requested = dispatchRequests(requestId);
      expect(requested).toHaveLength(1);
      expect(requested[0]!.data.paidWork).toMatchObject({ basis: 'override', by: 'mgr-1', reason: 'line down at a key account; quote follows' });
    });
  });

  it('an override before screening lets screening dispatch at once, and cannot be given twice', async () => {
    await run(true, async (handle, requestId) => {
      await sleepUntil(w('Mon 00:35'));
      expect((await handle.executeUpdate(overrideQuoteUpdate, { args: [{ by: 'mgr-1', reason: 'warranty dispute settled by phone' }] })).status).toBe('registered');
      await expect(handle.executeUpdate(overrideQuoteUpdate, { args: [{ by: 'mgr-2', reason: 'again' }] })).rejects.toMatchObject({ cause: { message: expect.stringMatching(/already overridden by mgr-1/) } });
      expect((await handle.executeUpdate(screenUpdate, { args: [screen] })).status).toBe('awaiting-dispatch');
      await sleepUntil(w('Mon 01:00'));
      expect(dispatchRequests(requestId).map((e) => (e.data.paidWork as { basis: string }).basis)).toEqual(['override']);
    });
  });

  it('a request that needs no quote is dispatched at screening, and there is nothing to override', async () => {
    await run(false, async (handle, requestId) => {
      await sleepUntil(w('Mon 00:35'));
      expect((await handle.executeUpdate(screenUpdate, { args: [screen] })).status).toBe('awaiting-dispatch');
      await expect(handle.executeUpdate(overrideQuoteUpdate, { args: [{ by: 'mgr-1', reason: 'why not' }] })).rejects.toThrow();
      await sleepUntil(new Date(Date.parse(w('Mon 00:35')) + day / 24).toISOString());
      const requested = dispatchRequests(requestId);
      expect(requested).toHaveLength(1);
      expect(requested[0]!.data.paidWork).toBeUndefined();
    });
  });
});
