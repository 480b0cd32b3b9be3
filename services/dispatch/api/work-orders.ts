import { z } from 'zod';
import { failureCategorySchema, resolutionRoutes } from '@aftersales/contracts';
import { defineRoute, identifier, NotFoundError, PlatformError, type Principal, type RouteSpec } from '@aftersales/platform';
import type { WorkOrderStep } from '../domain/work-order';
import { isOpen, workOrderStatuses, type WorkOrderStatus } from '../domain/work-order';
import type { DispatchCollections, DispatchModels, WorkOrderDoc } from '../store/models';
import type { Planner } from '../store/planner';
import { createClosedWorkOrderLists, type ClosingStatus } from '../store/closed-work-orders';
import { candidatesView, itemsOf, overrunView, workOrderLinks, workOrderRecord, workOrderView } from './responses';

const params = z.object({ id: identifier });
const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const note = z.string().trim().min(1).max(2000);
const readers = ['dispatcher', 'manager', 'engineer', 'depot', 'auditor', 'platform'] as const;
const planners = ['dispatcher', 'manager'] as const;
const doers = ['engineer', 'depot', 'dispatcher', 'manager'] as const;

/** Statuses a list may ask for as a group. */
const statusGroups = ['open', 'closed'] as const;
type StatusGroup = (typeof statusGroups)[number];
const isStatusGroup = (s: WorkOrderStatus | StatusGroup): s is StatusGroup => (statusGroups as readonly string[]).includes(s);

/** Whether a work order's status is what a list asked for (none asked: any). */
function statusMatches(status: WorkOrderStatus, asked: WorkOrderStatus | StatusGroup | undefined): boolean {
  if (asked === undefined) return true;
  if (asked === 'open') return isOpen(status);
  if (asked === 'closed') return !isOpen(status);
  return status === asked;
}

/** Whether a list asks for closed work orders: `closed`, or a closed status. */
const closingStatuses: ClosingStatus[] = ['completed', 'cancelled'];
const asksForClosed = (asked: WorkOrderStatus | StatusGroup | undefined) => asked === 'closed' || (asked !== undefined && !isStatusGroup(asked) && !isOpen(asked));

function by(principal: Principal | null): string {
  return principal?.sub ?? 'unknown';
}

/**
 * A field engineer acts only on work orders assigned to them (their token's subject is their
 * engineer id); dispatchers, managers and depot staff act on any.
 */
export function checkActsFor(principal: Principal | null, workOrder: Pick<WorkOrderDoc, '_id' | 'engineerId'>): void {
  if (!principal || principal.roles.some((role) => role !== 'engineer')) return;
  if (workOrder.engineerId !== principal.sub) {
    throw new PlatformError(`engineerId: work order ${workOrder._id} is assigned to ${workOrder.engineerId ?? 'nobody'}, not to ${principal.sub}`, { status: 403, code: 'forbidden', field: 'engineerId' });
  }
}

export function presentWorkOrder({ _id, ...rest }: WorkOrderDoc) {
  return { id: _id, ...rest };
}

