import type { ServiceRequestActivities } from '@aftersales/workflows';
import type { IntakeModels } from '../store/models';

/** Activities of the serviceRequest workflow that touch intake's data; built with their dependencies. */
export function createServiceRequestActivities(models: Pick<IntakeModels, 'serviceRequests'>): ServiceRequestActivities {
  return {
    async recordWorkflowStarted({ requestId, workflowId, runId, startedAt }) {
      // $set of the same values: a retried activity changes nothing.
      await models.serviceRequests.updateOne({ _id: requestId }, { $set: { workflow: { id: workflowId, runId, startedAt: new Date(startedAt) } } });
    },
  };
}
