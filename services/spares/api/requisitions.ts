import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ConflictError, defineRoute, DependencyUnavailableError, NotFoundError, PlatformError, UnprocessableError, type RouteSpec } from '@aftersales/platform';
import {
  checkDecision,
  decideRequisitionUpdate,
  DecisionRefused,
  getRequisitionStateQuery,
  requisitionApprovalTaskQueue,
  type RequisitionApprovalInput,
  type RequisitionApprovalState,
} from '@aftersales/workflows';
import { approvalReasons, describeReason } from '../domain/approval';
import type { RequisitionDoc } from '../store/collections';
import { withEvent } from '../store/events';
import { loadPriceList, unitCostCents } from '../store/prices';
import { quoteAccepted as anyQuoteAccepted } from '../store/quotes';
import { createCaseLists } from '../store/case-lists';
import { createRequisitionHistory } from '../store/requisition-history';
import { createRequisitionsRaised } from '../store/requisitions-raised';
import { by, causeFrom, id, partLines, readers, type SparesDeps } from './common';
import { checkParts, openWorkOrder } from './reservations';
import { approvalStateView, itemsOf, requisitionLinks, requisitionView, sparesWorkOrderLinks } from './responses';

const decisionBody = z
  .object({
    outcome: z.enum(['approve', 'reject', 'partial']),
    lines: z.array(z.object({ partNumber: id, approved: z.number().int().min(0) })).max(50).optional(),
    note: z.string().trim().min(1).max(2000).optional(),
  })
  .strict();

/** From a requisition to reading and deciding it. */
const toRequisition = requisitionLinks('$response.body#/id');

export function approvalInput(doc: RequisitionDoc): RequisitionApprovalInput {
  return { requisitionId: doc._id, requesterId: doc.requesterId, approvers: doc.approvers, deadlineMs: doc.deadlineMs, lines: doc.lines.map((l) => ({ partNumber: l.partNumber, quantity: l.quantity })), reasons: doc.reasons };
}

