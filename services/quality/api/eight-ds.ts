import { z } from 'zod';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import { ConflictError, defineRoute, DependencyUnavailableError, firstIssue, identifier, keyedRecord, NotFoundError, PlatformError, UnprocessableError, withoutReservedKeys, type Platform, type Principal, type RouteSpec } from '@aftersales/platform';
import {
  approveDisciplineUpdate,
  assignDisciplineUpdate,
  eightDDisciplines,
  eightDStepRefused,
  getEightDQuery,
  sendBackDisciplineUpdate,
  submitDisciplineUpdate,
  type EightDState,
} from '@aftersales/workflows';
import { renderReportHtml, reportOf } from '../domain/report';
import { eightDWorkflowId } from '../events/eight-d-starter';
import { renderPdf } from '../domain/pdf';
import { boardItemOf, eightDBoardOf } from '../store/eight-d-board';
import { createEightDRecords } from '../store/eight-d-records';
import type { EightDDoc, FailureRecordDoc, QualityModels } from '../store/models';
import { eightDStateView, eightDSummaryView, eightDView, itemsOf } from './responses';

const readers = ['quality', 'manager', 'auditor', 'platform'] as const;
const deciders = ['quality', 'manager'] as const;
const idParams = z.object({ id: identifier });
const stepParams = z.object({ id: identifier, discipline: z.enum(eightDDisciplines) });
const text = (max = 4000) => z.string().trim().min(1).max(max);
const instant = z.iso.datetime({ offset: true });
const member = z.object({ id: text(64), name: text(200), role: text(200) });
const scope = z
  .object({ productLine: identifier.optional(), model: identifier.optional(), serialFrom: identifier.optional(), serialTo: identifier.optional(), partNumber: identifier.optional() })
  .refine((s) => Object.keys(s).length > 0, { message: 'name at least one of productLine, model, serial range, partNumber' });
const flag = z.object({ scope, instruction: text(2000), carryParts: z.array(identifier).max(50).default([]) });

/** What each discipline's owner submits; the discipline in the path picks the shape. */
const contentSchemas = {
  D0: z.object({ actions: text() }),
  D1: z.object({ members: z.array(member).min(1).max(50), owners: withoutReservedKeys(z.partialRecord(z.enum(eightDDisciplines), text(64))).default({}) }),
  D2: z.object({ statement: text(), what: text(), where: text(), when: text(), howMany: text(500), isNot: text() }),
  D3: z.object({ actions: text(), flags: z.array(flag).max(20).default([]) }),
  // Fishbone categories (material, method, ...) become field names of the stored 8D: record keys.
  D4: z.object({ rootCause: text(), fiveWhys: z.array(text(1000)).min(1).max(10), fishbone: keyedRecord(z.array(text(1000)).max(20)), escapePoint: text() }),
  D5: z.object({ actions: z.array(z.object({ action: text(), owner: text(64), dueAt: instant })).min(1).max(50) }),
  D6: z.object({ implemented: text(), validation: text(), effective: z.boolean() }),
  D7: z.object({ standards: z.array(text(500)).max(50), designRules: z.array(text(500)).max(50), otherModels: z.array(identifier).max(50), flags: z.array(flag).max(20).default([]) }),
  D8: z.object({ summary: text(), recognition: text() }),
} as const;

/** The content's shapes in the API document, one per discipline (the path's discipline picks which applies). */
const contentDocumentation = {
  description: 'The shape of the discipline in the path: D0 actions; D1 team and owners; D2 problem description; D3 containment; D4 root cause; D5 corrective actions; D6 validation; D7 prevention; D8 closure',
  anyOf: Object.entries(contentSchemas).map(([discipline, schema]) => {
    const { $schema: _, ...json } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    return { title: discipline, ...json };
  }),
};

/** From an 8D to reading it, its failure records and its reports. */
export const toEightD = (id: string) => ({
  getEightD: { operationId: 'getEightDsById', parameters: { id } },
  getFailureRecords: { operationId: 'getFailureRecords', parameters: { eightDId: id } },
  getReportHtml: { operationId: 'getEightDsByIdReportHtml', parameters: { id } },
  getReportPdf: { operationId: 'getEightDsByIdReportPdf', parameters: { id } },
});
/** From an 8D to the steps of the discipline it is at. */
const atDiscipline = (id: string, discipline: string) => ({
  submit: { operationId: 'postEightDsByIdDisciplinesByDisciplineSubmission', parameters: { id, discipline } },
  approve: { operationId: 'postEightDsByIdDisciplinesByDisciplineApproval', parameters: { id, discipline } },
  sendBack: { operationId: 'postEightDsByIdDisciplinesByDisciplineReturn', parameters: { id, discipline } },
  assign: { operationId: 'putEightDsByIdDisciplinesByDisciplineAssignment', parameters: { id, discipline } },
});
/** After a step: the same discipline's next step, and the 8D. */
const afterStep = { ...toEightD('$response.body#/eightDId'), ...atDiscipline('$response.body#/eightDId', '$request.path.discipline') };

