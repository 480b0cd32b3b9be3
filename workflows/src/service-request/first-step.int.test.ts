import { writeFileSync } from 'node:fs';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventually } from '@aftersales/platform/testing';
import { alwaysOpenCalendar, defaultPolicies } from '@aftersales/sla';
import { workflowInterceptorModules } from '../index';
import type { ServiceRequestActivities, SyncInput } from './activities';
import { cancelUpdate, screenUpdate, type ServiceRequestInput } from './messages';
import { serviceRequest } from './workflow';

const testServer = inject('stack').temporalTestServerPath;
const workflowsPath = new URL('../workflows.ts', import.meta.url).pathname;
// RECORD_SERVICE_REQUEST_HISTORIES=1 writes the run's history for the replay test.
const recordHistory = process.env.RECORD_SERVICE_REQUEST_HISTORIES === '1';

/**
 * A new serviceRequest's first second on the time-skipping server: the record is linked to the run
 * and synced with its clocks in one local activity inside the first workflow task, so the server
 * persists the start and one workflow task before the first timer (it was three workflow tasks and
 * two activities: recordWorkflowStarted, then the first sync).
 */
describe.skipIf(!testServer)('serviceRequest first step', () => {
  let env: TestWorkflowEnvironment;
  const synced: SyncInput[] = [];
  const linked: string[] = [];
  const activities: ServiceRequestActivities = {
    async recordWorkflowStarted({ requestId }) {
      linked.push(requestId);
    },
    async syncServiceRequest(input) {
      synced.push(input);
    },
  };

  beforeAll(async () => {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
    env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: testServer! } } });
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('links the record and syncs its clocks in one local activity of the first workflow task, and replays', async () => {
    const requestId = `SR-FIRST-${Date.now()}`;
    const taskQueue = `sr-${requestId}`;
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath, activities });
    const input: ServiceRequestInput = {
      requestId,
      customerId: 'CUST-0001',
      serialNumber: 'SN-0001',
      channel: 'phone',
      registeredAt: new Date(await env.currentTimeMs()).toISOString(),
      correlationId: requestId,
      sla: { policy: defaultPolicies['warranty-standard']!, calendar: alwaysOpenCalendar, responseMode: 'on-site', locationClass: 'provincial-capital' },
    };
    const history = await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(serviceRequest, { taskQueue, workflowId: requestId, args: [input] });
      await eventually('the first sync', async () => (synced.length > 0 ? true : undefined), { timeoutMs: 20_000, intervalMs: 50 });
      const first = synced[0]!;
      expect(first).toMatchObject({ requestId, revision: 1, events: [], started: { workflowId: requestId, runId: handle.firstExecutionRunId } });
      expect(Date.parse(first.started!.startedAt)).not.toBeNaN();
      expect(first.view.clocks.map((c) => c.name)).toContain('first-response');
      expect(linked).toEqual([]);

      // The life goes on as before: later syncs are ordinary activities without the link.
      await handle.executeUpdate(screenUpdate, { args: [{ outcome: 'valid', faultCategory: 'optical', severity: 'major', tier: 'P2', by: 'agent-1' }] });
      await handle.executeUpdate(cancelUpdate, { args: [{ by: 'agent-1', reason: 'customer fixed it' }] });
      await handle.result();
      expect(synced.slice(1).every((s) => s.started === undefined)).toBe(true);
      expect(synced.flatMap((s) => s.events.map((e) => e.key))).toEqual(['service-request.screened@1', 'service-request.dispatch-requested@1', 'service-request.cancelled@1']);
      return handle.fetchHistory();
    });

    const events = history.events ?? [];
    const firstTimer = events.findIndex((e) => e.timerStartedEventAttributes);
    expect(firstTimer).toBeGreaterThan(0);
    const firstSecond = events.slice(0, firstTimer + 1);
    expect(firstSecond.filter((e) => e.workflowTaskCompletedEventAttributes)).toHaveLength(1);
    expect(firstSecond.filter((e) => e.activityTaskScheduledEventAttributes)).toHaveLength(0);
    expect(firstSecond.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity')).toHaveLength(1);
    // Later syncs stay activities of their own.
    expect(events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'syncServiceRequest').length).toBeGreaterThanOrEqual(2);

    await expect(Worker.runReplayHistory({ workflowsPath, interceptors: { workflowModules: workflowInterceptorModules } }, history, requestId)).resolves.toBeUndefined();
    if (recordHistory) writeFileSync(new URL('./histories/v4-first-sync-local-cancelled.json', import.meta.url), `${historyToJSON(history)}\n`);
  }, 60_000);
});
