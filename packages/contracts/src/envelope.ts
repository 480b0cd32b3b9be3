import { z } from 'zod';

/**
 * The one envelope every event travels in. `id` is the consumer's idempotency key;
 * `subject` is the aggregate id and also the Kafka key, so one aggregate's events stay in order.
 */
export const eventEnvelopeSchema = z.object({
  id: z.string().min(1),
  type: z.string().regex(/^[a-z0-9-]+\.[a-z0-9.-]+$/, 'type looks like "aggregate.happened"'),
  version: z.number().int().positive(),
  source: z.string().min(1),
  occurredAt: z.iso.datetime(),
  subject: z.string().min(1),
  correlationId: z.string().min(1),
  causationId: z.string().min(1).nullable(),
  data: z.unknown(),
});

export type EventEnvelope<TType extends string = string, TData = unknown> = Omit<
  z.infer<typeof eventEnvelopeSchema>,
  'type' | 'data'
> & { type: TType; data: TData };
