import type { KnownEvent } from '@aftersales/contracts';
import { applyOnce, type ConsumedEvent, type Platform } from '@aftersales/platform';
import { boardEntryFromRegistered } from '../domain/board';
import type { DispatchModels } from '../store/models';

export const boardConsumer = 'dispatch-service-requests';

/** Records each registered request on the board once, whatever the number of deliveries. */
export function createRegisteredHandler(platform: Platform, models: DispatchModels) {
  return async ({ event }: ConsumedEvent): Promise<void> => {
    const { data } = event as KnownEvent<'service-request.registered@1'>;
    const applied = await applyOnce(platform.mongo, boardConsumer, event.id, async () => {
      const entry = boardEntryFromRegistered(data, event.id, platform.now());
      // $setOnInsert: a second delivery of the same request leaves the first entry as it is.
      await models.boardEntries.updateOne({ _id: entry._id }, { $setOnInsert: entry }, { upsert: true });
    });
    if (applied) platform.logger.info({ serviceRequestId: data.requestId }, 'service request on the dispatch board');
  };
}