export function workOrderRoutes(planner: Planner, _models: DispatchModels, c: DispatchCollections): RouteSpec[] {
  const closedLists = createClosedWorkOrderLists(c);
  async function actingOn(id: string, principal: Principal | null): Promise<void> {
    const wo = (await c.workOrders.findOne({ _id: id }, { projection: { _id: 1, engineerId: 1 } })) ?? (await c.closedWorkOrders.findOne({ _id: id }, { projection: { _id: 1, engineerId: 1 } }));
    if (!wo) throw new NotFoundError('work order', id, 'id');
    checkActsFor(principal, wo);
  }

  async function view(wo: WorkOrderDoc) {
    const entry = await planner.board.entry(wo.requestId);
    const containment = await planner.containmentOf(wo, entry);
    return {
      ...presentWorkOrder(wo),
      machine: entry?.machine ?? null,
      site: entry?.site ?? null,
      symptom: entry?.symptom ?? null,
      // What the engineer must do and carry because of open 8D containment on this machine.
      containment,
      partsToCarry: [...new Set(containment.flatMap((m) => m.carryParts))],
    };
  }

  const step = (path: string, name: WorkOrderStep, summary: string, body: z.ZodType<{ reason?: string; benchId?: string }>) =>
    defineRoute({
      method: 'post',
      path: `/v1/work-orders/:id/${path}`,
      summary,
      tags: ['work-order steps'],
      roles: doers,
      params,
      body,
      responses: { 200: { description: 'The work order after the step', schema: workOrderView, links: workOrderLinks(name as Exclude<WorkOrderStep, 'complete'>, '$response.body#/id') }, 409: { description: 'The step is not allowed in the current status (field status)' } },
      handler: async ({ params: p, body: b, principal }) => {
        await actingOn(p.id, principal);
        const wo = await planner.step(p.id, name, { by: by(principal), ...(b.reason ? { reason: b.reason } : {}), ...(b.benchId ? { benchId: b.benchId } : {}) });
        return { status: 200, body: await view(wo) };
      },
    });

  const report = z.object({
    startedAt: instant,
    finishedAt: instant,
    effortMinutes: z.number().int().nonnegative().max(7 * 24 * 60),
    cause: note,
    fix: note,
    workDone: note,
    partsUsed: z.array(z.object({ partNumber: identifier, quantity: z.number().int().positive(), removedSerial: identifier.nullable().optional() })).max(100),
    firstTimeFix: z.boolean(),
    failureMode: z.string().trim().min(1).max(64).optional(),
    /** Why it failed, which decides who pays: the engineer's choice, never read from the words of cause or fix. */
    failureCategory: failureCategorySchema.optional(),
    travelMinutes: z.number().int().nonnegative().max(24 * 60).optional(),
    customerSignOff: z.object({ name: z.string().trim().min(1).max(200), at: instant }).nullable().default(null),
  });

  return [
    defineRoute({
      method: 'get',
      path: '/v1/work-orders',
      summary: 'Work orders, newest first, by status (one, `open` or `closed`), engineer or service request; without a status or a request, the open ones',
      tags: ['work orders'],
      roles: readers,
      query: z.object({ status: z.enum([...workOrderStatuses, ...statusGroups]).optional(), engineerId: identifier.optional(), requestId: identifier.optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
      responses: { 200: { description: 'Work orders, and how many match (null for closed ones, whose lists grow for ever and are not counted)', schema: itemsOf(workOrderRecord).extend({ total: z.number().int().nullable() }), links: { getFirst: { operationId: 'getWorkOrdersById', parameters: { id: '$response.body#/items/0/id' } }, ...workOrderLinks('read', '$response.body#/items/0/id') } } },
      handler: async ({ query }) => {
        // A request's work orders, open and closed, are read by their ids (`WO-<request>-<n>`). Without
        // a request a list reads the open work orders (store/work-orders.ts), few by construction,
        // which is what a board polls; or, asked for by a closed status, the closed ones, which grow
        // for ever: from their lists (all of them, or one engineer's).
        const asked = query.status ?? (query.requestId ? undefined : 'open');
        const wanted = (wo: WorkOrderDoc) => statusMatches(wo.status, asked) && (!query.engineerId || wo.engineerId === query.engineerId);
        // The first `limit`, newest first, and how many matched: a desk that lists 200 says what it left out.
        const newestFirst = (rows: WorkOrderDoc[]) => {
          const kept = rows.filter(wanted).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
          return { items: kept.slice(0, query.limit).map(presentWorkOrder), total: kept.length };
        };
        if (query.requestId) return { status: 200, body: newestFirst(await planner.store.ofRequest(query.requestId)) };
        if (asksForClosed(asked)) {
          // The closed last, from the closing statuses' lists by `_id` (store/closed-work-orders.ts).
          const statuses = asked === 'closed' ? closingStatuses : [asked as ClosingStatus];
          const lists = await Promise.all(statuses.map((status) => closedLists.latest(status, query.limit, query.engineerId)));
          return { status: 200, body: { items: newestFirst(lists.flat()).items, total: null } };
        }
        const filter = { ...(asked && !isStatusGroup(asked) ? { status: asked } : {}), ...(query.engineerId ? { engineerId: query.engineerId } : {}) };
        // In code as well: an open copy a crashed move left behind is no longer open (store/work-orders.ts).
        // Every match is read to count it: the open work orders stay few by construction.
        return { status: 200, body: newestFirst(await c.workOrders.find(filter).toArray()) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/work-orders/:id',
      summary: 'One work order: what, where, when, which parts to carry (8D containment included)',
      tags: ['work orders'],
      roles: readers,
      params,
      responses: { 200: { description: 'The work order', schema: workOrderView, links: workOrderLinks('read', '$response.body#/id') }, 404: { description: 'Unknown work order' } },
      handler: async ({ params: p }) => ({ status: 200, body: await view(await planner.mustLoad(p.id)) }),
    }),
    defineRoute({
      method: 'get',
      path: '/v1/work-orders/:id/candidates',
      summary: 'The ranked, explained list of engineers for a work order: score and its parts per candidate, and why the others are out',
      tags: ['work orders'],
      roles: planners,
      params,
      responses: { 200: { description: 'Ranked and ineligible candidates', schema: candidatesView, links: { assign: { operationId: 'postWorkOrdersByIdAssignment', parameters: { id: '$response.body#/workOrderId' }, requestBody: { engineerId: '$response.body#/ranked/0/engineerId' } } } }, 404: { description: 'Unknown work order' } },
      handler: async ({ params: p }) => {
        const wo = await planner.mustLoad(p.id);
        const { ranking, problem, excluded, containment } = await planner.rank(wo);
        return { status: 200, body: { workOrderId: wo._id, status: wo.status, ranked: ranking?.ranked ?? [], ineligible: ranking?.ineligible ?? [], excluded, problem, neededParts: [...new Set(containment.flatMap((m) => m.carryParts))] } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/work-orders/:id/assignment',
      summary: "Assign an engineer: at the earliest feasible slot, or at `start` (the arrival on site). A clash with the engineer's calendar answers 409",
      tags: ['work orders'],
      roles: planners,
      params,
      body: z.object({ engineerId: identifier, start: instant.optional() }),
      responses: { 200: { description: 'The assigned work order', schema: workOrderView, links: workOrderLinks('assign', '$response.body#/id') }, 409: { description: 'The engineer is booked then (field start), or the work order is not proposed (field status)' }, 422: { description: 'The engineer lacks the skill or the time (field engineerId or start)' } },
      handler: async ({ params: p, body, principal }) => {
        const wo = await planner.mustLoad(p.id);
        return { status: 200, body: await view(await planner.assign(wo, body.engineerId, by(principal), { start: body.start ?? null })) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/work-orders/:id/replan',
      summary: 'Move the work order off its engineer to the next best one, and say what moved',
      tags: ['work orders'],
      roles: planners,
      params,
      body: z.object({ reason: z.enum(['manual', 'overrun']).default('manual') }),
      responses: { 200: { description: 'The work order after re-planning', schema: workOrderView, links: workOrderLinks('replan', '$response.body#/id') }, 409: { description: 'Already under way' } },
      handler: async ({ params: p, body, principal }) => {
        const after = await planner.replan(p.id, body.reason, by(principal));
        if (!after) {
          const wo = await planner.mustLoad(p.id);
          return { status: 409, body: { error: { code: 'transition_refused', message: `a ${wo.route} work order that is ${wo.status} is not re-planned`, field: 'status' } } };
        }
        return { status: 200, body: await view(after) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/work-orders/:id/overrun',
      summary: "A job under way runs until `until`: the engineer's later bookings in the way are re-planned, and the answer says what moved",
      tags: ['work orders'],
      roles: doers,
      params,
      body: z.object({ until: instant }),
      responses: { 200: { description: 'What moved and what stayed', schema: overrunView, links: workOrderLinks('overrun', '$request.path.id') }, 409: { description: 'The job is not under way (field status)' }, 422: { description: 'until is not after the planned end (field until)' } },
      handler: async ({ params: p, body, principal }) => {
        await actingOn(p.id, principal);
        const { moved, kept, workOrder } = await planner.reportOverrun(p.id, body.until, by(principal));
        return { status: 200, body: { moved, kept, workOrder: await view(workOrder) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/work-orders/:id/route',
      summary: 'Choose how the case is fixed: remote, ship-part, field-visit or depot (with an optional depot and rush flag)',
      tags: ['work orders'],
      roles: planners,
      params,
      body: z
        .object({ route: z.enum(resolutionRoutes), reason: note.optional(), depotId: identifier.optional(), rush: z.boolean().optional() })
        // A depot named on another route would be dropped without a word: refuse it instead.
        .refine((b) => b.depotId === undefined || b.route === 'depot', { path: ['depotId'], message: 'only the depot route names a depot' }),
      responses: { 200: { description: 'The work order on its new route', schema: workOrderView, links: workOrderLinks('route', '$response.body#/id') }, 400: { description: 'A depotId on a route other than depot (field depotId)' }, 409: { description: 'Too late to change the route' } },
      handler: async ({ params: p, body, principal }) => {
        const wo = await planner.chooseRoute(p.id, body.route, by(principal), { ...(body.reason ? { reason: body.reason } : {}), ...(body.depotId ? { depotId: body.depotId } : {}), ...(body.rush !== undefined ? { rush: body.rush } : {}) });
        return { status: 200, body: await view(wo) };
      },
    }),
    step('acceptance', 'accept', 'The engineer accepts the job', z.object({})),
    step('decline', 'decline', 'The engineer declines with a reason; dispatch re-plans at once', z.object({ reason: note })),
    step('travel-start', 'start-travel', 'The engineer leaves for the site', z.object({})),
    step('arrival', 'arrive', 'The engineer is on site (stops the on-site clock)', z.object({})),
    step('work-start', 'start-work', 'Work starts (a depot job names its bench; the bench WIP limit holds)', z.object({ benchId: identifier.optional() })),
    step('work-finish', 'finish-work', 'Work is finished; the report follows', z.object({})),
    defineRoute({
      method: 'post',
      path: '/v1/work-orders/:id/report',
      summary: "The engineer's report: actual start and end, effort, what was done, parts used, first-time fix, customer sign-off. Completes the work order",
      tags: ['work-order steps'],
      roles: doers,
      params,
      body: report,
      responses: { 200: { description: 'The completed work order', schema: workOrderView, links: workOrderLinks('report', '$response.body#/id') }, 409: { description: 'Work is not finished yet (field status)' }, 422: { description: 'Times do not add up (field names which)' } },
      handler: async ({ params: p, body, principal }) => {
        await actingOn(p.id, principal);
        const { travelMinutes, failureMode, failureCategory, ...rest } = body;
        const wo = await planner.step(p.id, 'complete', {
          by: by(principal),
          report: {
            ...rest,
            partsUsed: rest.partsUsed.map((x) => ({ partNumber: x.partNumber, quantity: x.quantity, removedSerial: x.removedSerial ?? null })),
            ...(failureMode ? { failureMode } : {}),
            ...(failureCategory ? { failureCategory } : {}),
            ...(travelMinutes !== undefined ? { travelMinutes } : {}),
          },
        });
        return { status: 200, body: await view(wo) };
      },
    }),
  ];
}
