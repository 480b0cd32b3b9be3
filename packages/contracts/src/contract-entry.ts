import type { z } from 'zod';
import type { TopicName } from './topics';

/** One event type and version: its schema and the topic it travels on. */
export interface ContractEntry {
  topic: TopicName;
  schema: z.ZodType;
}
