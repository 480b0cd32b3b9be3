import { z } from 'zod';
import { defineRoute, identifier, managedRecordRoutes, type RouteSpec } from '@aftersales/platform';
import { eightDRules, productLineThresholds } from '../domain/managed-rules';
import { createEightDRecords } from '../store/eight-d-records';
import type { FailureDesk } from '../store/failure-desk';
import { failureRecordListsOf } from '../store/failure-record-lists';
import type { QualityRules } from '../store/rules';
import type { QualityModels } from '../store/models';
import { recurrenceHitListsOf } from '../store/recurrence-hit-lists';
import { presentFailureRecord } from './eight-ds';
import { failureRecordLinks, failureRecordView, formalReportDemandView, itemsOf, modelGenerationView, recurrencesView } from './responses';

const readers = ['quality', 'manager', 'auditor', 'platform'] as const;

/** What recurrence detection decided, record by record, and the model generations it compares. */
/** Quality engineers and managers set the rules; the platform team loads them. */
const ruleWriters = ['quality', 'manager', 'platform'] as const;
const ruleReaders = ['quality', 'manager', 'auditor', 'platform', 'dispatcher', 'agent'] as const;

/** How many of the latest hit documents and failure records the tabs show. */
const hitsShown = 500;
const recordsShown = 1000;

export function recurrenceRoutes(models: QualityModels, desk: FailureDesk, rules: QualityRules): RouteSpec[] {
  // Both tabs read keyed lists by `_id` (store/failure-record-lists.ts, recurrence-hit-lists.ts, eight-d-records.ts), never a filter over the growing collections.
  const hitLists = recurrenceHitListsOf(models);
  const recordLists = failureRecordListsOf(models);
  const eightDRecords = createEightDRecords(models, () => new Date());
  return [
    ...managedRecordRoutes({ path: '/v1/recurrence-rules', tag: 'rules', what: 'recurrence rule', records: rules.recurrence, readers: ruleReaders, writers: ruleWriters, bodySchema: productLineThresholds, inputSchema: productLineThresholds }),
    ...managedRecordRoutes({ path: '/v1/eight-d-rules', tag: 'rules', what: '8D rules', records: rules.eightD, readers: ruleReaders, writers: ruleWriters, bodySchema: eightDRules, inputSchema: eightDRules }),
    defineRoute({
      method: 'get',
      path: '/v1/recurrences',
      summary: 'Recurrence hits, newest first (the 500 checks with hits listed last): which rules fired for which failure record, and the 8D opened or joined',
      tags: ['recurrence'],
      roles: readers,
      query: z.object({ model: identifier.optional(), eightDId: identifier.optional() }),
      responses: { 200: { description: 'The hits and the thresholds in force', schema: recurrencesView, links: { getEightD: { operationId: 'getEightDsById', parameters: { id: '$response.body#/items/0/eightDId' } } } } },
      handler: async ({ query }) => {
        const docs = await hitLists.latest({ model: query.model ?? null, eightDId: query.eightDId ?? null }, hitsShown);
        const items = docs.flatMap((d) => d.hits.map((h) => ({ failureRecordId: d.failureRecordId, checkedAt: d.checkedAt, problem: { productLine: d.productLine, model: d.model, failureMode: d.failureMode }, ...h })));
        return { status: 200, body: { items, thresholds: await rules.thresholdsAt(new Date()) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/failure-records',
      summary: 'Failure records by model or 8D: the 1000 listed last (as they arrived or took their model), oldest first',
      tags: ['recurrence'],
      roles: readers,
      query: z.object({ model: identifier.optional(), eightDId: identifier.optional() }),
      responses: { 200: { description: 'The records, oldest first', schema: itemsOf(failureRecordView), links: { getEightD: { operationId: 'getEightDsById', parameters: { id: '$response.body#/items/0/eightDId' } }, ...failureRecordLinks('/items/0') } } },
      handler: async ({ query }) => {
        // An 8D's list is the narrower one: its records, with the model (if asked) filtered in memory.
        const docs = query.eightDId
          ? (await eightDRecords.of(query.eightDId)).filter((d) => !query.model || d.model === query.model).slice(-recordsShown)
          : await recordLists.latest(query.model ?? null, recordsShown);
        return { status: 200, body: { items: docs.map(presentFailureRecord) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/formal-report-demands',
      summary: "A customer demands a formal report on a request: the request's failure record opens (or joins) an 8D",
      tags: ['recurrence'],
      roles: ['quality', 'manager', 'agent'],
      body: z.object({ requestId: identifier }),
      responses: { 202: { description: 'Noted; checked now if the failure record exists, else when it arrives', schema: formalReportDemandView, links: { getRecurrences: { operationId: 'getRecurrences', parameters: {} } } } },
      handler: async ({ body }) => ({ status: 202, body: { requestId: body.requestId, ...(await desk.demandFormalReport(body.requestId)) } }),
    }),
    defineRoute({
      method: 'put',
      path: '/v1/model-generations/:model',
      summary: "A model's place in its product line (higher is newer): the newer-model rule compares these",
      tags: ['recurrence'],
      roles: ['quality', 'manager'],
      params: z.object({ model: identifier }),
      body: z.object({ productLine: identifier, generation: z.number().int().min(0).max(1000) }),
      responses: { 200: { description: 'Stored', schema: modelGenerationView, links: { getFailureRecords: { operationId: 'getFailureRecords', parameters: { model: '$response.body#/model' } } } } },
      handler: async ({ params, body }) => {
        await models.modelGenerations.updateOne({ _id: params.model }, { $set: body }, { upsert: true });
        return { status: 200, body: { model: params.model, ...body } };
      },
    }),
  ];
}
