import { z } from 'zod';
import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type ScheduleDescription, type ScheduleHandle } from '@temporalio/client';
import { defineRoute, DependencyUnavailableError, NotFoundError, UnprocessableError, type Platform, type Role, type RouteSpec } from '@aftersales/platform';
import { plannedMaintenanceFlag, proactiveVisitWorkflowType, requestStatuses, serviceRequestTaskQueue, type ProactiveVisitInput } from '@aftersales/workflows';
import { eligibleForProactiveVisits, firstVisitAt, machinesForVisits, parseVisitInterval, proactiveVisitClasses, serialsProblem, visitScheduleSpec, type VisitInterval } from '../domain/proactive-visits';
import type { CustomerDoc, IntakeModels, ServiceRequestDoc } from '../store/models';
import type { mongo } from 'mongoose';
import { requestsOfCustomer } from '../store/customer-requests';
import { machinesOfCustomer } from '../store/installed-base';
import { readModelsOf } from '../store/read-models';
import { callerScope, conflictField, entityId, instant } from './common';

const writers = ['manager', 'platform'] as const satisfies readonly Role[];
const readers = ['agent', 'manager', 'auditor', 'platform'] as const satisfies readonly Role[];

export const proactiveVisitBody = z.strictObject({
  every: z
    .string()
    .max(40)
    .describe('ISO-8601 duration of at least a day: days or weeks (P90D, P2W), or calendar months (P1M, P3M, P6M, P1Y)')
    .transform((text, ctx): VisitInterval => {
      const parsed = parseVisitInterval(text);
      if (parsed.ok) return parsed.value;
      ctx.addIssue({ code: 'custom', message: parsed.message });
      return z.NEVER;
    }),
  serialNumbers: z.array(entityId).min(1).max(500).optional(),
  startAt: instant.optional(),
  note: z.string().trim().min(1).max(1000).optional(),
});

const params = z.object({ id: entityId });

const at = z.iso.datetime();
const workflowRun = { workflowId: z.string(), runId: z.string() };
/** The schedule as `present` answers it; the spec's intervals and calendars are Temporal's own descriptions. */
const scheduleView = z.object({
  scheduleId: z.string(),
  customerId: z.string(),
  every: z.string().nullable(),
  serialNumbers: z.array(z.string()).nullable(),
  note: z.string().nullable(),
  workflowType: z.string(),
  taskQueue: z.string(),
  spec: z.object({ intervals: z.array(z.looseObject({})), calendars: z.array(z.looseObject({})), startAt: at.nullable(), timezone: z.string() }),
  paused: z.boolean(),
  createdAt: at,
  createdBy: z.string().nullable(),
  nextActionTimes: z.array(at),
  numActionsTaken: z.number().int(),
  recentActions: z.array(z.object({ scheduledAt: at, takenAt: at, ...workflowRun })),
  runningActions: z.array(z.object(workflowRun)),
  plannedRequests: z.array(z.object({ id: z.string(), serialNumber: z.string(), status: z.enum(requestStatuses), registeredAt: at, neededBy: at })),
});
const scheduleLinks = {
  getSchedule: { operationId: 'getCustomersByIdProactiveVisits', parameters: { id: '$response.body#/customerId' } },
  trigger: { operationId: 'postCustomersByIdProactiveVisitsTrigger', parameters: { id: '$response.body#/customerId' } },
  stop: { operationId: 'deleteCustomersByIdProactiveVisits', parameters: { id: '$response.body#/customerId' } },
};

/** Memo kept on the schedule: what the caller asked, as they wrote it. */
interface VisitMemo {
  customerId?: string;
  every?: string;
  createdBy?: string;
}

