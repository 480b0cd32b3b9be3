import { z } from 'zod';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import {
  ConflictError,
  defineRoute,
  DependencyUnavailableError,
  NotFoundError,
  PlatformError,
  UnprocessableError,
  type Platform,
  type Principal,
  type Role,
  type RouteSpec,
} from '@aftersales/platform';
import { priorityTiers } from '@aftersales/sla';
import { requestLinks, screeningView, workflowStateView } from './responses';
import {
  acceptanceUpdate,
  cancelUpdate,
  overrideQuoteUpdate,
  recordFirstResponseUpdate,
  reopenUpdate,
  resolveUpdate,
  resumeUpdate,
  retriageUpdate,
  screenUpdate,
  surveyUpdate,
  waitOnCustomerUpdate,
  type ScreeningInput,
  type ServiceRequestView,
} from '@aftersales/workflows';
import { isOpenStatus } from '../domain/installed-base';
import { decideScreening } from '../domain/screening';
import type { IntakeModels } from '../store/models';
import { entityId } from './common';

const params = z.object({ id: entityId });
const note = z.string().trim().min(1).max(2000).optional();

/**
 * A person's step on a request, sent to its workflow as an update: the answer says at once
 * whether the lifecycle allowed it, and the workflow's state after it.
 */
async function runUpdate<A extends [unknown, ...unknown[]]>(platform: Platform, models: IntakeModels, id: string, def: UpdateDefinition<ServiceRequestView, A>, args: A): Promise<ServiceRequestView> {
  const handle = platform.temporal.workflow.getHandle(id);
  try {
    return await platform.temporal.connection.withDeadline(Date.now() + 15_000, () => handle.executeUpdate(def, { args }));
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) {
      const reason = (error.cause as Error | undefined)?.message ?? error.message;
      throw new PlatformError(reason, { status: 409, code: 'transition_refused', field: 'status' });
    }
    if (error instanceof WorkflowNotFoundError) throw await withoutProcess(models, id);
    throw new DependencyUnavailableError('Temporal', error);
  }
}

/**
 * No running process to take the step: the record says why. No such request is 404; one whose
 * process has ended (cancelled, screened invalid, followed up) refuses every step for good; only a
 * request whose registered event has not reached the workflow yet is worth trying again.
 */
async function withoutProcess(models: IntakeModels, id: string): Promise<PlatformError> {
  const record = await models.serviceRequests.findById(id, { status: 1 }).lean<{ status: string }>();
  if (!record) return new NotFoundError('service request', id, 'id');
  if (!isOpenStatus(record.status)) {
    return new PlatformError(`status: service request ${id} is ${record.status}; no step applies to it any more`, { status: 409, code: 'transition_refused', field: 'status' });
  }
  return new ConflictError(`service request ${id} has no running process yet; try again shortly`, 'id');
}

function by(principal: Principal | null): string {
  return principal?.sub ?? 'unknown';
}

