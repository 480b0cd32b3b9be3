import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ConflictError, defineRoute, NotFoundError, UnprocessableError, type RouteSpec } from '@aftersales/platform';
import { currentPartNumber } from '../domain/supersession';
import type { SparesStore } from '../store/collections';
import type { SparesModels } from '../store/models';
import { by, causeFrom, id, partLines, readers, type SparesDeps } from './common';
import { itemsOf, newReservationView, reservationLinks, reservationView, sparesWorkOrderLinks, sparesWorkOrderView } from './responses';

/** A work order spares may reserve or requisition for: known from dispatch's events and still open. */
export async function openWorkOrder(store: SparesStore, workOrderId: string) {
  const workOrder = await store.workOrders.findOne({ _id: workOrderId });
  if (!workOrder) throw new UnprocessableError('workOrderId', `work order ${workOrderId} is not known to spares (yet)`);
  if (workOrder.status === 'completed' || workOrder.status === 'cancelled') throw new UnprocessableError('workOrderId', `work order ${workOrderId} is ${workOrder.status}`);
  // Paid work waits for the customer's accepted quote, or an override recorded at intake.
  const caseDoc = await store.cases.findOne({ _id: workOrder.requestId }, { projection: { quoteRequired: 1, paidWork: 1 } });
  if (caseDoc?.quoteRequired && !caseDoc.paidWork) throw new ConflictError(`request ${workOrder.requestId} is paid work: nothing is reserved for work order ${workOrderId} before its quote is accepted or the wait is overridden`, 'workOrderId');
  return workOrder;
}

export async function checkParts(deps: Pick<SparesDeps, 'models'>, lines: { partNumber: string }[]) {
  for (const [i, line] of lines.entries()) {
    if (!(await deps.models.parts.exists({ _id: line.partNumber }))) throw new UnprocessableError(`lines[${i}].partNumber`, `unknown part ${line.partNumber}`);
  }
}

/** The part the field should use now for each line: a superseded part is served by its successor, and the answer says so. */
export async function currentParts(models: SparesModels, lines: { partNumber: string; quantity: number }[]) {
  const links = new Map<string, string | null>();
  for (const line of lines) {
    let next: string | null = line.partNumber;
    while (next && !links.has(next)) {
      const part: { supersededBy: string | null } | null = await models.parts.findById(next, { supersededBy: 1 }).lean();
      links.set(next, part?.supersededBy ?? null);
      next = part?.supersededBy ?? null;
    }
  }
  const substitutions: { requested: string; reserved: string; chain: string[] }[] = [];
  const resolved = lines.map((line) => {
    const current = currentPartNumber(line.partNumber, (p) => links.get(p));
    if (current.partNumber !== line.partNumber) substitutions.push({ requested: line.partNumber, reserved: current.partNumber, chain: current.chain });
    return { partNumber: current.partNumber, quantity: line.quantity };
  });
  return { lines: resolved, substitutions };
}

/** From a reservation to reading and releasing it. */
const toReservation = reservationLinks('$response.body#/id');

