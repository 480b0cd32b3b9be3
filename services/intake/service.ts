import { topics } from '@aftersales/contracts';
import { indexedOutbox, type ServiceDefinition } from '@aftersales/platform';
import { buildMachineHistoryOnce } from './store/service-history';
import { buildClosedRequestsOnce } from './store/customer-requests';
import { moveLiftedContainmentOnce } from './store/containment-history';
import { serviceRequestTaskQueue, workflowsPath, workflowInterceptorModules } from '@aftersales/workflows';
import { contractRoutes } from './api/contracts';
import { customerRoutes } from './api/customers';
import { dealerRoutes } from './api/dealers';
import { deviceAlarmRoutes } from './api/device-alarms';
import { entitlementRoutes } from './api/entitlements';
import { knownFixRoutes } from './api/known-fixes';
import { slaBoardRoutes } from './api/sla-board';
import { slaReferenceRoutes } from './api/sla-reference';
import { loadIntakeConfig } from './config';
import { machineRoutes } from './api/machines';
import { proactiveVisitRoutes } from './api/proactive-visits';
import { serviceRequestActionRoutes } from './api/service-request-actions';
import { serviceRequestRoutes } from './api/service-requests';
import { createArticleHandler, knownFixConsumer } from './events/articles';
import { complaintConsumer, createComplaintHandler } from './events/complaints';
import { noticesConsumerSpec } from './events/notices';
import { createDeviceAlarmHandler, deviceAlarmConsumer } from './events/device-alarms';
import { containmentConsumer, createContainmentHandlers } from './events/containment';
import { createDispatchFactHandlers, dispatchFactsConsumer } from './events/dispatch-facts';
import { createSparesFactHandlers, sparesFactsConsumer } from './events/spares-facts';
import { createWorkflowStarter } from './events/workflow-starter';
import { loadDemoData } from './store/demo-data';
import { announceInstalledBaseOnce, machineAnnouncements } from './store/machine-announcements';
import { createAlarmIntake } from './store/alarms';
import { createIntakeModels } from './store/models';
import { buildReadModelsOnce, buildRequestAlarmsOnce, readModelsOf } from './store/read-models';
import { createRegistrar } from './store/registrar';
import { createSlaReference } from './store/sla-reference';
import { createWorkflowEventModel } from './store/workflow-events';
import { createServiceRequestActivities } from './worker/activities';
import { calendarRolloutActivitiesFor } from './worker/calendar-rollout-activities';
import { proactiveVisitActivitiesFor } from './worker/proactive-visit-activities';

