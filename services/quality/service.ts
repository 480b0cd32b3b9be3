import type { ServiceDefinition } from '@aftersales/platform';
import { eightDTaskQueue, qualityWorkflowsPath, workflowInterceptorModules } from '@aftersales/workflows';
import { articleRoutes } from './api/articles';
import { eightDOpeningRoutes } from './api/eight-d-opening';
import { eightDRoutes } from './api/eight-ds';
import { recurrenceRoutes } from './api/recurrences';
import { eightDStarter } from './events/eight-d-starter';
import { failureRecordConsumer } from './events/failures';
import { qualityStreams } from './events/streams';
import { loadDemoData } from './store/demo-data';
import { createEightDRecords } from './store/eight-d-records';
import { createFailureDesk } from './store/failure-desk';
import { failureRecordListsOf } from './store/failure-record-lists';
import { eightDBoardOf } from './store/eight-d-board';
import { noteUnrelayedEightDsOnce } from './store/eight-d-opening';
import { createQualityModels, qualityOutboxCollections } from './store/models';
import { createProblemHistories } from './store/problem-histories';
import { recurrenceHitListsOf } from './store/recurrence-hit-lists';
import { createQualityRules } from './store/rules';
import { createEightDActivities } from './worker/activities';

/** Quality: failure records and recurrence detection, the eightD workflow's worker, the customer report and the knowledge base. */
export const qualityService: ServiceDefinition = {
  name: 'quality',
  defaultPort: 8084,
  version: '0.2.0',
  description: 'Learns from the field: failure records, recurrence detection, 8D escalations and known fixes.',
  async setup(platform) {
    const models = createQualityModels(platform.mongo);
    await Promise.all(Object.values(models).map((model) => model.init()));
    const histories = createProblemHistories(models, () => platform.now());
    if (platform.config.SEED_DEMO_DATA) await loadDemoData(models, histories);
    // Records and 8Ds stored before the problems' histories existed, once.
    if (await histories.buildOnce()) platform.logger.info({ module: 'problem-histories' }, 'problem histories built from the stored records and 8Ds');
    // Failure records that named their 8D before the 8Ds' lists existed, once.
    if (await createEightDRecords(models, () => platform.now()).buildOnce()) platform.logger.info({ module: 'eight-d-records' }, "8Ds' record lists built from the stored records");
    // Failure records and recurrence hits stored before the records and recurrences tabs' lists existed, once.
    if (await failureRecordListsOf(models).buildOnce(platform.now())) platform.logger.info({ module: 'failure-record-lists' }, 'failure record lists built from the stored records');
    if (await recurrenceHitListsOf(models).buildOnce(platform.now())) platform.logger.info({ module: 'recurrence-hit-lists' }, 'recurrence hit lists built from the stored checks');
    // 8Ds stored before the board's lists, once.
    if (await eightDBoardOf(models).buildOnce(platform.now())) platform.logger.info({ module: 'eight-d-board' }, "the 8D board's lists built from the stored 8Ds");
    // 8Ds whose opened event was still unpublished when the relay stopped polling them, once.
    const unrelayed = await noteUnrelayedEightDsOnce(models, platform.now());
    if (unrelayed >= 0) platform.logger.info({ module: 'eight-d-pending', eightDs: unrelayed }, "8Ds' unpublished events noted for the relay");
    const rules = createQualityRules(platform);
    // Today's values as version 1 of each rule, always: recurrence and every 8D need them.
    await rules.seed(platform.now());
    const desk = createFailureDesk(platform, models, (at) => rules.thresholdsAt(at));
    return {
      routes: [...articleRoutes(platform, models), ...eightDOpeningRoutes(platform, models), ...eightDRoutes(platform, models), ...recurrenceRoutes(models, desk, rules)],
      outboxCollections: qualityOutboxCollections(models),
      topics: qualityStreams,
      consumers: [failureRecordConsumer(platform, desk), eightDStarter(platform, rules)],
      temporalWorkers: [{ taskQueue: eightDTaskQueue, workflowsPath: qualityWorkflowsPath, workflowInterceptorModules, activities: createEightDActivities(platform, models) }],
    };
  },
};