function present(description: ScheduleDescription, customerId: string, planned: ServiceRequestDoc[]) {
  const memo = (description.memo ?? {}) as VisitMemo;
  const [args] = (description.action.args ?? []) as [ProactiveVisitInput?];
  const { spec, info, state } = description;
  return {
    scheduleId: description.scheduleId,
    customerId,
    every: memo.every ?? null,
    /** null: the customer's active machines at the time of each visit. */
    serialNumbers: args?.serialNumbers ?? null,
    note: args?.note ?? null,
    workflowType: description.action.workflowType,
    taskQueue: description.action.taskQueue,
    spec: { intervals: spec.intervals ?? [], calendars: spec.calendars ?? [], startAt: spec.startAt ?? null, timezone: spec.timezone || 'UTC' },
    paused: state.paused,
    createdAt: info.createdAt,
    createdBy: memo.createdBy ?? null,
    nextActionTimes: info.nextActionTimes,
    numActionsTaken: info.numActionsTaken,
    recentActions: info.recentActions.map((a) => ({ scheduledAt: a.scheduledAt, takenAt: a.takenAt, workflowId: a.action.workflow.workflowId, runId: a.action.workflow.firstExecutionRunId })),
    runningActions: info.runningActions.map((a) => ({ workflowId: a.workflow.workflowId, runId: a.workflow.firstExecutionRunId })),
    plannedRequests: planned.map((r) => ({ id: r._id, serialNumber: r.serialNumber, status: r.status, registeredAt: r.registeredAt, neededBy: r.neededBy })),
  };
}

/**
 * Proactive visits to key accounts: one Temporal Schedule per customer whose every action starts a
 * `proactiveVisit` workflow on intake's worker, which opens planned-maintenance requests.
 */
