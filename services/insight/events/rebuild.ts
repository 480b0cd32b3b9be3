import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin } from 'kafkajs';
import { createEventConsumer, createEventProducer, createKeyLocks, type KeyLockDoc, type Platform } from '@aftersales/platform';
import type { Generations } from '../store/generations';
import { dropGeneration } from '../store/read-model';
import { batchInto, handlersInto, insightTopics } from './consumers';

/**
 * Rebuilds the read model from the topics' beginning into a fresh generation, then switches to it.
 *
 * 1. A new consumer group (`insight-rebuild-g<n>`, which starts at the beginning) folds every event,
 *    a fetched batch at a time (read-model.ts applyEvents), into generation n's own collections while generation n-1 keeps answering and the live consumer
 *    keeps writing there.
 * 2. Once the group has caught up with the topics' ends, generation n becomes current: readers and
 *    the live consumer move to it within their one-second cache.
 * 3. The rebuild group keeps reading until it has caught up again after that second, so an event the
 *    live consumer put only into n-1 during the switch reaches n too; then it stops. In that overlap
 *    both consumers may apply an event to n: the fold skips an event id it has seen and sets each
 *    field order-independently, so the record comes out the same.
 * The generation before the previous one is dropped; the previous one stays for comparison.
 * One worker runs a rebuild (a key lock with a long lease; a dead worker's is taken over after it).
 */
export function createRebuilder(platform: Platform, generations: Generations, options: { pollMs?: number; cacheMs?: number } = {}) {
  const pollMs = options.pollMs ?? 500;
  const cacheMs = options.cacheMs ?? 1000;
  const log = platform.logger.child({ module: 'rebuild' });
  const locks = createKeyLocks(platform.mongo.db!.collection<KeyLockDoc>('insightRebuildLocks'), { what: 'insight rebuild', now: platform.now, leaseMs: 30 * 60_000, waitMs: 50 });
  let running = false;

  async function caughtUp(admin: Admin, groupId: string): Promise<boolean> {
    const names = insightTopics.map(platform.topic);
    const committed = await admin.fetchOffsets({ groupId, topics: names });
    for (const name of names) {
      const ends = await admin.fetchTopicOffsets(name);
      const done = committed.find((c) => c.topic === name)?.partitions ?? [];
      for (const end of ends) {
        if (end.high === end.low) continue; // empty (or emptied) partition
        const at = done.find((p) => p.partition === end.partition)?.offset ?? '-1';
        if (BigInt(at) < BigInt(end.high)) return false;
      }
    }
    return true;
  }

  async function untilCaughtUp(admin: Admin, groupId: string): Promise<void> {
    while (!(await caughtUp(admin, groupId))) await sleep(pollMs);
  }

  async function rebuild(): Promise<void> {
    const state = (await generations.read()).building;
    if (!state) return;
    const n = state.generation;
    const target = generations.open(n);
    const groupId = platform.consumerGroup(`insight-rebuild-g${n}`);
    const started = Date.now();
    log.info({ generation: n, groupId }, 'rebuild: reading every topic from its beginning');
    const producer = await createEventProducer(platform.kafka);
    // In batches: each touched case and row shard is written once per batch, not once per event.
    const consumer = createEventConsumer({ kafka: platform.kafka, groupId, topics: insightTopics.map(platform.topic), handlers: handlersInto(async () => target), batchHandler: batchInto(target), producer, logger: log });
    const admin = platform.kafka.admin();
    await admin.connect();
    try {
      await consumer.start();
      if (state.phase === 'filling') {
        await untilCaughtUp(admin, groupId);
        const switchedAt = platform.now().toISOString();
        await generations.update({ current: n, building: { ...state, phase: 'switched', switchedAt } });
        log.info({ generation: n, ms: Date.now() - started }, 'rebuild: caught up, switched');
      }
      // Readers and the live consumer keep the old generation for up to one cache period.
      await sleep(2 * cacheMs + pollMs);
      await untilCaughtUp(admin, groupId);
      const doc = await generations.read();
      await generations.update({ building: null, lastRebuild: { ...(doc.building ?? state), phase: 'switched', finishedAt: platform.now().toISOString() } });
      if (n > 2) await dropGeneration(generations.open(n - 2));
      log.info({ generation: n, ms: Date.now() - started }, 'rebuild: finished');
    } finally {
      await consumer.stop();
      await admin.disconnect();
      await producer.disconnect();
    }
  }

  return {
    /** The worker's periodic task: runs the requested rebuild, if any, unless this or another worker already does. */
    async tick(): Promise<void> {
      if (running) return;
      generations.forget();
      if (!(await generations.read()).building) return;
      running = true;
      try {
        await locks.holding('rebuild', rebuild);
      } catch (error) {
        if (error instanceof Error && /stayed locked/.test(error.message)) return; // another worker runs it
        throw error;
      } finally {
        running = false;
      }
    },
  };
}
