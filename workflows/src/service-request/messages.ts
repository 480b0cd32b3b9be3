import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ClockView, PriorityTier } from '@aftersales/sla';
import type { CalendarVersion, ClockMarks, SlaState, SlaTerms } from './sla-engine';

/** Task queue served by intake's worker, which owns the service-request record. */
export const serviceRequestTaskQueue = 'service-requests';

/** Input of the first version, still accepted so runs started before the upgrade replay unchanged. */
export interface ServiceRequestInputV1 {
  requestId: string;
  customerId: string;
  serialNumber: string;
  channel: string;
  registeredAt: string;
  correlationId: string;
  firstResponseTargetMinutes: number;
}

export interface ServiceRequestInput {
  requestId: string;
  customerId: string;
  serialNumber: string;
  channel: string;
  /** ISO-8601 instant the request was registered; every clock counts from it, not from the workflow's start. */
  registeredAt: string;
  correlationId: string;
  /** The SLA terms by value, frozen at registration: later edits of a policy do not rewrite this request. */
  sla: SlaTerms;
  /** Present when the run continues an earlier one (continue-as-new). */
  carried?: ServiceRequestState;
  /** A complaint starts at this tier, and screening never sets it less urgent. */
  initialTier?: PriorityTier;
  /** History events after which a run continues as new (default 10,000; the server may suggest it earlier). */
  historyLimit?: number;
  /** The entitlement says paid work: nothing is dispatched before a quote is accepted or the wait overridden. Absent in runs started before. */
  quoteRequired?: boolean;
}

export const requestStatuses = [
  'registered',
  'screened-invalid',
  /** Valid paid work waiting for the customer's accepted quote (or an override) before dispatch. */
  'awaiting-quote',
  'awaiting-dispatch',
  'dispatched',
  'on-site',
  'resolved',
  'closed',
  'followed-up',
  'cancelled',
] as const;
export type ServiceRequestStatus = (typeof requestStatuses)[number];

export type ResolutionRoute = 'remote' | 'ship-part' | 'field-visit' | 'depot';

/** Where the work order stands, as dispatch reported it. */
export type WorkOrderStage = 'assigned' | 'accepted' | 'travelling' | 'on-site' | 'working' | 'work-finished' | 'completed';

export interface WorkOrderSummary {
  id: string;
  engineerId: string | null;
  assignedAt: string;
  arrivedAt: string | null;
  /** Absent in states from before dispatch reported stages. */
  stage?: WorkOrderStage;
  plannedStart?: string | null;
}

export interface HistoryEntry {
  event: string;
  at: string;
  by?: string;
  note?: string;
}

export interface EscalationRecord {
  clock: string;
  action: string;
  step: number;
  tier: PriorityTier;
  breachedAt: string;
  at: string;
}

export interface ServiceRequestState {
  requestId: string;
  status: ServiceRequestStatus;
  registeredAt: string;
  /** The SLA clocks with their policy, tier and marks (warned, breached, escalation steps taken). */
  sla: SlaState;
  screening:
    | { outcome: 'valid'; faultCategory: string; severity: string; by: string; at: string }
    | { outcome: 'invalid'; reason: string; duplicateOf: string | null; by: string; at: string }
    | null;
  waitingOnCustomer: boolean;
  workOrder: WorkOrderSummary | null;
  /** How dispatch chose to fix it; absent in states from before routes existed. */
  route?: ResolutionRoute | null;
  /** The quote for paid work, while one is out or after it was answered. */
  quote?: { id: string; status: 'issued' | 'accepted' | 'declined'; totalCents: number | null; currency: string | null; at: string } | null;
  /** Paid work went ahead without an accepted quote: who decided it, why and when. */
  quoteOverride?: { by: string; reason: string; at: string } | null;
  /** Parts the case waits for (backordered), by part number; emptied as they are reserved. */
  partsAwaited?: { partNumber: string; quantity: number; expectedAt: string | null }[];
  resolution: { cause: string; fix: string; firstTimeFix: boolean; by: string; at: string } | null;
  survey: { score: number; comment: string | null; at: string } | null;
  reopened: number;
  escalations: EscalationRecord[];
  history: HistoryEntry[];
  /** Ids of events from other services already applied, so a re-delivered one changes nothing. */
  appliedEventIds: string[];
  /** Sequence of events this workflow published; part of their ids so a retried activity publishes nothing twice. */
  eventSeq: number;
  /** Grows with every sync to the record, across continue-as-new, so the record keeps the newest. */
  syncRevision: number;
}

/** What the query answers: the state with each clock's live view. */
export interface ServiceRequestView extends Omit<ServiceRequestState, 'appliedEventIds' | 'sla' | 'syncRevision'> {
  tier: PriorityTier;
  tierProvisional: boolean;
  clocks: (ClockView & { marks: ClockMarks })[];
  /** The managed terms the clocks run on (versions absent for requests from before they were managed). */
  terms?: { policyId: string; policyVersion: number | null; calendarId: string | null; calendarVersion: number | null };
}

