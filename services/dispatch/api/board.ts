import { z } from 'zod';
import { defineRoute, identifier, NotFoundError, type RouteSpec } from '@aftersales/platform';
import { createBoard } from '../store/board';
import type { BoardEntryDoc, DispatchModels } from '../store/models';
import { boardEntryView, itemsOf } from './responses';

function present({ _id, ...rest }: BoardEntryDoc) {
  return { id: _id, ...rest };
}

const readers = ['dispatcher', 'manager', 'auditor', 'platform'] as const;

export function boardRoutes(models: DispatchModels): RouteSpec[] {
  const board = createBoard(models);
  return [
    defineRoute({
      method: 'get',
      path: '/v1/service-requests',
      summary: 'The dispatch board: requests waiting for dispatch, most urgent first',
      tags: ['board'],
      roles: readers,
      query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
      responses: { 200: { description: 'Board entries ordered by neededBy', schema: itemsOf(boardEntryView), links: { getFirst: { operationId: 'getServiceRequestsById', parameters: { id: '$response.body#/items/0/id' } } } } },
      handler: async ({ query }) => {
        const entries = await board.awaiting(query.limit);
        return { status: 200, body: { items: entries.map(present) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/service-requests/:id',
      summary: "Dispatch's view of one service request",
      tags: ['board'],
      roles: readers,
      params: z.object({ id: identifier }),
      responses: { 200: { description: 'The board entry', schema: boardEntryView, links: { getWorkOrder: { operationId: 'getWorkOrdersById', parameters: { id: '$response.body#/workOrderId' } } } }, 404: { description: 'Unknown service request' } },
      handler: async ({ params }) => {
        const entry = await board.entry(params.id);
        if (!entry) throw new NotFoundError('service request', params.id, 'id');
        return { status: 200, body: present(entry) };
      },
    }),
  ];
}
