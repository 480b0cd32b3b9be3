import type { ContainmentFlag, Discipline, EightDState } from './messages';

/** A fact the 8D publishes; the activity turns it into a contract event with this id. */
export type EightDFact = { id: string; occurredAt: string } & (
  | { kind: 'containment-flagged'; flag: ContainmentFlag }
  | { kind: 'containment-lifted'; flagId: string }
  | { kind: 'escalated'; discipline: Discipline; level: number; to: string; dueAt: string; owner?: string }
  | { kind: 'discipline-assigned'; discipline: Discipline; owner: string; dueAt: string }
  | { kind: 'closed'; rootCause: string }
);

export interface RecordEightDInput {
  state: EightDState;
  /** Facts not yet published, oldest first. */
  facts: EightDFact[];
}

export interface KnowledgeArticleInput {
  eightDId: string;
  title: string;
  models: string[];
  symptom: string;
  cause: string;
  fix: string;
  parts: string[];
}

/**
 * Activity types the eightD workflow calls. Implementations live in services/quality/worker/,
 * next to the 8D records and the knowledge base they write.
 */
export interface EightDActivities {
  /** Stores the 8D's state (the newest revision wins) and its new facts in the record's outbox, in one write. */
  recordEightD(input: RecordEightDInput): Promise<void>;
  /** Publishes the closed 8D as a knowledge-base article (version 1, once per 8D). */
  publishKnowledgeArticle(input: KnowledgeArticleInput): Promise<{ articleId: string; version: number }>;
}
