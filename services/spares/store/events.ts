import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { buildEvent, type eventContracts, topicOf, type EventKey } from '@aftersales/contracts';
import { outboxForInsert, type OutboxFields } from '@aftersales/platform';

export interface EventContext {
  /** The topic's name in this deployment (namespaced in tests). */
  topic(name: string): string;
  now(): Date;
  /** Wakes the outbox relay after a write (the platform's); without it the relay's poll finds the event. */
  nudgeOutbox?(): void;
}

export interface Cause {
  correlationId: string;
  causationId: string | null;
}

/** Outbox fields for an insert: the document and its validated event are stored in one write. */
export function withEvent<K extends EventKey>(ctx: EventContext, key: K, subject: string, data: z.input<(typeof eventContracts)[K]['schema']>, cause: Cause): Required<OutboxFields> {
  const now = ctx.now();
  const event = buildEvent(key, data, { id: randomUUID(), occurredAt: now, source: 'spares', subject, correlationId: cause.correlationId, causationId: cause.causationId });
  return outboxForInsert([{ topic: ctx.topic(topicOf(key)), event }], now);
}
