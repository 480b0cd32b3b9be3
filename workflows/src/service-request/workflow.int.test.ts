import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { eventually, quietMondayAhead, weekDate, weekInstant } from '@aftersales/platform/testing';
import { alwaysOpenCalendar, businessHoursCalendar, defaultPolicies, type PriorityTier, type ServiceCalendar } from '@aftersales/sla';
import type { ServiceRequestActivities, SyncInput, WorkflowEvent } from './activities';
import {
  acceptanceUpdate,
  engineerArrivedSignal,
  getStateQuery,
  partsSignal,
  quoteSignal,
  reopenUpdate,
  resolveUpdate,
  resumeUpdate,
  routeChosenSignal,
  screenUpdate,
  surveyUpdate,
  waitOnCustomerUpdate,
  workOrderAssignedSignal,
  workOrderStepSignal,
  type ServiceRequestInput,
  type ServiceRequestView,
} from './messages';
import { serviceRequest } from './workflow';

const testServer = inject('stack').temporalTestServerPath;
const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

/**
 * The serviceRequest workflow on the time-skipping test server: days pass in milliseconds on a
 * real Temporal server, so warnings, breaches and escalation steps are checked at their instants.
 * Each test's week is the first holiday-free fortnight starting on a Monday at least a day after
 * the server's clock, so registration lies ahead and business hours are known exactly; the test
 * sleeps up to its instants. Instants are written as that week's day and UTC time: `w('Mon 00:30')`
 * is Monday 08:30 in Asia/Shanghai (UTC+8), whose business hours are Mon-Fri 08:30-12:00 and 13:00-17:30.
 */
