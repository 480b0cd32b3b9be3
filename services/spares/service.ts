import { topics } from '@aftersales/contracts';
import { defineRoute, type ServiceDefinition } from '@aftersales/platform';
import type { Collection } from 'mongodb';
import { requisitionApprovalTaskQueue, sparesWorkflowsPath, workflowInterceptorModules } from '@aftersales/workflows';
import type { SparesDeps } from './api/common';
import { costAllocationRoutes } from './api/cost-allocation';
import { sparesRuleRoutes } from './api/rules';
import { failureDecisionRoutes } from './api/failure-decisions';
import { partRoutes } from './api/parts';
import { pricingRoutes } from './api/pricing';
import { requisitionRoutes } from './api/requisitions';
import { reservationRoutes } from './api/reservations';
import { returnRoutes } from './api/returns';
import { stockRoutes } from './api/stock';
import { stockValuationRoutes } from './api/stock-valuations';
import { loadSparesConfig } from './config';
import { sparesConsumers } from './events/consumers';
import { sparesStreams } from './events/streams';
import { createCaseFlow } from './store/case-flow';
import { buildCaseListsOnce } from './store/case-lists';
import { buildCostLedgerOnce } from './store/cost-ledger';
import { buildAwaitingReportsOnce } from './store/awaiting-reports';
import { buildOpenListsOnce } from './store/open-lists';
import { buildOpenReservationsOnce } from './store/open-reservations';
import { buildGoneAboveOnce } from './store/stock-levels';
import { buildRequisitionHistoryOnce } from './store/requisition-history';
import { buildModelPartsOnce, createModelParts } from './store/model-parts';
import type { PartDoc } from './store/models';
import { buildRequisitionsRaisedOnce } from './store/requisitions-raised';
import { createSparesStore } from './store/collections';
import { loadDemoData } from './store/demo-data';
import { createSparesModels } from './store/models';
import { createReservationBook } from './store/reservations';
import { createSparesRules } from './store/rules';
import { createStockValuations } from './store/valuations';
import { createRequisitionActivities } from './worker/requisition-activities';
import { createSweeps } from './worker/sweeps';