export function reservationRoutes(deps: SparesDeps): RouteSpec[] {
  const { store, book, config } = deps;
  const present = async (id: string) => {
    const [reservation, end] = await Promise.all([store.reservations.findOne({ _id: id }, { projection: { outbox: 0, outboxDueAt: 0, claimIds: 0 } }), store.reservationEnds.findOne({ _id: id }, { projection: { outbox: 0, outboxDueAt: 0 } })]);
    if (!reservation) return null;
    const { _id, ...rest } = reservation;
    const units = end?.usedUnits === undefined ? {} : { usedUnits: end.usedUnits, returnedUnits: end.returnedUnits ?? 0 };
    return { id: _id, ...rest, status: end ? end.kind : 'active', endedAt: end?.at ?? null, endReason: end?.reason ?? null, ...units };
  };
  return [
    defineRoute({
      method: 'get',
      path: '/v1/work-orders/:id',
      summary: 'Spares\u2019 copy of a work order (from dispatch\u2019s events) with its reservations\u2019 ids',
      tags: ['reservations'],
      roles: readers,
      params: z.object({ id }),
      responses: { 200: { description: 'The work order as spares knows it', schema: sparesWorkOrderView, links: sparesWorkOrderLinks('$response.body#/id') } },
      handler: async ({ params }) => {
        const workOrder = await store.workOrders.findOne({ _id: params.id });
        if (!workOrder) throw new NotFoundError('work order', params.id, 'id');
        const { _id, ...rest } = workOrder;
        const reservations = (await book.reservationsOf(_id)).map((r) => r._id);
        // Stored by upserts whose $setOnInsert nulls FerretDB v1 drops (events/consumers.ts): answered as null.
        return { status: 200, body: { id: _id, ...rest, engineerId: rest.engineerId ?? null, route: rest.route ?? null, completion: rest.completion ?? null, reservations } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/reservations',
      summary: 'Reserve parts for a work order from the nearest stock (split across locations when needed)',
      tags: ['reservations'],
      roles: ['spares', 'engineer', 'dispatcher'],
      body: z.object({ workOrderId: id, lines: partLines }).strict(),
      responses: { 201: { description: 'Reserved', schema: newReservationView, links: toReservation }, 409: { description: 'Not enough stock in reach: backordered' }, 422: { description: 'Unknown part, or the work order is closed' } },
      handler: async (ctx) => {
        const { body, principal } = ctx;
        const workOrder = await openWorkOrder(store, body.workOrderId);
        await checkParts(deps, body.lines);
        const { lines, substitutions } = await currentParts(deps.models, body.lines);
        const reservation = await book.reserve(
          { reservationId: `RES-${randomUUID()}`, workOrderId: workOrder._id, requestId: workOrder.requestId, engineerId: workOrder.engineerId, lines, ttlMs: config.SPARES_RESERVATION_TTL_MINUTES * 60_000, by: by(principal) },
          causeFrom(ctx),
        );
        deps.platform.nudgeOutbox();
        return { status: 201, body: { ...(await present(reservation._id)), substitutions } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/reservations',
      summary: 'Reservations of a work order',
      tags: ['reservations'],
      roles: readers,
      query: z.object({ workOrderId: id }),
      responses: { 200: { description: 'Reservations, active and ended', schema: itemsOf(reservationView), links: { ...reservationLinks('$response.body#/items/0/id'), ...sparesWorkOrderLinks('$response.body#/items/0/workOrderId') } } },
      handler: async ({ query }) => {
        const ids = (await book.reservationsOf(query.workOrderId)).map((r) => r._id);
        return { status: 200, body: { items: await Promise.all(ids.map(present)) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/reservations/:id',
      summary: 'One reservation',
      tags: ['reservations'],
      roles: readers,
      params: z.object({ id }),
      responses: { 200: { description: 'The reservation', schema: reservationView, links: toReservation } },
      handler: async ({ params }) => {
        const found = await present(params.id);
        if (!found) throw new NotFoundError('reservation', params.id, 'id');
        return { status: 200, body: found };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/reservations/:id/release',
      summary: 'Give a reservation\u2019s units back to stock',
      tags: ['reservations'],
      roles: ['spares', 'dispatcher'],
      params: z.object({ id }),
      responses: { 200: { description: 'Released (or it had been released already)', schema: reservationView, links: { getReservation: toReservation.getReservation! } }, 409: { description: 'The job consumed it: its units are gone from stock' } },
      handler: async (ctx) => {
        const reservation = await store.reservations.findOne({ _id: ctx.params.id });
        if (!reservation) throw new NotFoundError('reservation', ctx.params.id, 'id');
        if (!(await book.release(ctx.params.id, 'cancelled', causeFrom(ctx), reservation))) {
          const end = await store.reservationEnds.findOne({ _id: ctx.params.id });
          if (end?.kind === 'consumed') {
            throw new ConflictError(`reservation ${ctx.params.id} was consumed by work order ${end.workOrderId} at ${end.at.toISOString()}; its used units are gone from stock and the rest went back then`, 'id');
          }
        }
        deps.platform.nudgeOutbox();
        return { status: 200, body: await present(ctx.params.id) };
      },
    }),
  ];
}