export function proactiveVisitRoutes(platform: Platform, models: IntakeModels): RouteSpec[] {
  /** One schedule per customer; namespaced like task queues, so tests sharing a server do not meet. */
  const scheduleIdOf = (customerId: string) => `${platform.taskQueue('proactive-visit')}:${customerId}`;

  async function customerOrThrow(id: string): Promise<CustomerDoc> {
    const customer = await models.customers.findById(id).lean<CustomerDoc>();
    if (!customer) throw new NotFoundError('customer', id, 'id');
    return customer;
  }

  /** Temporal's answer, with its two expected refusals as HTTP answers and anything else as 503. */
  async function onSchedule<T>(customerId: string, work: (handle: ScheduleHandle) => Promise<T>): Promise<T> {
    try {
      return await work(platform.temporal.schedule.getHandle(scheduleIdOf(customerId)));
    } catch (error) {
      if (error instanceof ScheduleNotFoundError) throw new NotFoundError('proactive-visit schedule of customer', customerId, 'id');
      throw new DependencyUnavailableError('Temporal', error);
    }
  }

  /**
   * The visits' requests among the customer's open ones and the 100 that closed last, newest first:
   * read by key (customer-requests.ts), where a filter on flags read every request on FerretDB.
   */
  const plannedRequests = async (customerId: string): Promise<ServiceRequestDoc[]> => {
    const { open, recentlyClosed } = await requestsOfCustomer(readModelsOf(models), models.serviceRequests.collection as unknown as mongo.Collection<ServiceRequestDoc>, customerId, 100);
    return [...open, ...recentlyClosed]
      .filter((r) => r.flags?.includes(plannedMaintenanceFlag))
      .sort((a, b) => new Date(b.registeredAt).getTime() - new Date(a.registeredAt).getTime() || (a._id < b._id ? -1 : 1))
      .slice(0, 20);
  };

  const create = defineRoute({
    method: 'post',
    path: '/v1/customers/:id/proactive-visits',
    summary: 'Schedule proactive visits to a vip or key-account customer: each visit opens a planned-maintenance request per machine',
    tags: ['proactive-visits'],
    roles: writers,
    params,
    body: proactiveVisitBody,
    responses: { 201: { description: 'The schedule, with its next visits', schema: scheduleView, links: scheduleLinks }, 409: { description: 'The customer already has a schedule' }, 422: { description: 'Not a vip or key-account customer, or machines that cannot be visited' } },
    handler: async ({ params: { id }, body, principal }) => {
      callerScope(principal, writers);
      const customer = await customerOrThrow(id);
      if (!eligibleForProactiveVisits(customer.class)) {
        throw new UnprocessableError('customerId', `customerId: ${id} is a ${customer.class} customer; proactive visits are for ${proactiveVisitClasses.join(' and ')} customers`);
      }
      const machines = await machinesOfCustomer(models, id);
      if (body.serialNumbers) {
        const problem = serialsProblem(id, body.serialNumbers, machines);
        if (problem) throw new UnprocessableError('serialNumbers', `serialNumbers: ${problem}`);
      } else if (machinesForVisits(machines).length === 0) {
        throw new UnprocessableError('serialNumbers', `serialNumbers: customer ${id} has no active machines to visit`);
      }
      const first = firstVisitAt(body.every, platform.now(), body.startAt);
      if (!first.ok) throw new UnprocessableError('startAt', `startAt: ${first.message}`);

      const scheduleId = scheduleIdOf(id);
      const input: ProactiveVisitInput = { customerId: id, serialNumbers: body.serialNumbers ?? null, note: body.note ?? null };
      try {
        await platform.temporal.schedule.create({
          scheduleId,
          spec: visitScheduleSpec(body.every, first.value),
          action: {
            type: 'startWorkflow',
            workflowType: proactiveVisitWorkflowType,
            // The server appends each action's time to this id, which makes every run's id unique.
            workflowId: scheduleId,
            taskQueue: platform.taskQueue(serviceRequestTaskQueue),
            args: [input],
          },
          // A run still retrying (Mongo down) makes the next visit wait for it rather than be dropped.
          policies: { overlap: ScheduleOverlapPolicy.BUFFER_ONE },
          memo: { customerId: id, every: body.every.text, createdBy: principal!.sub } satisfies VisitMemo,
          state: { note: `proactive visits to ${customer.name} every ${body.every.text}` },
        });
      } catch (error) {
        if (error instanceof ScheduleAlreadyRunning) throw conflictField('customerId', `customerId: ${id} already has a proactive-visit schedule; delete it first to change it`);
        throw new DependencyUnavailableError('Temporal', error);
      }
      const description = await onSchedule(id, (handle) => handle.describe());
      return { status: 201, body: present(description, id, []), headers: { location: `/v1/customers/${id}/proactive-visits` } };
    },
  });

  const read = defineRoute({
    method: 'get',
    path: '/v1/customers/:id/proactive-visits',
    summary: "A customer's proactive-visit schedule: its spec, next visits, recent runs and the planned-maintenance requests they opened",
    tags: ['proactive-visits'],
    roles: readers,
    params,
    responses: { 200: { description: 'The schedule', schema: scheduleView }, 404: { description: 'No such customer, or no schedule' } },
    handler: async ({ params: { id }, principal }) => {
      callerScope(principal, readers);
      await customerOrThrow(id);
      const [description, planned] = await Promise.all([onSchedule(id, (handle) => handle.describe()), plannedRequests(id)]);
      return { status: 200, body: present(description, id, planned) };
    },
  });

  const remove = defineRoute({
    method: 'delete',
    path: '/v1/customers/:id/proactive-visits',
    summary: "Stop a customer's proactive visits (requests already opened stay open)",
    tags: ['proactive-visits'],
    roles: writers,
    params,
    responses: { 204: { description: 'Deleted' }, 404: { description: 'No schedule' } },
    handler: async ({ params: { id }, principal }) => {
      callerScope(principal, writers);
      await onSchedule(id, (handle) => handle.delete());
      return { status: 204 };
    },
  });

  const trigger = defineRoute({
    method: 'post',
    path: '/v1/customers/:id/proactive-visits/trigger',
    summary: 'Run one visit now, outside the schedule (the schedule itself is unchanged)',
    tags: ['proactive-visits'],
    roles: writers,
    params,
    responses: { 202: { description: 'Triggered; the run shows in recentActions', schema: z.object({ scheduleId: z.string(), customerId: z.string(), triggeredAt: at }), links: { getSchedule: scheduleLinks.getSchedule } }, 404: { description: 'No schedule' } },
    handler: async ({ params: { id }, principal }) => {
      callerScope(principal, writers);
      const triggeredAt = platform.now();
      // ALLOW_ALL: a visit asked for by a person runs even while a scheduled one is still at work.
      await onSchedule(id, (handle) => handle.trigger(ScheduleOverlapPolicy.ALLOW_ALL));
      return { status: 202, body: { scheduleId: scheduleIdOf(id), customerId: id, triggeredAt } };
    },
  });

  return [create, read, remove, trigger];
}
