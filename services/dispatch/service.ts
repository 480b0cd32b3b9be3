import { topics } from '@aftersales/contracts';
import { indexedOutbox, type ServiceDefinition } from '@aftersales/platform';
import { boardRoutes } from './api/board';
import { depotRoutes } from './api/depots';
import { engineerRoutes } from './api/engineers';
import { workOrderRoutes } from './api/work-orders';
import { loadDispatchConfig } from './config';
import { containmentConsumer, createContainmentHandlers } from './events/eight-ds';
import { boardConsumer, createLifecycleHandlers, createRegisteredHandler } from './events/service-requests';
import { loadDemoData } from './store/demo-data';
import { createDispatchCollections, createDispatchModels } from './store/models';
import { createPlanner } from './store/planner';
import { buildClosedListsOnce } from './store/closed-work-orders';
import { moveLiftedContainmentOnce } from './store/containment-history';
import { createServiceCalendars } from './store/service-calendars';
import { calendarConsumer, createCalendarHandler } from './events/calendars';

/** Dispatch: the board, engineers and their calendars, work orders from assignment to report, and the depot queue. */
export const dispatchService: ServiceDefinition = {
  name: 'dispatch',
  defaultPort: 8082,
  version: '0.2.0',
  description: 'Puts the right engineer on each request: the board, work orders, calendars and the depot queue.',
  async setup(platform) {
    const config = loadDispatchConfig();
    const models = createDispatchModels(platform.mongo);
    await Promise.all(Object.values(models).map((model) => model.init()));
    const collections = await createDispatchCollections(platform.mongo);
    if (platform.config.SEED_DEMO_DATA) await loadDemoData(collections);
    const calendars = createServiceCalendars(collections.serviceCalendars);
    await calendars.load();
    await moveLiftedContainmentOnce(collections, platform.now());
    // The work orders closed before the closing statuses' lists, listed once.
    const listed = await buildClosedListsOnce(collections, platform.now());
    if (listed >= 0) platform.logger.info({ listed }, 'closed work orders listed by closing status');
    const planner = createPlanner(platform, models, collections, { ...config, calendars });
    return {
      routes: [...boardRoutes(models), ...engineerRoutes(planner, collections), ...workOrderRoutes(planner, models, collections), ...depotRoutes(models, collections)],
      // The work-order change log carries the events; the relay publishes them to dispatch.work-orders.v1
      // from the small pending index (each change is noted there as it is settled, store/work-orders.ts).
      outboxCollections: [indexedOutbox(collections.workOrderChanges) as never],
      topics: [topics.serviceRequests, topics.workOrders, topics.eightDs, topics.calendars],
      consumers: [
        {
          group: boardConsumer,
          topics: [topics.serviceRequests],
          handlers: { 'service-request.registered@1': createRegisteredHandler(platform, models), ...createLifecycleHandlers(platform, planner) },
        },
        { group: containmentConsumer, topics: [topics.eightDs], handlers: createContainmentHandlers(platform, collections, planner.flagsChanged) },
        { group: calendarConsumer, topics: [topics.calendars], handlers: { 'calendar.version-published@1': createCalendarHandler(platform, calendars) } },
      ],
      temporalWorkers: [],
    };
  },
};
