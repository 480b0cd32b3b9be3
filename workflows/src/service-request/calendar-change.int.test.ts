import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { quietMondayAhead, weekDate, weekInstant } from '@aftersales/platform/testing';
import { businessHoursCalendar, defaultPolicies, type BusinessCalendar } from '@aftersales/sla';
import type { ServiceRequestActivities } from './activities';
import { calendarChangedSignal, getStateQuery, screenUpdate, type ServiceRequestInput, type ServiceRequestView } from './messages';
import { serviceRequest } from './workflow';

const testServer = inject('stack').temporalTestServerPath;
const hour = 3_600_000;

/**
 * Running clocks follow a new calendar version on the time-skipping server. The week is a quiet
 * one ahead of the server's clock (see workflow.int.test.ts); `w('Mon 00:30')` is Monday 08:30 in
 * Asia/Shanghai, whose hours are 08:30-12:00 and 13:00-17:30 on weekdays (8 h a day).
 */
describe.skipIf(!testServer)('a calendar change reaches running service requests', () => {
  let env: TestWorkflowEnvironment;
  let monday = 0;
  let seq = 0;
  const w = (spec: string) => weekInstant(monday, spec);
  const activities: ServiceRequestActivities = { async recordWorkflowStarted() {}, async syncServiceRequest() {} };

  beforeAll(() => Runtime.install({ logger: new DefaultLogger('ERROR') }));
  beforeEach(async () => {
    env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: testServer! } } });
    const dated = [...businessHoursCalendar.holidays, ...(businessHoursCalendar.exceptions ?? []).map((e) => e.date)];
    monday = quietMondayAhead(await env.currentTimeMs(), { holidays: dated });
  });
  afterEach(async () => env?.teardown());

  async function run(registeredAt: string, script: (handle: Awaited<ReturnType<typeof env.client.workflow.start<typeof serviceRequest>>>) => Promise<void>) {
    const requestId = `SR-CAL-${++seq}-${Date.now()}`;
    const taskQueue = `cal-${requestId}`;
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath: new URL('../workflows.ts', import.meta.url).pathname, activities });
    const input: ServiceRequestInput = {
      requestId,
      customerId: 'CUST-0001',
      serialNumber: 'SN-0001',
      channel: 'phone',
      registeredAt,
      correlationId: requestId,
      sla: { policy: defaultPolicies['warranty-standard']!, calendar: businessHoursCalendar, responseMode: 'on-site', locationClass: 'elsewhere', calendarId: 'business-hours', calendarVersion: 1 },
    };
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(serviceRequest, { taskQueue, workflowId: requestId, args: [input] });
      try {
        await script(handle);
      } finally {
        await handle.terminate('test finished').catch(() => undefined);
      }
    });
  }
  const sleepUntil = async (iso: string) => {
    const ms = Date.parse(iso) - (await env.currentTimeMs());
    if (ms > 0) await env.sleep(ms);
  };
  const clock = (view: ServiceRequestView, name: string) => view.clocks.find((c) => c.name === name)!;
  const version = (version: number, change: Partial<BusinessCalendar>) => ({
    calendarId: 'business-hours',
    version,
    calendar: { ...businessHoursCalendar, ...change },
    reason: `version ${version}`,
    changedBy: 'calendar-admin',
  });

  it('a holiday published ahead of an open P3 moves its due instants by exactly that day\u2019s hours, and the warning fires at the new one', async () => {
    await run(w('Mon 00:30'), async (handle) => {
      await sleepUntil(w('Mon 00:35'));
      await handle.executeUpdate(screenUpdate, { args: [{ outcome: 'valid', faultCategory: 'optical', severity: 'major', tier: 'P3', by: 'agent-1' }] });
      await sleepUntil(w('Mon 02:00'));
      const before = await handle.query(getStateQuery);
      // Next business day: 16 working hours, due Tuesday 17:30 local, warning (12 h) Tuesday 13:30.
      expect(clock(before, 'on-site')).toMatchObject({ dueAt: w('Tue 09:30'), warnAt: w('Tue 05:30') });
      const tuesday = weekDate(monday, 'Tue');
      await handle.signal(calendarChangedSignal, version(2, { holidays: [...businessHoursCalendar.holidays, tuesday] }));
      const after = await handle.query(getStateQuery);
      // Tuesday closed: every open due instant moves by its 8 working hours, elapsed time stays.
      expect(clock(after, 'on-site')).toMatchObject({ dueAt: w('Wed 09:30'), warnAt: w('Wed 05:30') });
      for (const name of ['on-site', 'resolution']) {
        expect(Date.parse(clock(after, name).dueAt) - Date.parse(clock(before, name).dueAt)).toBe(24 * hour);
        // Queries see the workflow's time of the signal: 1.5 working hours since Monday 08:30, as before the change.
        expect(Math.abs(clock(after, name).elapsedMs - 1.5 * hour)).toBeLessThan(60_000);
      }
      const changed = after.history.filter((h) => h.event === 'calendar-changed');
      expect(changed).toHaveLength(1);
      expect(changed[0]!.note).toContain(`on-site due ${w('Tue 09:30')} -> ${w('Wed 09:30')}`);
      // The same version again (a rollout retried) changes nothing.
      await handle.signal(calendarChangedSignal, version(2, { holidays: [...businessHoursCalendar.holidays, tuesday] }));
      await sleepUntil(w('Tue 06:00'));
      const tuesdayView = await handle.query(getStateQuery);
      expect(tuesdayView.history.filter((h) => h.event === 'calendar-changed')).toHaveLength(1);
      expect(tuesdayView.history.some((h) => h.event === 'sla-warning-on-site')).toBe(false);
      await sleepUntil(w('Wed 05:31'));
      const wednesday = await handle.query(getStateQuery);
      const warned = wednesday.history.find((h) => h.event === 'sla-warning-on-site');
      expect(Math.abs(Date.parse(warned?.at ?? '') - Date.parse(w('Wed 05:30')))).toBeLessThan(60_000);
    });
  });

  it('a make-up Saturday moves a due instant earlier; an older version is ignored', async () => {
    await run(w('Fri 00:30'), async (handle) => {
      await sleepUntil(w('Fri 00:35'));
      await handle.executeUpdate(screenUpdate, { args: [{ outcome: 'valid', faultCategory: 'optical', severity: 'major', tier: 'P3', by: 'agent-1' }] });
      await sleepUntil(w('Fri 02:00'));
      const before = await handle.query(getStateQuery);
      expect(clock(before, 'on-site').dueAt).toBe(w('Mon2 09:30'));
      const saturday = { date: weekDate(monday, 'Sat'), hours: businessHoursCalendar.week[1], reason: 'make-up working day' };
      await handle.signal(calendarChangedSignal, version(3, { exceptions: [...(businessHoursCalendar.exceptions ?? []), saturday] }));
      await handle.signal(calendarChangedSignal, version(2, { holidays: [...businessHoursCalendar.holidays, weekDate(monday, 'Sat')] }));
      const after = await handle.query(getStateQuery);
      // 1.5 h counted by Friday 10:00; 6.5 h left on Friday and 8 h on Saturday: due Saturday 17:30.
      expect(clock(after, 'on-site').dueAt).toBe(w('Sat 09:30'));
      expect(Math.abs(clock(after, 'on-site').elapsedMs - 1.5 * hour)).toBeLessThan(60_000);
      expect(after.history.filter((h) => h.event === 'calendar-changed').map((h) => h.note)).toEqual([expect.stringContaining('business-hours version 3')]);
    });
  });
});
