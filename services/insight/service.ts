import type { ServiceDefinition } from '@aftersales/platform';
import { evidenceRoutes } from './api/audit';
import { caseRoutes } from './api/cases';
import { kpiRoutes } from './api/kpis';
import { rebuildRoutes } from './api/rebuilds';
import { loadInsightConfig } from './config';
import { insightConsumers, insightTopics } from './events/consumers';
import { createRebuilder } from './events/rebuild';
import { createGenerations } from './store/generations';

/**
 * Insight: the reporting read side. Folds every service's facts from Kafka into one case record
 * per request (its own database, never another service's), answers the KPIs per period and
 * dimension with the cases behind each figure, exports them, and rebuilds itself from the topics.
 */
export const insightService: ServiceDefinition = {
  name: 'insight',
  defaultPort: 8086,
  version: '0.1.0',
  description: "KPIs over the services' facts: per period and dimension, the cases behind each figure, CSV and XLSX exports, and the case record each is computed from.",
  async setup(platform) {
    const config = loadInsightConfig();
    const generations = createGenerations(platform.mongo.db!, platform.now);
    await generations.read();
    const runsWorker = platform.config.PROCESS_ROLE !== 'api';
    const rebuilder = createRebuilder(platform, generations, { pollMs: config.INSIGHT_CATCH_UP_POLL_MS });
    const nudge = () => {
      if (runsWorker) void rebuilder.tick().catch((err: unknown) => platform.logger.warn({ err }, 'rebuild failed; tried again at its next run'));
    };
    return {
      routes: [...kpiRoutes(platform, generations), ...caseRoutes(generations), ...evidenceRoutes(platform, generations), ...rebuildRoutes(generations, nudge)],
      outboxCollections: [],
      topics: insightTopics,
      consumers: insightConsumers(platform, generations),
      temporalWorkers: [],
      tasks: [{ name: 'rebuild', everyMs: config.INSIGHT_REBUILD_POLL_MS, run: () => rebuilder.tick() }],
    };
  },
};
