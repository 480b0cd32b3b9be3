import type { KnownEvent } from '@aftersales/contracts';
import { applyOnce, type EventHandler, type Platform } from '@aftersales/platform';
import type { DispatchCollections } from '../store/models';

export const containmentConsumer = 'dispatch-containment';

/**
 * Keeps quality's active containment flags, so a work order on a machine in scope shows the
 * instruction and the parts to carry. Both events are upserts keyed by flag id; a lift that
 * arrives first (it cannot on one 8D's key, but a replay might) leaves the flag inactive.
 * `flagsChanged` drops this process's copy of the active flags (store/planning-inputs.ts).
 */
export function createContainmentHandlers(platform: Platform, c: Pick<DispatchCollections, 'containmentFlags'>, flagsChanged: () => void = () => undefined): Partial<Record<'eight-d.containment-flagged@1' | 'eight-d.containment-lifted@1', EventHandler>> {
  return {
    'eight-d.containment-flagged@1': async ({ event }) => {
      const { data } = event as KnownEvent<'eight-d.containment-flagged@1'>;
      await applyOnce(platform.mongo, containmentConsumer, event.id, async () => {
        await c.containmentFlags.updateOne(
          { _id: data.flagId },
          {
            $set: { eightDId: data.eightDId, flagId: data.flagId, discipline: data.discipline, scope: data.scope, instruction: data.instruction, carryParts: data.carryParts, flaggedAt: new Date(data.flaggedAt) },
            $setOnInsert: { active: true, liftedAt: null },
          },
          { upsert: true },
        );
      });
      flagsChanged();
      platform.logger.info({ eightDId: data.eightDId, flagId: data.flagId }, 'containment flag kept');
    },
    'eight-d.containment-lifted@1': async ({ event }) => {
      const { data } = event as KnownEvent<'eight-d.containment-lifted@1'>;
      await applyOnce(platform.mongo, containmentConsumer, event.id, async () => {
        await c.containmentFlags.updateOne(
          { _id: data.flagId },
          { $set: { active: false, liftedAt: new Date(data.liftedAt), eightDId: data.eightDId, flagId: data.flagId }, $setOnInsert: { discipline: 'D3', scope: {}, instruction: '(lifted before it arrived)', carryParts: [], flaggedAt: new Date(data.liftedAt) } },
          { upsert: true },
        );
      });
      flagsChanged();
      platform.logger.info({ eightDId: data.eightDId, flagId: data.flagId }, 'containment flag lifted');
    },
  };
}
