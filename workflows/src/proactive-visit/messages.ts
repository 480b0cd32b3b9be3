// The activity types travel with the messages, so clients and the worker import both from one place.
export type * from './activities';

/** The workflow type a proactive-visit schedule starts; the schedule names it by string. */
export const proactiveVisitWorkflowType = 'proactiveVisit';

/** Marks a request a schedule opened, so lists and reports tell planned work from faults. */
export const plannedMaintenanceFlag = 'planned-maintenance';

/** What each scheduled run receives: the schedule's action arguments, fixed when the schedule is created. */
export interface ProactiveVisitInput {
  customerId: string;
  /** The machines to visit; null means the customer's active machines at the time of each run. */
  serialNumbers: string[] | null;
  note: string | null;
}

export interface PlannedMaintenanceOpened {
  serialNumber: string;
  requestId: string;
  /** False when an earlier attempt of this run had already opened it. */
  created: boolean;
}

export interface ProactiveVisitResult {
  customerId: string;
  /** The schedule's nominal time of this run (a manual trigger: the time it was triggered). */
  scheduledFor: string;
  requestIds: string[];
  opened: PlannedMaintenanceOpened[];
  /** Machines nothing was opened for, with the reason (decommissioned, moved to another customer, ...). */
  skipped: { serialNumber: string; reason: string }[];
}