export const getStateQuery = defineQuery<ServiceRequestView>('getState');

// Transitions a person causes: updates, so the caller learns at once whether it was accepted.
export interface ByWhom {
  by: string;
  note?: string;
}
export const recordFirstResponseUpdate = defineUpdate<ServiceRequestView, [ByWhom]>('recordFirstResponse');

export type ScreeningInput =
  | { outcome: 'valid'; faultCategory: string; severity: string; tier: PriorityTier; by: string; note?: string }
  | { outcome: 'invalid'; reason: 'duplicate' | 'answered-on-phone' | 'misuse' | 'not-our-product'; duplicateOf?: string; by: string; note?: string };
export const screenUpdate = defineUpdate<ServiceRequestView, [ScreeningInput]>('screen');

export const retriageUpdate = defineUpdate<ServiceRequestView, [{ tier: PriorityTier; by: string; note?: string }]>('retriage');
export const waitOnCustomerUpdate = defineUpdate<ServiceRequestView, [ByWhom]>('waitOnCustomer');
export const resumeUpdate = defineUpdate<ServiceRequestView, [ByWhom]>('resume');

export interface ResolutionInput {
  cause: string;
  fix: string;
  firstTimeFix: boolean;
  by: string;
}
export const resolveUpdate = defineUpdate<ServiceRequestView, [ResolutionInput]>('resolve');
export const acceptanceUpdate = defineUpdate<ServiceRequestView, [{ accepted: boolean; by: string; note?: string }]>('acceptance');
export const surveyUpdate = defineUpdate<ServiceRequestView, [{ score: number; comment?: string }]>('survey');
export const cancelUpdate = defineUpdate<ServiceRequestView, [{ by: string; reason: string }]>('cancelRequest');
/** Paid work goes ahead without an accepted quote: a person decides it, with the reason, and it is recorded. */
export const overrideQuoteUpdate = defineUpdate<ServiceRequestView, [{ by: string; reason: string }]>('overrideQuote');
/** The fault came back after closure: the request is worked again, with a new resolution clock. */
export const reopenUpdate = defineUpdate<ServiceRequestView, [{ by: string; reason: string }]>('reopen');

// Facts other services report through Kafka: signals carrying the event id, applied once.
export interface FromEvent {
  eventId: string;
  at: string;
}
export const workOrderAssignedSignal = defineSignal<[FromEvent & { workOrderId: string; engineerId: string | null }]>('workOrderAssigned');
export const engineerArrivedSignal = defineSignal<[FromEvent & { workOrderId: string }]>('engineerArrived');
/** The engineer finished and reported: the request is resolved with the report's cause and fix. */
export const workOrderCompletedSignal = defineSignal<[FromEvent & { workOrderId: string; engineerId: string | null; cause: string; fix: string; firstTimeFix: boolean }]>('workOrderCompleted');

/** A step of the work order dispatch reported, short of arrival and completion, which have their own signals. */
export type WorkOrderStep = 'accepted' | 'declined' | 'travel-started' | 'work-started' | 'work-finished' | 'replanned' | 'cancelled';
export const workOrderStepSignal = defineSignal<[FromEvent & { workOrderId: string; engineerId: string | null; step: WorkOrderStep; plannedStart?: string | null; note?: string }]>('workOrderStep');
/** Dispatch chose how to fix it; a route without a visit sets the on-site clock aside. */
export const routeChosenSignal = defineSignal<[FromEvent & { workOrderId: string; route: ResolutionRoute; by: string }]>('routeChosen');
/** Paid work waits for the customer's answer to a quote: the clocks pause while it is out. */
export const quoteSignal = defineSignal<[FromEvent & { quoteId: string; outcome: 'issued' | 'accepted' | 'declined'; totalCents?: number; currency?: string; by?: string; reason?: string }]>('quote');
/** Spares facts about the case's parts. */
export const partsSignal = defineSignal<[FromEvent & { workOrderId: string; outcome: 'reserved' | 'backordered' | 'released' | 'consumed'; lines: { partNumber: string; quantity: number }[]; expectedAt?: string | null }]>('parts');
/**
 * A new version of the managed calendar the request runs on: its open clocks count on it from
 * now. A version the request already has (or an older one) changes nothing, so a rollout may
 * send it again.
 */
export const calendarChangedSignal = defineSignal<[CalendarVersion & { reason: string; changedBy: string }]>('calendarChanged');

/** The first version's cancel signal; kept so its histories replay. */
export const cancelSignal = defineSignal<[{ by: string; reason: string }]>('cancel');