export function serviceRequestActionRoutes(platform: Platform, models: IntakeModels): RouteSpec[] {
  const step = <B, A extends [unknown, ...unknown[]]>(spec: {
    path: string;
    summary: string;
    roles: readonly Role[];
    body: z.ZodType<B>;
    def: UpdateDefinition<ServiceRequestView, A>;
    args: (body: B, principal: Principal | null) => A;
  }) =>
    defineRoute({
      method: 'post',
      path: `/v1/service-requests/:id/${spec.path}`,
      summary: spec.summary,
      tags: ['service-request steps'],
      roles: spec.roles,
      params,
      body: spec.body,
      responses: { 200: { description: "The workflow's state after the step", schema: workflowStateView, links: requestLinks(spec.path as Parameters<typeof requestLinks>[0], '$response.body#/requestId') }, 409: { description: 'The step is not allowed in the current status' } },
      handler: async ({ params: p, body, principal }) => ({ status: 200, body: await runUpdate(platform, models, p.id, spec.def, spec.args(body, principal)) }),
    });

  const screening = defineRoute({
    method: 'post',
    path: '/v1/service-requests/:id/screening',
    summary: 'Screen a request: valid with fault category and severity (the tier follows from the priority table), or invalid with a reason',
    tags: ['service-request steps'],
    roles: ['agent', 'manager'],
    params,
    body: z.object({
      outcome: z.enum(['valid', 'invalid']),
      faultCategory: z.string().optional(),
      severity: z.string().optional(),
      reason: z.string().optional(),
      duplicateOf: entityId.optional(),
      note,
    }),
    responses: { 200: { description: "The workflow's state after screening, with the priority decision explained", schema: screeningView, links: requestLinks('screening', '$response.body#/requestId') } },
    handler: async ({ params: p, body, principal }) => {
      const record = await models.serviceRequests.findById(p.id).lean();
      if (!record) throw new NotFoundError('service request', p.id, 'id');
      const duplicate = body.duplicateOf ? await models.serviceRequests.findById(body.duplicateOf, { serialNumber: 1 }).lean() : undefined;
      const decision = decideScreening(body, {
        requestId: record._id,
        serialNumber: record.serialNumber,
        customerClass: record.customer?.class ?? 'standard',
        entitlement: record.entitlement ?? { source: { kind: 'none' }, contract: null },
        suggestedDuplicateOf: record.duplicateOf ?? null,
        ...(body.duplicateOf ? { duplicateTarget: duplicate ? { id: duplicate._id, serialNumber: duplicate.serialNumber } : null } : {}),
        screenedBy: by(principal),
        at: platform.now(),
      });
      if (!decision.ok) {
        const [first] = decision.errors;
        throw new UnprocessableError(first!.field, decision.errors.map((e) => e.message).join('; '));
      }
      const s = decision.screening;
      const input: ScreeningInput =
        s.outcome === 'valid'
          ? { outcome: 'valid', faultCategory: s.faultCategory, severity: s.severity, tier: s.priority.tier, by: s.screenedBy, ...(s.note ? { note: s.note } : {}) }
          : { outcome: 'invalid', reason: s.reason, ...(s.reason === 'duplicate' ? { duplicateOf: s.duplicateOf } : {}), by: s.screenedBy, ...(s.note ? { note: s.note } : {}) };
      const view = await runUpdate(platform, models, p.id, screenUpdate, [input]);
      return { status: 200, body: { ...view, priority: s.outcome === 'valid' ? s.priority : null, duplicateSuggestion: s.suggestion } };
    },
  });

  return [
    step({ path: 'first-response', summary: 'The customer got a first answer: stops the first-response clock', roles: ['agent', 'manager'], body: z.object({ note }), def: recordFirstResponseUpdate, args: (b, pr) => [{ by: by(pr), ...(b.note ? { note: b.note } : {}) }] }),
    screening,
    step({ path: 'retriage', summary: 'Change the tier: every due instant is recomputed from registration, elapsed and paused time kept', roles: ['manager', 'dispatcher'], body: z.object({ tier: z.enum(priorityTiers), note }), def: retriageUpdate, args: (b, pr) => [{ tier: b.tier, by: by(pr), ...(b.note ? { note: b.note } : {}) }] }),
    step({ path: 'waiting-on-customer', summary: 'The request waits on the customer: every running clock pauses', roles: ['agent', 'dispatcher', 'engineer', 'manager'], body: z.object({ note }), def: waitOnCustomerUpdate, args: (b, pr) => [{ by: by(pr), ...(b.note ? { note: b.note } : {}) }] }),
    step({ path: 'resume', summary: 'The customer answered: paused clocks run again', roles: ['agent', 'dispatcher', 'engineer', 'manager'], body: z.object({ note }), def: resumeUpdate, args: (b, pr) => [{ by: by(pr), ...(b.note ? { note: b.note } : {}) }] }),
    step({ path: 'resolution', summary: 'Resolved with cause, fix and first-time-fix flag; waits for the customer to accept', roles: ['engineer', 'depot', 'agent', 'manager'], body: z.object({ cause: z.string().trim().min(1).max(2000), fix: z.string().trim().min(1).max(2000), firstTimeFix: z.boolean() }), def: resolveUpdate, args: (b, pr) => [{ ...b, by: by(pr) }] }),
    step({ path: 'acceptance', summary: 'The customer accepts (closes) or rejects (reopens) the work', roles: ['agent', 'manager'], body: z.object({ accepted: z.boolean(), note }), def: acceptanceUpdate, args: (b, pr) => [{ accepted: b.accepted, by: by(pr), ...(b.note ? { note: b.note } : {}) }] }),
    step({ path: 'survey', summary: 'Satisfaction survey after closure, score 1 to 5', roles: ['agent', 'manager', 'platform'], body: z.object({ score: z.number().int().min(1).max(5), comment: z.string().trim().max(2000).optional() }), def: surveyUpdate, args: (b) => [{ score: b.score, ...(b.comment ? { comment: b.comment } : {}) }] }),
    step({ path: 'reopening', summary: 'The fault came back after closure: work the request again, with a new resolution clock', roles: ['agent', 'manager'], body: z.object({ reason: z.string().trim().min(3).max(2000) }), def: reopenUpdate, args: (b, pr) => [{ by: by(pr), reason: b.reason }] }),
    step({ path: 'quote-override', summary: 'Paid work goes ahead without an accepted quote: who decided it and why are recorded, and the request goes to dispatch', roles: ['manager'], body: z.object({ reason: z.string().trim().min(3).max(2000) }), def: overrideQuoteUpdate, args: (b, pr) => [{ by: by(pr), reason: b.reason }] }),
    step({ path: 'cancellation', summary: 'Cancel an open request with a reason', roles: ['agent', 'manager'], body: z.object({ reason: z.string().trim().min(3).max(2000) }), def: cancelUpdate, args: (b, pr) => [{ by: by(pr), reason: b.reason }] }),
  ];
}