/** Spares: parts and stock, reservations that never oversell, requisitions with approval, consumption, returns, quotes and who pays. */
export const sparesService: ServiceDefinition = {
  name: 'spares',
  defaultPort: 8083,
  version: '0.2.0',
  description: 'Parts, stock and reservations that never oversell, requisitions, returns, quotes and who pays.',
  async setup(platform) {
    const config = loadSparesConfig();
    const models = createSparesModels(platform.mongo);
    const store = createSparesStore(platform.mongo);
    await Promise.all([...Object.values(models).map((model) => model.init()), store.init()]);
    if (platform.config.SEED_DEMO_DATA) await loadDemoData(models, store);
    // Cases' lists of what was stored before they existed, once, before any path reads them (after the demo data, which they list).
    const listed = await buildCaseListsOnce(store, platform.now);
    if (listed >= 0) platform.logger.info({ listed }, 'case lists built from the documents stored before them');
    await buildCostLedgerOnce(store, platform.now, platform.logger); // who pays by month, for what was booked before the ledger, once
    await buildOpenListsOnce(store, platform.now, platform.logger); // the returns and claims open before the desk's open lists, once
    // The sweep's lists of what was stored before them, once: reservations not ended and claims they left, cases awaiting their report.
    await buildOpenReservationsOnce(store, platform.now, platform.logger);
    await buildAwaitingReportsOnce(store, platform.now, platform.logger);
    await buildRequisitionsRaisedOnce(store, platform.now, platform.logger); // the requisitions raised before the desk's list, once
    const partsCollection = models.parts.collection as unknown as Collection<PartDoc>;
    await buildModelPartsOnce(store, partsCollection, platform.now); // each model's parts, from the catalogue stored before the lists, once
    const modelParts = createModelParts(store, partsCollection, platform.now);
    const sampled = await buildRequisitionHistoryOnce(store, platform.now);
    if (sampled >= 0) platform.logger.info({ sampled }, 'requisition histories built from the requisitions raised before them');
    const log = platform.logger;
    const book = createReservationBook(store, platform, log.child({ module: 'reservations' }), { faultKillAfter: config.SPARES_FAULT_KILL_AFTER ?? null });
    // The units consumed or shipped above each stock card's hint before cards kept them, once: stock levels read no claim.
    await buildGoneAboveOnce(store, book.cards, platform.now, log);
    const returnPolicy = { dueDays: config.SPARES_RETURN_DUE_DAYS, chaseEveryDays: config.SPARES_RETURN_CHASE_EVERY_DAYS, flagAfterDaysOverdue: config.SPARES_RETURN_FLAG_AFTER_DAYS };
    const rules = createSparesRules(platform, { budgetCents: config.SPARES_REQUISITION_BUDGET_CENTS, misuseInWarrantyPayer: config.SPARES_MISUSE_IN_WARRANTY_PAYER });
    // The deployment's settings and the shipped goodwill as version 1, unless versions exist.
    await rules.seed(platform.now());
    const flow = createCaseFlow(store, models, book, platform, log.child({ module: 'case-flow' }), {
      returnPolicy,
      salesCentreId: config.SPARES_SALES_CENTRE_ID,
      factoryId: config.SPARES_FACTORY_ID,
      costRulesAt: (at) => rules.costRulesAt(at),
    });
    const sweeps = createSweeps(store, book, platform.now, log.child({ module: 'sweeps' }), returnPolicy, flow, platform, config.SPARES_ORPHAN_GRACE_MS);
    if (platform.config.PROCESS_ROLE !== 'api') {
      // Receipts and transfers stored before the uncounted entries (or before stock cards existed) are counted once per database, from a full scan.
      book.cards.reconcileOnce().catch((err: unknown) => log.warn({ err }, 'stock cards not reconciled at start; the next start retries'));
      book.listEarlierReservations().catch((err: unknown) => log.warn({ err }, 'earlier reservations not listed under their work orders; the next start retries'));
      // Expiry and chasing are idempotent, so several worker processes may sweep at once.
      setInterval(() => {
        sweeps.runOnce().catch((err: unknown) => log.warn({ err }, 'sweep failed; next one retries'));
      }, config.SPARES_SWEEP_MS).unref();
    }
    const valuations = createStockValuations(platform.mongo, store, models, platform, log.child({ module: 'valuations' }));
    const deps: SparesDeps = { platform, config, store, models, book, flow, rules };
    return {
      routes: [
        ...partRoutes(models, modelParts),
        ...stockRoutes(deps),
        ...stockValuationRoutes(deps, valuations),
        ...reservationRoutes(deps),
        ...requisitionRoutes(deps),
        ...returnRoutes(deps),
        ...failureDecisionRoutes(deps),
        ...pricingRoutes(deps),
        ...costAllocationRoutes(deps),
        ...sparesRuleRoutes(rules),
        defineRoute({
          method: 'post',
          path: '/v1/sweeps',
          summary: 'Run the expiry and chasing sweep now (it also runs on a timer in the worker)',
          tags: ['operations'],
          roles: ['spares', 'platform'],
          responses: { 200: { description: 'What the sweep did' } },
          handler: async () => {
            const result = await sweeps.runOnce();
            platform.nudgeOutbox();
            return { status: 200, body: result };
          },
        }),
      ],
      outboxCollections: [...store.outboxCollections, valuations.collection as unknown as (typeof store.outboxCollections)[number]],
      topics: [...sparesStreams, topics.serviceRequests, topics.workOrders],
      consumers: sparesConsumers(platform, store, book, flow),
      temporalWorkers: [{ taskQueue: requisitionApprovalTaskQueue, workflowsPath: sparesWorkflowsPath, workflowInterceptorModules, activities: createRequisitionActivities(platform, store) }],
      // Every location's stock valued once per UTC day: at the worker's start, then checked each SPARES_VALUATION_CHECK_MS.
      tasks: [{ name: 'stock-valuation', everyMs: config.SPARES_VALUATION_CHECK_MS, run: async () => void (await valuations.run()) }],
    };
  },
};
