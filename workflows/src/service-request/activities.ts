import type { ServiceRequestView } from './messages';

/** An event the workflow publishes; its id is fixed by the workflow, so a retried activity publishes it once. */
export interface WorkflowEvent {
  id: string;
  /** Contract key, "type@version". */
  key:
    | 'service-request.screened@1'
    | 'service-request.dispatch-requested@1'
    | 'service-request.sla-warning@1'
    | 'service-request.sla-breached@1'
    | 'service-request.escalated@1'
    | 'service-request.closed@1'
    | 'service-request.cancelled@1'
    | 'service-request.complaint-raised@1'
    | 'service-request.surveyed@1';
  occurredAt: string;
  data: Record<string, unknown>;
}

export interface SyncInput {
  requestId: string;
  /** Grows with every sync; the record keeps the highest, so a late retry never overwrites newer state. */
  revision: number;
  view: ServiceRequestView;
  events: WorkflowEvent[];
  /** On the first sync of a new run: the run the record is linked to, stored in the same write. */
  started?: { workflowId: string; runId: string; startedAt: string };
}

/**
 * Activity types the serviceRequest workflow calls. Implementations live in services/intake/worker,
 * next to the data they touch; the workflow sees only these types.
 */
export interface ServiceRequestActivities {
  /** Links the intake record to its workflow run, so the record shows who owns the process. */
  recordWorkflowStarted(input: { requestId: string; workflowId: string; runId: string; startedAt: string }): Promise<void>;
  /** Stores the workflow's events in intake's outbox and its state on the request's record. */
  syncServiceRequest(input: SyncInput): Promise<void>;
}
