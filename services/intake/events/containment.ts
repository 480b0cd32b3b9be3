import type { KnownEvent } from '@aftersales/contracts';
import { applyOnce, isDuplicateKeyError, type ConsumedEvent, type EventHandler, type Platform } from '@aftersales/platform';
import type { ContainmentModel } from '../store/containment';
import { isLifted, liftContainmentFlag } from '../store/containment-history';

export const containmentConsumer = 'intake-containment';

/**
 * Keeps intake's copy of quality's containment flags: raised by D3/D7, lifted when the 8D says so.
 * `containmentFlags` holds only the flags in force; a lifted one moves to `liftedContainmentFlags`
 * (store/containment-history.ts), and a flag found there is never raised again, even when its lift
 * arrived first.
 */
export function createContainmentHandlers(platform: Pick<Platform, 'mongo' | 'logger'>, flags: ContainmentModel): Record<'eight-d.containment-flagged@1' | 'eight-d.containment-lifted@1', EventHandler> {
  return {
    'eight-d.containment-flagged@1': async ({ event }: ConsumedEvent) => {
      const { data } = event as KnownEvent<'eight-d.containment-flagged@1'>;
      await applyOnce(platform.mongo, containmentConsumer, event.id, async () => {
        if (await isLifted(flags, data.flagId)) {
          platform.logger.info({ eightDId: data.eightDId, flagId: data.flagId }, 'containment flag already lifted: not raised');
          return;
        }
        try {
          await flags.collection.insertOne({
            _id: data.flagId,
            eightDId: data.eightDId,
            discipline: data.discipline,
            scope: data.scope,
            instruction: data.instruction,
            carryParts: data.carryParts,
            flaggedAt: new Date(data.flaggedAt),
            liftedAt: null,
            sourceEventId: event.id,
          } as never);
        } catch (error) {
          // The flag is already known (a second event for it): the first one stands.
          if (!isDuplicateKeyError(error)) throw error;
        }
        // A lift applied meanwhile (its history written before this insert) would not see this flag: remove it here.
        if (await isLifted(flags, data.flagId)) await flags.collection.deleteOne({ _id: data.flagId } as never);
        platform.logger.info({ eightDId: data.eightDId, flagId: data.flagId, scope: data.scope }, 'containment flag raised');
      });
    },
    'eight-d.containment-lifted@1': async ({ event }: ConsumedEvent) => {
      const { data } = event as KnownEvent<'eight-d.containment-lifted@1'>;
      await applyOnce(platform.mongo, containmentConsumer, event.id, async () => {
        await liftContainmentFlag(flags, { flagId: data.flagId, eightDId: data.eightDId, liftedAt: new Date(data.liftedAt), eventId: event.id });
        platform.logger.info({ eightDId: data.eightDId, flagId: data.flagId }, 'containment flag lifted');
      });
    },
  };
}