export function requisitionRoutes(deps: SparesDeps): RouteSpec[] {
  const { store, models, platform, config } = deps;
  const requisitionHistory = createRequisitionHistory(store, () => platform.now());
  const lists = createCaseLists(store);
  const raised = createRequisitionsRaised(store);

  async function liveState(requisitionId: string): Promise<RequisitionApprovalState | null> {
    try {
      return await platform.temporal.workflow.getHandle(requisitionId).query(getRequisitionStateQuery);
    } catch {
      return null;
    }
  }

  async function present(requisitionId: string) {
    const doc = await store.requisitions.findOne({ _id: requisitionId });
    if (!doc) return null;
    const decision = await store.requisitionDecisions.findOne({ _id: requisitionId }, { projection: { outbox: 0, outboxDueAt: 0 } });
    const { _id, ...rest } = doc;
    return {
      id: _id,
      ...rest,
      status: decision?.decision ?? doc.status,
      decision: decision ? { decision: decision.decision, lines: decision.lines, by: decision.by, note: decision.note, lapsed: decision.lapsed, decidedAt: decision.decidedAt } : null,
      approval: doc.approvalNeeded && !decision ? await liveState(requisitionId) : null,
    };
  }

  return [
    defineRoute({
      method: 'post',
      path: '/v1/requisitions',
      summary: 'Requisition parts for a work order; rules decide whether a person must approve it',
      tags: ['requisitions'],
      roles: ['engineer', 'spares', 'dispatcher', 'depot'],
      body: z.object({ workOrderId: id, lines: partLines }).strict(),
      responses: { 201: { description: 'Approved by rule, or waiting for approval', schema: requisitionView, links: toRequisition }, 422: { description: 'Unknown part, or the work order is closed' } },
      handler: async (ctx) => {
        const { body, principal } = ctx;
        const workOrder = await openWorkOrder(store, body.workOrderId);
        await checkParts(deps, body.lines);
        const caseDoc = await store.cases.findOne({ _id: workOrder.requestId });
        const list = await loadPriceList(store);
        const lines = [];
        for (const l of body.lines) lines.push({ ...l, unitPriceCents: await unitCostCents(store, models.parts, list, l.partNumber) });
        const quoteAccepted = await anyQuoteAccepted(store, workOrder.requestId);
        const requesterId = by(principal);
        const model = caseDoc?.model ?? null;
        // History: the earlier requisition lines of the same parts, by `_id` (the rules narrow it to the model).
        const history = await requisitionHistory.of(body.lines.map((l) => l.partNumber));
        const requisitionId = `REQ-${randomUUID()}`;
        const reasons = approvalReasons(
          { requisitionId, engineerId: requesterId, model, lines, entitlementSource: caseDoc?.entitlementSource ?? null, quoteAccepted },
          history,
          // The managed rules in force as the requisition is raised.
          await deps.rules.approvalRulesAt(platform.now()),
        );
        const approvers = config.SPARES_APPROVERS.filter((a) => a !== requesterId);
        const doc: RequisitionDoc = {
          _id: requisitionId,
          workOrderId: workOrder._id,
          requestId: workOrder.requestId,
          requesterId,
          lines,
          model,
          reasons: reasons.map(describeReason),
          approvalNeeded: reasons.length > 0,
          approvers,
          deadlineMs: config.SPARES_APPROVAL_DEADLINE_SECONDS * 1000,
          currentApprover: reasons.length > 0 ? (approvers[0] ?? null) : null,
          escalations: [],
          status: reasons.length > 0 ? 'pending-approval' : 'approved',
          createdAt: platform.now(),
        };
        // Listed under its work order and among all first (a crash before the insert leaves entries readers skip).
        await Promise.all([lists.add('requisitions', workOrder._id, [requisitionId]), raised.listed(requisitionId)]);
        await store.requisitions.insertOne(doc);
        for (const reason of reasons.filter((r) => r.rule === 'unusual-quantity')) {
          await store.redFlags
            .insertOne({ _id: `requisition-outlier|${requisitionId}|${reason.partNumber}`, kind: 'requisition-outlier', subject: requisitionId, detail: describeReason(reason), engineerId: requesterId, raisedAt: platform.now() })
            .catch(() => undefined);
        }
        if (reasons.length === 0) {
          const at = platform.now();
          const decided = { decision: 'approved' as const, lines: lines.map((l) => ({ partNumber: l.partNumber, requested: l.quantity, approved: l.quantity })), by: 'rule', note: 'within budget and usual quantities', lapsed: false, decidedAt: at };
          await store.requisitionDecisions.insertOne({
            _id: requisitionId,
            ...decided,
            ...withEvent(platform, 'requisition.decided@1', workOrder._id, { requisitionId, workOrderId: workOrder._id, requestId: workOrder.requestId, decision: 'approved', lines: decided.lines, by: 'rule', decidedAt: at.toISOString() }, causeFrom(ctx)),
          });
          platform.nudgeOutbox();
        } else {
          if (approvers.length === 0) throw new UnprocessableError('lines', 'approval is needed and no approver other than the requester is configured');
          try {
            await platform.temporal.workflow.start('requisitionApproval', { taskQueue: platform.taskQueue(requisitionApprovalTaskQueue), workflowId: requisitionId, args: [approvalInput(doc)] });
          } catch (error) {
            // Without its process the requisition would wait forever: take it back, the caller retries.
            await store.requisitions.deleteOne({ _id: requisitionId });
            throw new DependencyUnavailableError('Temporal', error);
          }
        }
        // Counted in its parts' baselines once it stands (a requisition taken back above never is).
        await requisitionHistory.record([doc]);
        ctx.log.info({ requisitionId, workOrderId: workOrder._id, reasons: doc.reasons }, reasons.length ? 'requisition waits for approval' : 'requisition approved by rule');
        return { status: 201, body: await present(requisitionId) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/requisitions',
      summary: "Requisitions with their decisions: a work order's, or the 200 raised last, newest first",
      tags: ['requisitions'],
      roles: readers,
      query: z.object({ workOrderId: id.optional(), status: z.enum(['pending-approval', 'approved', 'partially-approved', 'rejected']).optional() }),
      responses: { 200: { description: 'Requisitions', schema: itemsOf(requisitionView), links: { ...requisitionLinks('$response.body#/items/0/id'), ...sparesWorkOrderLinks('$response.body#/items/0/workOrderId') } } },
      handler: async ({ query }) => {
        // A work order's from its list, or the 200 raised last from the list of all (the desk polls it): each by `_id`.
        const ids = query.workOrderId ? (await lists.read('requisitions', query.workOrderId)).ids.reverse().slice(0, 200) : await raised.latest(200);
        const items = (await Promise.all(ids.map(present))).filter((r) => r && (!query.status || r.status === query.status));
        return { status: 200, body: { items } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/requisitions/:id',
      summary: 'One requisition, its approval state, escalations and decision',
      tags: ['requisitions'],
      roles: readers,
      params: z.object({ id }),
      responses: { 200: { description: 'The requisition', schema: requisitionView, links: toRequisition } },
      handler: async ({ params }) => {
        const found = await present(params.id);
        if (!found) throw new NotFoundError('requisition', params.id, 'id');
        return { status: 200, body: found };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/requisitions/:id/decision',
      summary: 'Approve, reject or partially approve a requisition (never one\u2019s own)',
      tags: ['requisitions'],
      roles: ['spares', 'manager'],
      params: z.object({ id }),
      body: decisionBody,
      responses: { 200: { description: 'Decided: the requisition with the approval process\'s state after the decision', schema: requisitionView.extend({ approval: approvalStateView }), links: { getRequisition: toRequisition.getRequisition! } }, 403: { description: 'Own requisition' }, 409: { description: 'Decided before' }, 422: { description: 'Not an approver now, or a quantity above the request' } },
      handler: async ({ params, body, principal }) => {
        const doc = await store.requisitions.findOne({ _id: params.id });
        if (!doc) throw new NotFoundError('requisition', params.id, 'id');
        const decider = by(principal);
        if (decider === doc.requesterId) throw new PlatformError('nobody may approve their own requisition', { status: 403, code: 'own_requisition', field: 'by' });
        if (!doc.approvalNeeded || (await store.requisitionDecisions.findOne({ _id: doc._id }, { projection: { _id: 1 } }))) throw new ConflictError(`requisition ${doc._id} is decided already`, 'id');
        const state = await liveState(doc._id);
        if (!state) throw new ConflictError(`requisition ${doc._id} has no running approval`, 'id');
        if (state.status !== 'pending') throw new ConflictError(`requisition ${doc._id} is ${state.status} already`, 'id');
        const decide = { by: decider, outcome: body.outcome, ...(body.lines ? { lines: body.lines } : {}), ...(body.note ? { note: body.note } : {}) };
        try {
          checkDecision(approvalInput(doc), state.level, decide);
        } catch (error) {
          if (error instanceof DecisionRefused) throw new UnprocessableError(error.field, error.message);
          throw error;
        }
        try {
          const after = await platform.temporal.connection.withDeadline(Date.now() + 15_000, () => platform.temporal.workflow.getHandle(doc._id).executeUpdate(decideRequisitionUpdate, { args: [decide] }));
          return { status: 200, body: { ...(await present(doc._id)), approval: after } };
        } catch (error) {
          if (error instanceof WorkflowUpdateFailedError) throw new ConflictError((error.cause as Error | undefined)?.message ?? error.message, 'id');
          if (error instanceof WorkflowNotFoundError) throw new ConflictError(`requisition ${doc._id} has no running approval`, 'id');
          throw new DependencyUnavailableError('Temporal', error);
        }
      },
    }),
  ];
}
