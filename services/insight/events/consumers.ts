import { topics, type EventKey } from '@aftersales/contracts';
import { applyOnce, type ConsumedEvent, type ConsumerSpec, type EventHandler, type Platform } from '@aftersales/platform';
import { foldedEvents } from '../domain/fold';
import type { Generations } from '../store/generations';
import { applyEvent, applyEvents, type Generation } from '../store/read-model';

export const insightConsumer = 'insight';

/** Every stream insight folds: the request's own, its work orders, parts, stock and money, returns, and the installed base. */
export const insightTopics = [topics.serviceRequests, topics.workOrders, topics.reservations, topics.returns, topics.machines];

export const insightEvents: readonly EventKey[] = [...foldedEvents, 'machine.registered@1', 'stock.valued@1'];

/** The same handler for every event insight reads: apply it to the generation(s) `target` names. */
export function handlersInto(target: () => Promise<Generation>, once?: (eventId: string, apply: () => Promise<void>) => Promise<unknown>): Partial<Record<EventKey, EventHandler>> {
  const handler: EventHandler = async ({ event }) => {
    const apply = async () => applyEvent(await target(), event);
    await (once ? once(event.id, apply) : apply());
  };
  return Object.fromEntries(insightEvents.map((key) => [key, handler]));
}

/** Events folded per write: bounds how long a batch holds its case locks (their lease is 15 s). */
export const batchChunk = 1000;

/**
 * A fetched batch applied to `target` a chunk at a time: each touched case and row shard written
 * once per chunk (the rebuild's path; the fold makes a redelivered batch change nothing).
 */
export function batchInto(target: Generation): (batch: ConsumedEvent[], heartbeat: () => Promise<void>) => Promise<void> {
  return async (batch, heartbeat) => {
    for (let i = 0; i < batch.length; i += batchChunk) {
      await applyEvents(target, batch.slice(i, i + batchChunk).map((c) => c.event));
      await heartbeat();
    }
  };
}

/**
 * The live consumer: each event applied once (the platform's inbox) to the generation that
 * answers now. Partitions run side by side: a case changes only under its key lock.
 */
export function insightConsumers(platform: Platform, generations: Generations): ConsumerSpec[] {
  return [
    {
      group: insightConsumer,
      topics: insightTopics,
      concurrentPartitions: 4,
      handlers: handlersInto(() => generations.current(), (eventId, apply) => applyOnce(platform.mongo, insightConsumer, eventId, apply)),
    },
  ];
}
