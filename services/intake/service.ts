import { z } from 'zod';
import { topics } from '@aftersales/contracts';
import { loadConfig, type ServiceDefinition } from '@aftersales/platform';
import { serviceRequestTaskQueue, workflowsPath } from '@aftersales/workflows';
import { serviceRequestRoutes } from './api/service-requests';
import { createWorkflowStarter } from './events/workflow-starter';
import { loadDemoData } from './store/demo-data';
import { createIntakeModels } from './store/models';
import { createServiceRequestActivities } from './worker/activities';

const intakeEnv = z.object({
  INTAKE_FIRST_RESPONSE_MINUTES: z.coerce.number().int().positive().default(60),
});

/** Intake: customers, machines and the service-request record; runs the serviceRequest workflow's worker. */
export const intakeService: ServiceDefinition = {
  name: 'intake',
  defaultPort: 8081,
  version: '0.1.0',
  description: 'Registers service requests from every channel and runs each as a durable workflow.',
  async setup(platform) {
    const env = loadConfig(intakeEnv);
    const models = createIntakeModels(platform.mongo);
    await Promise.all(Object.values(models).map((model) => model.init()));
    if (platform.config.SEED_DEMO_DATA) await loadDemoData(models);
    return {
      routes: serviceRequestRoutes(platform, models),
      outboxCollections: [models.serviceRequests.collection],
      topics: [topics.serviceRequests],
      consumers: [
        {
          group: 'intake-workflow-starter',
          topics: [topics.serviceRequests],
          handlers: {
            'service-request.registered@1': createWorkflowStarter(platform, { firstResponseTargetMinutes: env.INTAKE_FIRST_RESPONSE_MINUTES }),
          },
        },
      ],
      temporalWorkers: [
        { taskQueue: serviceRequestTaskQueue, workflowsPath, activities: createServiceRequestActivities(models) },
      ],
    };
  },
};
