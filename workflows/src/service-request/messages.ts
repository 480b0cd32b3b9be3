import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

/** Task queue served by intake's worker, which owns the service-request record. */
export const serviceRequestTaskQueue = 'service-requests';

export interface ServiceRequestInput {
  requestId: string;
  customerId: string;
  serialNumber: string;
  channel: string;
  /** ISO-8601 instant the request was registered; clocks start here, not when the workflow did. */
  registeredAt: string;
  correlationId: string;
  firstResponseTargetMinutes: number;
}

export type ServiceRequestStatus = 'registered' | 'cancelled';
export type ClockStatus = 'on-track' | 'breached' | 'met';

export interface SlaClockState {
  name: 'first-response';
  targetMinutes: number;
  startedAt: string;
  dueAt: string;
  stoppedAt: string | null;
  breachedAt: string | null;
  status: ClockStatus;
}

export interface ServiceRequestState {
  requestId: string;
  status: ServiceRequestStatus;
  registeredAt: string;
  clocks: SlaClockState[];
  history: { status: ServiceRequestStatus | 'first-response-given' | 'first-response-breached'; at: string; by?: string; note?: string }[];
}

export const getStateQuery = defineQuery<ServiceRequestState>('getState');

export interface FirstResponseInput {
  by: string;
  note?: string;
}
/** An agent answered the customer: stops the first-response clock. Rejected once the request is closed. */
export const recordFirstResponseUpdate = defineUpdate<ServiceRequestState, [FirstResponseInput]>('recordFirstResponse');

export interface CancelInput {
  by: string;
  reason: string;
}
export const cancelSignal = defineSignal<[CancelInput]>('cancel');