/** Intake: customers, machines and the service-request record; runs the serviceRequest workflow's worker. */
export const intakeService: ServiceDefinition = {
  name: 'intake',
  defaultPort: 8081,
  version: '0.1.0',
  description: 'Registers service requests from every channel and runs each as a durable workflow.',
  async setup(platform) {
    const models = createIntakeModels(platform.mongo);
    const workflowEvents = createWorkflowEventModel(platform.mongo);
    await Promise.all([...Object.values(models), workflowEvents].map((model) => model.init()));
    if (platform.config.SEED_DEMO_DATA) await loadDemoData(models, platform.now(), platform);
    const config = loadIntakeConfig();
    const reference = createSlaReference(platform, config);
    // The shipped calendars and policies, always: every request needs terms to start its clocks.
    await reference.seed(platform.now());
    // Once per database: the keyed read models of the hot paths from records stored before them.
    await buildReadModelsOnce(readModelsOf(models), models.serviceRequests.collection as never, models.contracts.collection as never, platform.now());
    await buildRequestAlarmsOnce(readModelsOf(models), models.alarms.collection as never, platform.now());
    await readModelsOf(models).machineLinks.buildOnce(platform.now());
    await readModelsOf(models).machineLinks.buildReportedOnce(models.serviceRequests.collection as never, platform.now());
    await buildMachineHistoryOnce(models, platform.now());
    await buildClosedRequestsOnce(readModelsOf(models), models.serviceRequests.collection as never, platform.now());
    await readModelsOf(models).dealerCustomers.buildOnce(platform.now());
    await readModelsOf(models).customerNames.buildOnce(platform.now());
    await moveLiftedContainmentOnce(models.containmentFlags, readModelsOf(models).builds, platform.now());
    // Once per database: machines stored before they announced themselves get their machine.registered.
    if (!platform.mongo.db) throw new Error('intake: the Mongo connection is not open');
    const announcements = indexedOutbox(machineAnnouncements(platform.mongo.db));
    await announceInstalledBaseOnce(platform, models, readModelsOf(models).builds, announcements);
    const registrar = createRegistrar(platform, models);
    const alarms = createAlarmIntake(platform, models, registrar);
    const workflowStarter = createWorkflowStarter(platform, reference);
    return {
      routes: [
        ...serviceRequestRoutes(platform, models, registrar),
        ...serviceRequestActionRoutes(platform, models),
        ...customerRoutes(platform, models),
        ...dealerRoutes(platform, models),
        ...machineRoutes(platform, models),
        ...contractRoutes(platform, models, reference),
        ...entitlementRoutes(platform, models),
        ...knownFixRoutes(models),
        ...deviceAlarmRoutes(alarms),
        ...proactiveVisitRoutes(platform, models),
        ...slaBoardRoutes(readModelsOf(models)),
        ...slaReferenceRoutes(reference),
      ],
      healthWarnings: () => reference.horizonWarnings(),
      tasks: [{ name: 'calendar-check', everyMs: config.INTAKE_CALENDAR_CHECK_MS, run: () => reference.check() }],
      // These take their events with their insert: the relay reads their small pending index (see indexedOutbox).
      outboxCollections: [
        indexedOutbox(models.serviceRequests.collection as never),
        indexedOutbox(workflowEvents.collection as never),
        indexedOutbox(models.machines.collection as never),
        announcements as never,
        ...reference.outboxCollections,
      ],
      topics: [topics.serviceRequests, topics.machines, topics.calendars, topics.deviceAlarms, topics.articles, topics.workOrders, topics.reservations, topics.eightDs, topics.notices],
      consumers: [
        {
          group: 'intake-workflow-starter',
          topics: [topics.serviceRequests],
          // Starts are independent (the workflow id is the request's): a fetched batch's go out
          // together, up to defaultStartsInFlight at once across the partitions.
          concurrentPartitions: 3,
          handlers: {
            'service-request.registered@1': workflowStarter.handler,
          },
          batchHandler: workflowStarter.batchHandler,
        },
        { group: complaintConsumer, topics: [topics.serviceRequests], handlers: { 'service-request.complaint-raised@1': createComplaintHandler(platform, models, registrar) } },
        { group: dispatchFactsConsumer, topics: [topics.workOrders], handlers: createDispatchFactHandlers(platform, models) },
        { group: sparesFactsConsumer, topics: [topics.reservations], handlers: createSparesFactHandlers(platform) },
        { group: containmentConsumer, topics: [topics.eightDs], handlers: createContainmentHandlers(platform, models.containmentFlags) },
        { group: deviceAlarmConsumer, topics: [topics.deviceAlarms], handlers: { 'device.alarm-raised@1': createDeviceAlarmHandler(platform, alarms) } },
        { group: knownFixConsumer, topics: [topics.articles], handlers: { 'article.published@1': createArticleHandler(platform, models) } },
        noticesConsumerSpec(platform),
      ],
      temporalWorkers: [
        {
          taskQueue: serviceRequestTaskQueue,
          workflowsPath,
          workflowInterceptorModules,
          // proactiveVisit and calendarRollout run here too: short runs that share the bundle and intake's data.
          activities: {
            ...createServiceRequestActivities({ platform, serviceRequests: models.serviceRequests, workflowEvents }),
            ...proactiveVisitActivitiesFor(platform, models),
            ...calendarRolloutActivitiesFor(platform, models),
          },
        },
      ],
    };
  },
};
