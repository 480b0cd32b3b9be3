import type { KnownEvent } from '@aftersales/contracts';
import { applyOnce, type EventHandler, type Platform } from '@aftersales/platform';
import { isLifted, liftContainmentFlag } from '../store/containment-history';
import type { DispatchCollections } from '../store/models';

export const containmentConsumer = 'dispatch-containment';

/**
 * Keeps quality's active containment flags, so a work order on a machine in scope shows the
 * instruction and the parts to carry. `containmentFlags` holds only the flags in force, upserted by
 * flag id; a lift moves its flag to `liftedContainmentFlags` (store/containment-history.ts), and a
 * flag found there is never raised again, so a lift that arrives first (it cannot on one 8D's key,
 * but a replay might) leaves the flag inactive.
 * `flagsChanged` drops this process's copy of the active flags (store/planning-inputs.ts).
 */
export function createContainmentHandlers(platform: Platform, c: Pick<DispatchCollections, 'containmentFlags' | 'liftedContainmentFlags'>, flagsChanged: () => void = () => undefined): Partial<Record<'eight-d.containment-flagged@1' | 'eight-d.containment-lifted@1', EventHandler>> {
  return {
    'eight-d.containment-flagged@1': async ({ event }) => {
      const { data } = event as KnownEvent<'eight-d.containment-flagged@1'>;
      await applyOnce(platform.mongo, containmentConsumer, event.id, async () => {
        if (await isLifted(c, data.flagId)) return;
        await c.containmentFlags.updateOne(
          { _id: data.flagId },
          {
            $set: { eightDId: data.eightDId, flagId: data.flagId, discipline: data.discipline, scope: data.scope, instruction: data.instruction, carryParts: data.carryParts, flaggedAt: new Date(data.flaggedAt) },
            $setOnInsert: { active: true, liftedAt: null },
          },
          { upsert: true },
        );
        // A lift applied meanwhile (its history written before this upsert) would not see this flag: remove it here.
        if (await isLifted(c, data.flagId)) await c.containmentFlags.deleteOne({ _id: data.flagId });
      });
      flagsChanged();
      platform.logger.info({ eightDId: data.eightDId, flagId: data.flagId }, 'containment flag kept');
    },
    'eight-d.containment-lifted@1': async ({ event }) => {
      const { data } = event as KnownEvent<'eight-d.containment-lifted@1'>;
      await applyOnce(platform.mongo, containmentConsumer, event.id, async () => {
        await liftContainmentFlag(c, { flagId: data.flagId, eightDId: data.eightDId, liftedAt: new Date(data.liftedAt), eventId: event.id });
      });
      flagsChanged();
      platform.logger.info({ eightDId: data.eightDId, flagId: data.flagId }, 'containment flag lifted');
    },
  };
}
