import { ActivityFailure, ApplicationFailure, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { ProactiveVisitActivities } from './activities';
import type { PlannedMaintenanceOpened, ProactiveVisitInput, ProactiveVisitResult } from './messages';

const activities = proxyActivities<ProactiveVisitActivities>({
  startToCloseTimeout: '30 seconds',
  // Mongo or the network may be down for a while; a visit is opened late rather than lost.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

// Set by the server on every run a schedule starts (also on a manual trigger).
const scheduledStartTime = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);
const scheduledById = defineSearchAttributeKey('TemporalScheduledById', SearchAttributeType.KEYWORD);

/**
 * One run of a customer's proactive-visit schedule: opens a planned-maintenance service request
 * for each machine, through intake's registrar like any other request, so each one then runs its
 * own serviceRequest workflow. Machines that can no longer be visited are skipped with the reason;
 * anything transient is retried until it succeeds.
 */
export async function proactiveVisit(input: ProactiveVisitInput): Promise<ProactiveVisitResult> {
  const info = workflowInfo();
  const scheduledFor = (info.typedSearchAttributes.get(scheduledStartTime) ?? info.runStartTime).toISOString();
  const scheduleId = info.typedSearchAttributes.get(scheduledById) ?? null;
  // The workflow id names this action of the schedule; the first run id survives a reset, so neither retries nor resets open twice.
  const scheduleRunId = `${info.workflowId}/${info.firstExecutionRunId}`;

  const serials = input.serialNumbers ?? (await activities.machinesForPlannedMaintenance({ customerId: input.customerId }));
  const opened: PlannedMaintenanceOpened[] = [];
  const skipped: ProactiveVisitResult['skipped'] = [];
  // One machine after the other: a customer has tens of machines, and the registrar's duplicate check reads the others.
  for (const serialNumber of serials) {
    try {
      opened.push(await activities.openPlannedMaintenance({ customerId: input.customerId, serialNumber, scheduledFor, scheduleRunId, scheduleId, note: input.note }));
    } catch (error) {
      if (!(error instanceof ActivityFailure && error.cause instanceof ApplicationFailure && error.cause.nonRetryable)) throw error;
      log.warn('planned maintenance skipped', { customerId: input.customerId, serialNumber, reason: error.cause.message });
      skipped.push({ serialNumber, reason: error.cause.message });
    }
  }
  return { customerId: input.customerId, scheduledFor, requestIds: opened.map((o) => o.requestId), opened, skipped };
}