describe.skipIf(!testServer)('serviceRequest workflow on the time-skipping server', () => {
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

  beforeAll(() => {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  });
  // A server per test: the test server's clock only moves forward, and each test starts on its own Monday.
  beforeEach(async () => {
    env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: testServer! } } });
    // A plain fortnight: no holiday and no other dated exception of the calendar falls in it.
    const dated = [...businessHoursCalendar.holidays, ...(businessHoursCalendar.exceptions ?? []).map((e) => e.date)];
    monday = quietMondayAhead(await env.currentTimeMs(), { holidays: dated });
  });
  afterEach(async () => {
    await env?.teardown();
  });

  const events = (requestId: string): WorkflowEvent[] => (synced.get(requestId) ?? []).flatMap((s) => s.events);

  async function run(
    registeredAt: string,
    options: { policy?: string; calendar?: ServiceCalendar; responseMode?: 'on-site' | 'nbd' | 'remote'; locationClass?: string | null; historyLimit?: number },
    script: (handle: Awaited<ReturnType<typeof env.client.workflow.start<typeof serviceRequest>>>, requestId: string) => Promise<void>,
  ): Promise<void> {
    const requestId = `SR-TEST-${++seq}-${Date.now()}`;
    const taskQueue = `sr-${requestId}`;
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath: new URL('../workflows.ts', import.meta.url).pathname, activities });
    const input: ServiceRequestInput = {
      requestId,
      customerId: 'CUST-0001',
      serialNumber: 'SN-0001',
      channel: 'phone',
      registeredAt,
      correlationId: requestId,
      sla: {
        policy: defaultPolicies[options.policy ?? 'warranty-standard']!,
        calendar: options.calendar ?? businessHoursCalendar,
        responseMode: options.responseMode ?? 'on-site',
        locationClass: options.locationClass === undefined ? 'provincial-capital' : options.locationClass,
      },
      ...(options.historyLimit ? { historyLimit: options.historyLimit } : {}),
    };
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(serviceRequest, { taskQueue, workflowId: requestId, args: [input] });
      try {
        await script(handle, requestId);
      } finally {
        // A run left open would hold the test server's clock: its timers would fire with no worker to serve them.
        await handle.terminate('test finished').catch(() => undefined);
      }
    });
  }

  async function sleepUntil(iso: string): Promise<void> {
    const ms = Date.parse(iso) - (await env.currentTimeMs());
    if (ms > 0) await env.sleep(ms);
  }

  const at = (view: ServiceRequestView, event: string) => view.history.find((h) => h.event === event)?.at;
  const clock = (view: ServiceRequestView, name: string) => view.clocks.find((c) => c.name === name)!;
  // Timers fire at their instant; the history entry carries the time of the workflow task that
  // handled it, which on a loaded machine may trail by a little. A minute is tight against targets of hours.
  const close = (actual: string | undefined, expected: string) => expect(Math.abs(Date.parse(actual ?? '') - Date.parse(expected)), `${actual} vs ${expected}`).toBeLessThan(60_000);
  const near = (actual: number, expected: number) => expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThan(2_000);

  it.each<[PriorityTier, 'business' | '24x7', string | null, string, string]>([
    // On-site warning (75 %) and due, from Monday 08:30 local (00:30Z), worked out by hand.
    // Business hours, provincial capital: P1 4 h -> 11:30 / 13:30 local; P2 8 h -> 15:30 / 17:30 local
    // (the end of the working day, not the next morning).
    ['P1', 'business', 'provincial-capital', 'Mon 03:30', 'Mon 05:30'],
    ['P2', 'business', 'provincial-capital', 'Mon 07:30', 'Mon 09:30'],
    // P3 is next business day: 16 business hours to Tuesday 17:30; 12 h are reached Tuesday 13:30 (after lunch).
    ['P3', 'business', 'elsewhere', 'Tue 05:30', 'Tue 09:30'],
    // P4 40 business hours: Monday to Friday 17:30; 30 h are reached Thursday 15:30.
    ['P4', 'business', 'elsewhere', 'Thu 07:30', 'Fri 09:30'],
    // 24x7, elsewhere: P1 12 h, P2 18 h, P4 40 h of wall time.
    ['P1', '24x7', 'elsewhere', 'Mon 09:30', 'Mon 12:30'],
    ['P2', '24x7', 'elsewhere', 'Mon 14:00', 'Mon 18:30'],
    ['P4', '24x7', 'elsewhere', 'Tue 06:30', 'Tue 16:30'],
  ])('%s on %s hours (%s): the warning at three quarters of the target, the breach at the due instant', async (tier, calendar, locationClass, osWarn, osDue) => {
    await run(w('Mon 00:30'), { calendar: calendar === '24x7' ? alwaysOpenCalendar : businessHoursCalendar, locationClass }, async (handle, requestId) => {
      await sleepUntil(w('Mon 00:35'));
      await handle.executeUpdate(screenUpdate, { args: [{ outcome: 'valid', faultCategory: 'optical', severity: 'critical', tier, by: 'agent-1' }] });
      // Screening answers the customer: first response met; the tier's other clocks run on.
      await sleepUntil(w(osDue));
      await env.sleep(minute);
      const view = await handle.query(getStateQuery);
      expect(view.tier).toBe(tier);
      expect(clock(view, 'first-response').status).toBe('met');
      expect(clock(view, 'on-site')).toMatchObject({ status: 'breached', warnAt: w(osWarn), dueAt: w(osDue) });
      close(at(view, 'sla-warning-on-site'), w(osWarn));
      close(at(view, 'sla-breached-on-site'), w(osDue));
      const published = events(requestId).map((e) => `${e.key}:${String(e.data.clock ?? '')}`);
      expect(published.indexOf('service-request.sla-warning@1:on-site')).toBeLessThan(published.indexOf('service-request.sla-breached@1:on-site'));
    });
  });

  it('warns and breaches the first-response clock when nobody answers, then escalates step by step', async () => {
    await run(w('Mon 00:30'), {}, async (handle, requestId) => {
      // P3 (provisional until screening): first response 4 business hours, due 13:30 after lunch.
      await sleepUntil(w('Mon 05:30'));
      await env.sleep(5 * hour);
      const view = await handle.query(getStateQuery);
      const fr = clock(view, 'first-response');
      expect(fr).toMatchObject({ status: 'breached', dueAt: w('Mon 05:30'), warnAt: w('Mon 03:30') });
      close(at(view, 'sla-warning-first-response'), w('Mon 03:30'));
      close(at(view, 'sla-breached-first-response'), w('Mon 05:30'));
      // P3 ladder: supervisor at once, re-assign after 4 h, customer told after 8 h.
      const ladder = view.escalations.filter((e) => e.clock === 'first-response');
      expect(ladder.map((e) => e.action)).toEqual(['notify-supervisor', 'reassign']);
      close(ladder[0]!.at, w('Mon 05:30'));
      close(ladder[1]!.at, w('Mon 09:30'));
      const escalated = events(requestId).filter((e) => e.key === 'service-request.escalated@1' && e.data.clock === 'first-response');
      expect(escalated.map((e) => e.data.step)).toEqual([1, 2]);
    });
  });

  it('raise-tier moves the request to the next tier and recomputes every due instant from registration', async () => {
    await run(w('Mon 00:30'), { calendar: alwaysOpenCalendar }, async (handle) => {
      await sleepUntil(w('Mon 00:31'));
      await handle.executeUpdate(screenUpdate, { args: [{ outcome: 'valid', faultCategory: 'electrical', severity: 'major', tier: 'P2', by: 'agent-1' }] });
      // 24x7, P2 on site 8 h in a provincial capital: breach 08:30Z; raise-tier 240 min later.
      await sleepUntil(w('Mon 12:31'));
      const view = await handle.query(getStateQuery);
      const onSite = view.escalations.filter((e) => e.clock === 'on-site').map((e) => `${e.step}:${e.action}`);
      expect(onSite).toEqual(['1:notify-supervisor', '2:reassign', '3:tell-customer', '4:raise-tier']);
      expect(view.tier).toBe('P1');
      // P1 resolution is 24 h from registration (not from the raise): due Tuesday 00:30Z.
      expect(clock(view, 'resolution').dueAt).toBe(w('Tue 00:30'));
      expect(clock(view, 'on-site')).toMatchObject({ targetMs: 4 * hour, status: 'breached' });
    });
  });

  it('a pause moves the due instant by exactly the paused business time, also across lunch', async () => {
    await run(w('Mon 00:30'), {}, async (handle) => {
      // First response P3: 4 business hours, due 13:30 local. Waiting on the customer from 09:30 to 14:00
      // pauses 2.5 h + 1 h of business time (lunch does not count): due 17:00 local.
      await sleepUntil(w('Mon 01:30'));
      await handle.executeUpdate(waitOnCustomerUpdate, { args: [{ by: 'agent-1', note: 'customer sends photos' }] });
      await sleepUntil(w('Mon 06:00'));
      let view = await handle.query(getStateQuery);
      expect(clock(view, 'first-response')).toMatchObject({ paused: true, status: 'on-track' });
      near(clock(view, 'first-response').elapsedMs, 1 * hour);
      await handle.executeUpdate(resumeUpdate, { args: [{ by: 'agent-1' }] });
      view = await handle.query(getStateQuery);
      expect(clock(view, 'first-response').paused).toBe(false);
      near(clock(view, 'first-response').pausedMs, 3.5 * hour);
      close(clock(view, 'first-response').dueAt, w('Mon 09:00'));
      await sleepUntil(w('Mon 09:01'));
      close(at(await handle.query(getStateQuery), 'sla-breached-first-response'), w('Mon 09:00'));
    });
  });

  it('NBD: registered on a Thursday afternoon before a Friday holiday, on site is due at the end of Monday', async () => {
    // As on New Year's Eve 2026: Thursday 16:00 local (08:00Z), Friday closed, so the next business
    // day is Monday and the visit is due at its close, 17:30 local (09:30Z).
    const calendar = { ...businessHoursCalendar, holidays: [...businessHoursCalendar.holidays, weekDate(monday, 'Fri')] };
    await run(w('Thu 08:00'), { responseMode: 'nbd', calendar }, async (handle) => {
      const view = await handle.query(getStateQuery);
      expect(clock(view, 'on-site').dueAt).toBe(w('Mon2 09:30'));
    });
  });

  it('runs the whole life: dispatch facts applied once, rejection reopens, acceptance closes, survey follows up', async () => {
    await run(w('Mon 00:30'), { calendar: alwaysOpenCalendar }, async (handle, requestId) => {
      await sleepUntil(w('Mon 00:40'));
      await handle.executeUpdate(screenUpdate, { args: [{ outcome: 'valid', faultCategory: 'optical', severity: 'major', tier: 'P2', by: 'agent-1' }] });
      const assigned = { eventId: 'evt-assigned-1', at: w('Mon 00:45'), workOrderId: 'WO-1', engineerId: 'ENG-7' };
      await handle.signal(workOrderAssignedSignal, assigned);
      await handle.signal(workOrderAssignedSignal, assigned); // a replayed event changes nothing
      await env.sleep(2 * hour);
      await handle.signal(engineerArrivedSignal, { eventId: 'evt-arrived-1', at: w('Mon 02:45'), workOrderId: 'WO-1' });
      await env.sleep(hour);
      await handle.executeUpdate(resolveUpdate, { args: [{ cause: 'lens contaminated', fix: 'cleaned lens', firstTimeFix: true, by: 'ENG-7' }] });
      await env.sleep(hour);
      let view = await handle.executeUpdate(acceptanceUpdate, { args: [{ accepted: false, by: 'customer', note: 'burr still there' }] });
      expect(view.status).toBe('dispatched');
      expect(clock(view, 'resolution').paused).toBe(false);
      near(clock(view, 'resolution').pausedMs, 1 * hour);
      await env.sleep(hour);
      await handle.executeUpdate(resolveUpdate, { args: [{ cause: 'lens cracked', fix: 'replaced lens', firstTimeFix: true, by: 'ENG-7' }] });
      view = await handle.executeUpdate(acceptanceUpdate, { args: [{ accepted: true, by: 'customer' }] });
      expect(view.status).toBe('closed');
      await expect(handle.executeUpdate(resolveUpdate, { args: [{ cause: 'x', fix: 'y', firstTimeFix: true, by: 'ENG-7' }] })).rejects.toThrow();
      await handle.executeUpdate(surveyUpdate, { args: [{ score: 4, comment: 'quick' }] });
      const final = (await handle.result()) as ServiceRequestView;
      expect(final.status).toBe('followed-up');
      expect(final.history.filter((h) => h.event === 'dispatched')).toHaveLength(2);
      expect(final.history.map((h) => h.event)).toEqual(expect.arrayContaining(['screened', 'awaiting-dispatch', 'on-site', 'resolved', 'rejected', 'accepted', 'closed', 'followed-up']));
      const closed = events(requestId).find((e) => e.key === 'service-request.closed@1')!;
      // Rejected once: not a first-time fix, whatever the engineer reported.
      expect(closed.data).toMatchObject({ cause: 'lens cracked', fix: 'replaced lens', firstTimeFix: false, workOrderId: 'WO-1', engineerId: 'ENG-7' });
      // The survey is a fact of its own, published once with the customer's words.
      const surveyed = events(requestId).filter((e) => e.key === 'service-request.surveyed@1');
      expect(surveyed).toHaveLength(1);
      expect(surveyed[0]!.data).toMatchObject({ requestId, score: 4, comment: 'quick', answeredAt: final.survey!.at });
      const keys = events(requestId).map((e) => e.key);
      expect(keys.slice(0, 2)).toEqual(['service-request.screened@1', 'service-request.dispatch-requested@1']);
      expect(new Set(events(requestId).map((e) => e.id)).size).toBe(keys.length);
      const revisions = synced.get(requestId)!.map((s) => s.revision);
      expect(revisions).toEqual([...revisions].sort((a, b) => a - b));
    });
  });

  it('reopens a closed request with a new resolution clock, keeping the first round\'s', async () => {
    await run(w('Mon 00:30'), { calendar: alwaysOpenCalendar }, async (handle, requestId) => {
      await sleepUntil(w('Mon 00:40'));
      await handle.executeUpdate(screenUpdate, { args: [{ outcome: 'valid', faultCategory: 'optical', severity: 'major', tier: 'P2', by: 'agent-1' }] });
      await env.sleep(hour);
      await handle.executeUpdate(resolveUpdate, { args: [{ cause: 'loose cable', fix: 'refastened', firstTimeFix: true, by: 'ENG-7' }] });
      await handle.executeUpdate(acceptanceUpdate, { args: [{ accepted: true, by: 'customer' }] });
      await env.sleep(day);
      const reopened = await handle.executeUpdate(reopenUpdate, { args: [{ by: 'agent-1', reason: 'same fault again' }] });
      expect(reopened).toMatchObject({ status: 'awaiting-dispatch', reopened: 1, resolution: null });
      expect(clock(reopened, 'resolution-round-1')).toMatchObject({ status: 'met' });
      const fresh = clock(reopened, 'resolution');
      expect(fresh).toMatchObject({ status: 'on-track', stoppedAt: null, targetMs: 40 * hour });
      close(fresh.startedAt, w('Tue 01:40'));
      await handle.executeUpdate(resolveUpdate, { args: [{ cause: 'cable chafed', fix: 'replaced cable', firstTimeFix: true, by: 'ENG-7' }] });
      await handle.executeUpdate(acceptanceUpdate, { args: [{ accepted: true, by: 'customer' }] });
      const closed = () => events(requestId).filter((e) => e.key === 'service-request.closed@1').map((e) => e.data.firstTimeFix);
      await eventually('both closures synced', async () => (closed().length === 2 ? true : undefined), { timeoutMs: 10_000, intervalMs: 100 });
      expect(closed()).toEqual([true, false]);
    });
  });

  it('continues as new when its history grows, carrying clocks, history and applied event ids', async () => {
    await run(w('Mon 00:30'), { calendar: alwaysOpenCalendar, historyLimit: 40 }, async (handle, requestId) => {
      await sleepUntil(w('Mon 00:31'));
      const firstRun = (await handle.describe()).runId;
      await handle.executeUpdate(screenUpdate, { args: [{ outcome: 'valid', faultCategory: 'optical', severity: 'major', tier: 'P3', by: 'agent-1' }] });
      const assigned = { eventId: 'evt-before-can', at: w('Mon 00:32'), workOrderId: 'WO-9', engineerId: 'ENG-1' };
      await handle.signal(workOrderAssignedSignal, assigned);
      for (let i = 0; i < 12; i++) {
        await handle.executeUpdate(waitOnCustomerUpdate, { args: [{ by: 'agent-1' }] });
        await env.sleep(minute);
        await handle.executeUpdate(resumeUpdate, { args: [{ by: 'agent-1' }] });
      }
      await eventually('a new run', async () => ((await handle.describe()).runId !== firstRun ? true : undefined), { timeoutMs: 10_000, intervalMs: 100 });
      // The same event delivered again to the new run changes nothing: its id came along.
      await handle.signal(workOrderAssignedSignal, assigned);
      const view = await handle.query(getStateQuery);
      expect(view.history.filter((h) => h.event === 'waiting-on-customer')).toHaveLength(12);
      expect(view.history.filter((h) => h.event === 'dispatched')).toHaveLength(1);
      // Twelve one-minute pauses on a 24x7 calendar, carried across runs.
      near(clock(view, 'resolution').pausedMs, 12 * minute);
      expect(events(requestId).filter((e) => e.key === 'service-request.screened@1')).toHaveLength(1);
    });
  });

  it('refuses transitions the lifecycle does not allow, naming why', async () => {
    await run(w('Mon 00:30'), {}, async (handle) => {
      await expect(handle.executeUpdate(resolveUpdate, { args: [{ cause: 'c', fix: 'f', firstTimeFix: true, by: 'x' }] })).rejects.toThrow();
      const refused = await handle.executeUpdate(acceptanceUpdate, { args: [{ accepted: true, by: 'x' }] }).catch((e: Error) => e);
      expect(String((refused as Error).cause ?? refused)).toMatch(/acceptance is not allowed while the request is registered/);
      const view = await handle.executeUpdate(screenUpdate, { args: [{ outcome: 'invalid', reason: 'answered-on-phone', by: 'agent-1' }] });
      expect(view.status).toBe('screened-invalid');
      expect(view.clocks.every((c) => c.stoppedAt !== null)).toBe(true);
    });
  });

  describe('facts from dispatch and spares', () => {
    const screenP1 = { outcome: 'valid' as const, faultCategory: 'optical', severity: 'critical', tier: 'P1' as const, by: 'agent-1' };

    it('a remote route sets the on-site promise aside; back to a visit restores it, counted from registration', async () => {
      // P1 in a provincial capital: on site in 4 business hours, due 13:30 local (05:30Z).
      await run(w('Mon 00:30'), {}, async (handle, requestId) => {
        await sleepUntil(w('Mon 00:35'));
        await handle.executeUpdate(screenUpdate, { args: [screenP1] });
        await handle.signal(routeChosenSignal, { eventId: 'evt-route-1', at: w('Mon 00:40'), workOrderId: 'WO-1', route: 'remote', by: 'dispatcher-1' });
        await sleepUntil(w('Mon 07:00'));
        let view = await handle.query(getStateQuery);
        expect(view.route).toBe('remote');
        expect(view.clocks.map((c) => c.name)).toEqual(['first-response', 'resolution']);
        expect(view.history.some((h) => h.event === 'sla-breached-on-site')).toBe(false);
        expect(events(requestId).some((e) => e.key === 'service-request.sla-breached@1' && e.data.clock === 'on-site')).toBe(false);

        await handle.signal(routeChosenSignal, { eventId: 'evt-route-2', at: w('Mon 07:00'), workOrderId: 'WO-1', route: 'field-visit', by: 'dispatcher-1' });
        await eventually('on-site clock back and breached', async () => {
          view = await handle.query(getStateQuery);
          return view.history.some((h) => h.event === 'sla-breached-on-site') ? view : undefined;
        }, { timeoutMs: 10_000, intervalMs: 100 });
        expect(clock(view, 'on-site')).toMatchObject({ status: 'breached', dueAt: w('Mon 05:30') });
      });
    });

    it('an open quote pauses every clock; the customer\'s yes resumes them with the wait removed', async () => {
      await run(w('Mon 00:30'), {}, async (handle, requestId) => {
        await sleepUntil(w('Mon 00:35'));
        await handle.executeUpdate(screenUpdate, { args: [screenP1] });
        await sleepUntil(w('Mon 01:00'));
        await handle.signal(quoteSignal, { eventId: 'evt-quote-1', at: w('Mon 01:00'), quoteId: 'Q-1', outcome: 'issued', totalCents: 125_000, currency: 'CNY' });
        // Past the on-site due instant (05:30Z) while the quote is out: no breach.
        await sleepUntil(w('Mon 08:00'));
        let view = await handle.query(getStateQuery);
        expect(view).toMatchObject({ waitingOnCustomer: true, quote: { id: 'Q-1', status: 'issued', totalCents: 125_000 } });
        expect(clock(view, 'on-site')).toMatchObject({ paused: true, status: 'on-track' });
        expect(events(requestId).some((e) => e.key === 'service-request.sla-breached@1')).toBe(false);

        await handle.signal(quoteSignal, { eventId: 'evt-quote-2', at: w('Mon 08:00'), quoteId: 'Q-1', outcome: 'accepted', by: 'customer' });
        view = await eventually('resumed', async () => {
          const v = await handle.query(getStateQuery);
          return v.waitingOnCustomer ? undefined : v;
        }, { timeoutMs: 10_000, intervalMs: 100 });
        // Paused 09:00-16:00 local: 3 h before lunch and 3 h after. The 13:30 due moves 6 business hours: Tuesday 10:30 local.
        near(clock(view, 'on-site').pausedMs, 6 * hour);
        expect(clock(view, 'on-site').paused).toBe(false);
        close(clock(view, 'on-site').dueAt, w('Tue 02:30'));
        // The same event again changes nothing.
        await handle.signal(quoteSignal, { eventId: 'evt-quote-1', at: w('Mon 01:00'), quoteId: 'Q-1', outcome: 'issued' });
        expect((await handle.query(getStateQuery)).waitingOnCustomer).toBe(false);
      });
    });

    it('a declined quote cancels the request and says why', async () => {
      await run(w('Mon 00:30'), {}, async (handle, requestId) => {
        await sleepUntil(w('Mon 00:35'));
        await handle.executeUpdate(screenUpdate, { args: [screenP1] });
        await handle.signal(quoteSignal, { eventId: 'evt-q-1', at: w('Mon 00:40'), quoteId: 'Q-2', outcome: 'issued', totalCents: 9_900, currency: 'CNY' });
        await handle.signal(quoteSignal, { eventId: 'evt-q-2', at: w('Mon 00:45'), quoteId: 'Q-2', outcome: 'declined', by: 'customer', reason: 'too expensive' });
        const result = (await handle.result()) as ServiceRequestView;
        expect(result.status).toBe('cancelled');
        expect(result.clocks.every((c) => c.stoppedAt !== null)).toBe(true);
        const cancelled = events(requestId).find((e) => e.key === 'service-request.cancelled@1');
        expect(cancelled?.data).toMatchObject({ by: 'customer', reason: 'quote Q-2 declined: too expensive' });
      });
    });

    it('follows the work order through decline, re-plan and its stages, and tracks parts awaited', async () => {
      await run(w('Mon 00:30'), {}, async (handle) => {
        await sleepUntil(w('Mon 00:35'));
        await handle.executeUpdate(screenUpdate, { args: [screenP1] });
        await handle.signal(workOrderAssignedSignal, { eventId: 'e1', at: w('Mon 00:36'), workOrderId: 'WO-7', engineerId: 'ENG-1' });
        await handle.signal(workOrderStepSignal, { eventId: 'e2', at: w('Mon 00:37'), workOrderId: 'WO-7', engineerId: 'ENG-1', step: 'declined', note: 'sick' });
        let view = await handle.query(getStateQuery);
        expect(view.status).toBe('awaiting-dispatch');
        expect(view.workOrder).toMatchObject({ id: 'WO-7', engineerId: null });
        await handle.signal(workOrderStepSignal, { eventId: 'e3', at: w('Mon 00:38'), workOrderId: 'WO-7', engineerId: 'ENG-2', step: 'replanned', plannedStart: w('Mon 02:00') });
        await handle.signal(workOrderStepSignal, { eventId: 'e4', at: w('Mon 00:39'), workOrderId: 'WO-7', engineerId: 'ENG-2', step: 'accepted' });
        await handle.signal(workOrderStepSignal, { eventId: 'e5', at: w('Mon 00:40'), workOrderId: 'WO-7', engineerId: 'ENG-2', step: 'travel-started' });
        await handle.signal(partsSignal, { eventId: 'e6', at: w('Mon 00:41'), workOrderId: 'WO-7', outcome: 'backordered', lines: [{ partNumber: 'P-100', quantity: 2 }], expectedAt: w('Wed 00:00') });
        view = await handle.query(getStateQuery);
        expect(view.status).toBe('dispatched');
        expect(view.workOrder).toMatchObject({ id: 'WO-7', engineerId: 'ENG-2', stage: 'travelling', plannedStart: w('Mon 02:00') });
        expect(view.partsAwaited).toEqual([{ partNumber: 'P-100', quantity: 2, expectedAt: w('Wed 00:00') }]);
        await handle.signal(partsSignal, { eventId: 'e7', at: w('Mon 00:42'), workOrderId: 'WO-7', outcome: 'reserved', lines: [{ partNumber: 'P-100', quantity: 2 }] });
        await handle.signal(engineerArrivedSignal, { eventId: 'e8', at: w('Mon 00:43'), workOrderId: 'WO-7' });
        view = await handle.query(getStateQuery);
        expect(view).toMatchObject({ status: 'on-site', partsAwaited: [], workOrder: { stage: 'on-site' } });
        expect(view.history.map((h) => h.event)).toEqual(expect.arrayContaining(['work-order-declined', 'work-order-replanned', 'work-order-accepted', 'work-order-travel-started', 'parts-backordered', 'parts-reserved']));
      });
    });
  });
});
