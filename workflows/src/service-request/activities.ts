/**
 * Activity types the serviceRequest workflow calls. Implementations live in services/intake/worker,
 * next to the data they touch; the workflow sees only these types.
 */
export interface ServiceRequestActivities {
  /** Links the intake record to its workflow run, so the record shows who owns the process. */
  recordWorkflowStarted(input: { requestId: string; workflowId: string; runId: string; startedAt: string }): Promise<void>;
}
