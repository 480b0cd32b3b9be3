import type { KnownEvent } from '@aftersales/contracts';
import { applyOnce, type ConsumedEvent, type Platform } from '@aftersales/platform';
import type { IntakeModels } from '../store/models';
import { upsertKnownFix } from '../store/known-fixes';

export const knownFixConsumer = 'intake-known-fixes';

/** Keeps intake's read model of the knowledge base: the highest version of each article quality published. */
export function createArticleHandler(platform: Pick<Platform, 'mongo' | 'logger' | 'now'>, models: IntakeModels) {
  return async ({ event }: ConsumedEvent): Promise<void> => {
    const { data } = event as KnownEvent<'article.published@1'>;
    await applyOnce(platform.mongo, knownFixConsumer, event.id, async () => {
      const outcome = await upsertKnownFix(models, data, event.id, platform.now());
      platform.logger.debug({ articleId: data.articleId, version: data.version, outcome }, 'known fix applied');
    });
  };
}
