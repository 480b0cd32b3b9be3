import { z } from 'zod';
import { loadConfig } from '@aftersales/platform';

const positiveInt = z.coerce.number().int().positive();

/** Insight's own settings; like the platform's, wrong values stop the process and are named. */
export const insightEnvSchema = z.object({
  /** How often the worker looks for a requested rebuild (a request in the same process starts it at once). */
  INSIGHT_REBUILD_POLL_MS: positiveInt.default(2000),
  /** How often a rebuild compares its consumer group's offsets with the topics' ends. */
  INSIGHT_CATCH_UP_POLL_MS: positiveInt.default(500),
});

export type InsightConfig = z.infer<typeof insightEnvSchema>;

export function loadInsightConfig(env: NodeJS.ProcessEnv = process.env): InsightConfig {
  return loadConfig(insightEnvSchema, env);
}
