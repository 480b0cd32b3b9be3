import type { PlannedMaintenanceOpened } from './messages';

export interface OpenPlannedMaintenanceInput {
  customerId: string;
  serialNumber: string;
  /** ISO-8601 instant the visit was scheduled for; the request is needed by this plus 14 days. */
  scheduledFor: string;
  /**
   * Identifies this run of the schedule (workflow id and first run id); with the serial it makes the
   * request's idempotency key, so a retried activity finds the request it opened and opens nothing twice.
   */
  scheduleRunId: string;
  /** The schedule that started the run, when one did (for the request's `registeredBy`). */
  scheduleId: string | null;
  note: string | null;
}

/**
 * Activity types the proactiveVisit workflow calls. Implementations live in
 * services/intake/worker/proactive-visit-activities.ts, next to the installed base they read.
 */
export interface ProactiveVisitActivities {
  /** Serials of the customer's machines due a visit now (active, top-level machines). */
  machinesForPlannedMaintenance(input: { customerId: string }): Promise<string[]>;
  /** Registers one planned-maintenance service request through intake's registrar; idempotent per run and serial. */
  openPlannedMaintenance(input: OpenPlannedMaintenanceInput): Promise<PlannedMaintenanceOpened>;
}