/** A failure record as answered: nulls an upsert's $setOnInsert stored (FerretDB v1 drops them: the demo records) answered as null. */
export function presentFailureRecord({ _id, ...r }: FailureRecordDoc) {
  return { id: _id, ...r, partNumber: r.partNumber ?? null, lot: r.lot ?? null, supplierId: r.supplierId ?? null, finding: r.finding ?? null, eightDId: r.eightDId ?? null };
}

const by = (principal: Principal | null) => principal?.sub ?? 'unknown';

export function eightDRoutes(platform: Platform, models: QualityModels): RouteSpec[] {
  const eightDRecords = createEightDRecords(models, () => platform.now());
  /** The 8D as it stands: the workflow's own state (query), or its last recorded copy when Temporal cannot answer. */
  async function current(id: string): Promise<{ doc: EightDDoc; state: EightDState | null; source: 'workflow' | 'record' }> {
    const doc = await models.eightDs.findById(id).lean<EightDDoc>();
    if (!doc) throw new NotFoundError('8D', id, 'id');
    try {
      const state = await platform.temporal.connection.withDeadline(Date.now() + 5_000, () => platform.temporal.workflow.getHandle(eightDWorkflowId(platform, id)).query(getEightDQuery));
      return { doc, state, source: 'workflow' };
    } catch (error) {
      platform.logger.warn({ eightDId: id, err: error }, '8D query failed; answering from the record');
      return { doc, state: doc.state, source: 'record' };
    }
  }

  /** Through the 8D's numbered list, by `_id`: a `{ eightDId }` filter reads every failure record on FerretDB. */
  async function records(id: string) {
    return (await eightDRecords.of(id)).map(presentFailureRecord);
  }

  /** Opened, but its process has not started yet: a moment's wait; 409 with Retry-After, the service itself is up. */
  function notReadyYet(message: string): PlatformError {
    return new PlatformError(message, { status: 409, code: 'not_started', field: 'id', retriable: true });
  }

  /** No running process for the step: no such 8D (404), a closed one (409 for good), or one whose process has not started yet. */
  async function withoutProcess(id: string): Promise<PlatformError> {
    const doc = await models.eightDs.findById(id, { status: 1 }).lean<Pick<EightDDoc, 'status'>>();
    if (!doc) return new NotFoundError('8D', id, 'id');
    if (doc.status === 'closed') return new PlatformError(`status: 8D ${id} is closed; no step applies to it any more`, { status: 409, code: 'step_refused', field: 'status' });
    return notReadyYet(`8D ${id} has no running process yet; try again shortly`);
  }

  async function update<A extends [unknown]>(id: string, def: UpdateDefinition<EightDState, A>, args: A): Promise<EightDState> {
    const handle = platform.temporal.workflow.getHandle(eightDWorkflowId(platform, id));
    try {
      return await platform.temporal.connection.withDeadline(Date.now() + 15_000, () => handle.executeUpdate(def, { args }));
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError) {
        const cause = error.cause;
        if (cause instanceof ApplicationFailure && cause.type === eightDStepRefused) {
          const field = String(cause.details?.[0] ?? 'discipline');
          // Out of order or already decided is a conflict with the 8D's state; a bad owner or date is bad input.
          if (field === 'discipline') throw new ConflictError(cause.message, 'discipline');
          throw new UnprocessableError(field, cause.message);
        }
        throw new PlatformError((cause as Error | undefined)?.message ?? error.message, { status: 409, code: 'step_refused', field: 'discipline' });
      }
      if (error instanceof WorkflowNotFoundError) throw await withoutProcess(id);
      throw new DependencyUnavailableError('Temporal', error);
    }
  }

  return [
    defineRoute({
      method: 'get',
      path: '/v1/eight-ds',
      summary: 'The 8D board: every open 8D and those among the 500 that closed last (or one status), by model or product line, newest opened first, at most 500',
      tags: ['8D'],
      roles: readers,
      query: z.object({ status: z.enum(['open', 'closed']).optional(), model: identifier.optional(), productLine: identifier.optional() }),
      responses: { 200: { description: 'The 8Ds with the discipline each is at', schema: itemsOf(eightDSummaryView), links: { getFirst: { operationId: 'getEightDsById', parameters: { id: '$response.body#/items/0/id' } } } } },
      handler: async ({ query }) => {
        const docs = await eightDBoardOf(models).list(query);
        return { status: 200, body: { items: docs } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/eight-ds/:id',
      summary: 'One 8D: every discipline with owner, due date, state and escalations; its failure records',
      tags: ['8D'],
      roles: readers,
      params: idParams,
      responses: { 200: { description: 'The 8D', schema: eightDView, links: { ...toEightD('$response.body#/id'), ...atDiscipline('$response.body#/id', '$response.body#/current/discipline') } }, 404: { description: 'No such 8D' } },
      handler: async ({ params }) => {
        const { doc, state, source } = await current(params.id);
        return { status: 200, body: { ...boardItemOf(doc), source, state, failureRecords: await records(params.id) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/eight-ds/:id/disciplines/:discipline/submission',
      summary: "The discipline's owner (or the champion) submits its content for approval",
      tags: ['8D'],
      roles: deciders,
      params: stepParams,
      body: z.object({ content: z.record(z.string(), z.unknown()).meta(contentDocumentation) }),
      responses: { 200: { description: "The 8D's state after the step", schema: eightDStateView, links: afterStep }, 404: { description: 'No such 8D' }, 409: { description: 'Out of order, already submitted, or the 8D is closed' }, 422: { description: 'An owner not on the team, a due date in the past, a submitter who does not own it' } },
      handler: async ({ params, body, principal }) => {
        const parsed = contentSchemas[params.discipline].safeParse(body.content);
        if (!parsed.success) {
          const { path, message } = firstIssue(parsed.error);
          const field = path ? `content.${path}` : 'content';
          throw new PlatformError(`${field}: ${message}`, { status: 400, code: 'invalid_input', field });
        }
        const content = { discipline: params.discipline, ...parsed.data } as never;
        return { status: 200, body: await update(params.id, submitDisciplineUpdate, [{ by: by(principal), content }]) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/eight-ds/:id/disciplines/:discipline/approval',
      summary: 'Approve a submitted discipline; the next one opens',
      tags: ['8D'],
      roles: deciders,
      params: stepParams,
      responses: { 200: { description: "The 8D's state after the step", schema: eightDStateView, links: afterStep }, 409: { description: 'Nothing submitted to approve' } },
      handler: async ({ params, principal }) => ({ status: 200, body: await update(params.id, approveDisciplineUpdate, [{ discipline: params.discipline, by: by(principal) }]) }),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/eight-ds/:id/disciplines/:discipline/return',
      summary: 'Send a submitted discipline back to its owner, saying why',
      tags: ['8D'],
      roles: deciders,
      params: stepParams,
      body: z.object({ reason: text(2000) }),
      responses: { 200: { description: "The 8D's state after the step", schema: eightDStateView, links: afterStep }, 409: { description: 'Nothing submitted to send back' } },
      handler: async ({ params, body, principal }) => ({ status: 200, body: await update(params.id, sendBackDisciplineUpdate, [{ discipline: params.discipline, by: by(principal), reason: body.reason }]) }),
    }),
    defineRoute({
      method: 'put',
      path: '/v1/eight-ds/:id/disciplines/:discipline/assignment',
      summary: "Set a discipline's owner (a team member) and due date (in the future)",
      tags: ['8D'],
      roles: deciders,
      params: stepParams,
      body: z.object({ owner: text(64), dueAt: instant }),
      responses: { 200: { description: "The 8D's state after the step", schema: eightDStateView, links: afterStep }, 422: { description: 'Owner not on the team, or due date in the past' } },
      handler: async ({ params, body, principal }) => ({ status: 200, body: await update(params.id, assignDisciplineUpdate, [{ discipline: params.discipline, owner: body.owner, dueAt: new Date(body.dueAt).toISOString(), by: by(principal) }]) }),
    }),
    defineRoute({
      method: 'get',
      path: '/v1/eight-ds/:id/report.html',
      summary: "The customer report of the 8D as it stands (HTML), generated from the workflow's state",
      tags: ['8D'],
      roles: readers,
      params: idParams,
      responses: { 200: { description: 'The report as an HTML page', contentType: 'text/html' }, 409: { description: 'The 8D was opened but its process has not started yet: try again shortly (Retry-After)' } },
      handler: async ({ params }) => {
        const { state } = await current(params.id);
        if (!state) throw notReadyYet(`8D ${params.id} has no state yet; try again shortly`);
        return { status: 200, raw: { contentType: 'text/html; charset=utf-8', content: renderReportHtml(reportOf(state, await records(params.id))) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/eight-ds/:id/report.pdf',
      summary: "The customer report of the 8D as it stands (PDF), generated from the workflow's state",
      tags: ['8D'],
      roles: readers,
      params: idParams,
      responses: { 200: { description: 'The report as a PDF document', contentType: 'application/pdf' }, 409: { description: 'The 8D was opened but its process has not started yet: try again shortly (Retry-After)' } },
      handler: async ({ params }) => {
        const { state } = await current(params.id);
        if (!state) throw notReadyYet(`8D ${params.id} has no state yet; try again shortly`);
        const pdf = await renderPdf(reportOf(state, await records(params.id)));
        return { status: 200, headers: { 'content-disposition': `inline; filename="${params.id}.pdf"` }, raw: { contentType: 'application/pdf', content: Buffer.from(pdf) } };
      },
    }),
  ];
}
