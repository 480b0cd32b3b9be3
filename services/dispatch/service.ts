import { topics } from '@aftersales/contracts';
import type { ServiceDefinition } from '@aftersales/platform';
import { boardRoutes } from './api/board';
import { boardConsumer, createRegisteredHandler } from './events/service-requests';
import { createDispatchModels } from './store/models';

/** Dispatch: the board of requests to dispatch; engineers, work orders and the depot queue follow. */
export const dispatchService: ServiceDefinition = {
  name: 'dispatch',
  defaultPort: 8082,
  version: '0.1.0',
  description: 'Puts the right engineer on each request: the board, work orders, calendars and the depot queue.',
  async setup(platform) {
    const models = createDispatchModels(platform.mongo);
    await Promise.all(Object.values(models).map((model) => model.init()));
    return {
      routes: boardRoutes(models),
      outboxCollections: [],
      topics: [topics.serviceRequests],
      consumers: [
        {
          group: boardConsumer,
          topics: [topics.serviceRequests],
          handlers: { 'service-request.registered@1': createRegisteredHandler(platform, models) },
        },
      ],
      temporalWorkers: [],
    };
  },
};
