import { condition, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { ServiceRequestActivities } from './activities';
import {
  cancelSignal,
  getStateQuery,
  recordFirstResponseUpdate,
  type FirstResponseInput,
  type ServiceRequestInput,
  type ServiceRequestState,
  type SlaClockState,
} from './messages';

const activities = proxyActivities<ServiceRequestActivities>({
  startToCloseTimeout: '30 seconds',
  // Mongo or the network may be down for a while; the workflow waits rather than fails.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

const minute = 60_000;

/**
 * One service request from registration onwards, as a durable process. This first version keeps
 * the record linked and runs the first-response clock in wall time; business calendars, pauses
 * and the full lifecycle follow.
 */
export async function serviceRequest(input: ServiceRequestInput): Promise<ServiceRequestState> {
  const registeredMs = Date.parse(input.registeredAt);
  const firstResponse: SlaClockState = {
    name: 'first-response',
    targetMinutes: input.firstResponseTargetMinutes,
    startedAt: input.registeredAt,
    dueAt: new Date(registeredMs + input.firstResponseTargetMinutes * minute).toISOString(),
    stoppedAt: null,
    breachedAt: null,
    status: 'on-track',
  };
  const state: ServiceRequestState = {
    requestId: input.requestId,
    status: 'registered',
    registeredAt: input.registeredAt,
    clocks: [firstResponse],
    history: [{ status: 'registered', at: input.registeredAt }],
  };
  let cancelled = false;

  setHandler(getStateQuery, () => state);
  setHandler(cancelSignal, ({ by, reason }) => {
    if (cancelled) return;
    cancelled = true;
    state.status = 'cancelled';
    state.history.push({ status: 'cancelled', at: new Date().toISOString(), by, note: reason });
  });
  setHandler(
    recordFirstResponseUpdate,
    ({ by, note }) => {
      if (firstResponse.stoppedAt === null) {
        const at = new Date().toISOString();
        firstResponse.stoppedAt = at;
        firstResponse.status = firstResponse.breachedAt === null ? 'met' : 'breached';
        state.history.push({ status: 'first-response-given', at, by, ...(note ? { note } : {}) });
      }
      return state;
    },
    {
      validator: (_input: FirstResponseInput) => {
        if (cancelled) throw new Error('the request is cancelled');
      },
    },
  );

  const info = workflowInfo();
  await activities.recordWorkflowStarted({
    requestId: input.requestId,
    workflowId: info.workflowId,
    runId: info.runId,
    startedAt: new Date(info.startTime).toISOString(),
  });

  const remaining = Date.parse(firstResponse.dueAt) - Date.now();
  const answered = remaining > 0 && (await condition(() => firstResponse.stoppedAt !== null || cancelled, remaining));
  if (!answered && firstResponse.stoppedAt === null && !cancelled) {
    const at = new Date().toISOString();
    firstResponse.breachedAt = at;
    firstResponse.status = 'breached';
    state.history.push({ status: 'first-response-breached', at });
  }

  await condition(() => cancelled);
  return state;
}
