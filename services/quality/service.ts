import type { ServiceDefinition } from '@aftersales/platform';
import { articleRoutes } from './api/articles';
import { qualityStreams } from './events/streams';
import { loadDemoData } from './store/demo-data';
import { createQualityModels } from './store/models';

/** Quality: the knowledge base; failure records, recurrence detection and the eightD workflow follow. */
export const qualityService: ServiceDefinition = {
  name: 'quality',
  defaultPort: 8084,
  version: '0.1.0',
  description: 'Learns from the field: failure records, recurrence detection, 8D escalations and known fixes.',
  async setup(platform) {
    const models = createQualityModels(platform.mongo);
    await Promise.all(Object.values(models).map((model) => model.init()));
    if (platform.config.SEED_DEMO_DATA) await loadDemoData(models);
    return { routes: articleRoutes(models), outboxCollections: [], topics: qualityStreams, consumers: [], temporalWorkers: [] };
  },
};
