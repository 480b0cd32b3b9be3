/**
 * The first version of the serviceRequest workflow, kept verbatim in behaviour so that runs
 * started before the SLA-policy version replay unchanged (the 'sla-policy-clocks' patch selects
 * it). Remove it with deprecatePatch once no such run is open.
 */
import type { QueryDefinition, UpdateDefinition } from '@temporalio/common';
import { condition, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { ServiceRequestActivities } from './activities';
import { cancelSignal, getStateQuery, recordFirstResponseUpdate, type ServiceRequestInputV1 as ServiceRequestInput } from './messages';

interface FirstResponseInput {
  by: string;
  note?: string;
}

interface SlaClockState {
  name: 'first-response';
  targetMinutes: number;
  startedAt: string;
  dueAt: string;
  stoppedAt: string | null;
  breachedAt: string | null;
  status: 'on-track' | 'breached' | 'met';
}

export interface ServiceRequestStateV1 {
  requestId: string;
  status: 'registered' | 'cancelled';
  registeredAt: string;
  clocks: SlaClockState[];
  history: { status: string; at: string; by?: string; note?: string }[];
}

type ServiceRequestState = ServiceRequestStateV1;
// Same names as the current handlers; the shapes of that version.
const legacyStateQuery = getStateQuery as unknown as QueryDefinition<ServiceRequestState>;
const legacyFirstResponseUpdate = recordFirstResponseUpdate as unknown as UpdateDefinition<ServiceRequestState, [FirstResponseInput]>;

const activities = proxyActivities<ServiceRequestActivities>({
  startToCloseTimeout: '30 seconds',
  // Mongo or the network may be down for a while; the workflow waits rather than fails.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

const minute = 60_000;

export async function legacyServiceRequest(input: ServiceRequestInput): Promise<ServiceRequestState> {
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

  setHandler(legacyStateQuery, () => state);
  setHandler(cancelSignal, ({ by, reason }) => {
    if (cancelled) return;
    cancelled = true;
    state.status = 'cancelled';
    state.history.push({ status: 'cancelled', at: new Date().toISOString(), by, note: reason });
  });
  setHandler(
    legacyFirstResponseUpdate,
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
