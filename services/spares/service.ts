import type { ServiceDefinition } from '@aftersales/platform';
import { partRoutes } from './api/parts';
import { sparesStreams } from './events/streams';
import { loadDemoData } from './store/demo-data';
import { createSparesModels } from './store/models';

/** Spares: the parts catalogue; stock, reservations, requisitions, returns and cost allocation follow. */
export const sparesService: ServiceDefinition = {
  name: 'spares',
  defaultPort: 8083,
  version: '0.1.0',
  description: 'Parts, stock and reservations that never oversell, requisitions, returns, quotes and who pays.',
  async setup(platform) {
    const models = createSparesModels(platform.mongo);
    await Promise.all(Object.values(models).map((model) => model.init()));
    if (platform.config.SEED_DEMO_DATA) await loadDemoData(models);
    return { routes: partRoutes(models), outboxCollections: [], topics: sparesStreams, consumers: [], temporalWorkers: [] };
  },
};
