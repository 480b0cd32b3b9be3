import { z } from 'zod';
import { defineRoute, identifier, NotFoundError, type RouteSpec } from '@aftersales/platform';
import { depotQueue, repeatedBenchIndex, type DepotJob } from '../domain/depot-queue';
import type { BoardEntryDoc, DispatchCollections, DispatchModels, DepotDoc } from '../store/models';
import { depotQueueView, depotView, itemsOf } from './responses';

const readers = ['dispatcher', 'manager', 'depot', 'engineer', 'auditor', 'platform'] as const;

/** A bench id is the key of its WIP tokens (`<depot>|<bench>|k`): two benches of one id would share one limit. */
function refuseRepeatedBenches(benches: { benchId: string }[], ctx: z.RefinementCtx): void {
  const index = repeatedBenchIndex(benches);
  if (index !== null) ctx.addIssue({ code: 'custom', path: [index, 'benchId'], message: `bench ${benches[index]!.benchId} is named twice`, input: benches });
}

function present({ _id, ...rest }: DepotDoc) {
  return { id: _id, ...rest };
}

export function depotRoutes(models: DispatchModels, c: DispatchCollections): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/depots',
      summary: 'Depots with their repair benches and WIP limits',
      tags: ['depots'],
      roles: readers,
      responses: { 200: { description: 'Depots', schema: itemsOf(depotView) } },
      handler: async () => ({ status: 200, body: { items: (await c.depots.find({}).sort({ _id: 1 }).toArray()).map(present) } }),
    }),
    defineRoute({
      method: 'put',
      path: '/v1/depots/:id',
      summary: 'Create or replace a depot and its benches',
      tags: ['depots'],
      roles: ['dispatcher', 'manager'],
      params: z.object({ id: identifier }),
      body: z.object({
        name: z.string().trim().min(1).max(200),
        city: z.string().trim().min(1).max(100),
        lat: z.number().min(-90).max(90),
        lon: z.number().min(-180).max(180),
        benches: z.array(z.object({ benchId: identifier, wipLimit: z.number().int().min(1).max(10) })).min(1).max(100).superRefine(refuseRepeatedBenches),
      }),
      responses: { 200: { description: 'The depot as stored', schema: depotView, links: { getQueue: { operationId: 'getDepotQueue', parameters: { depotId: '$response.body#/id' } } } } },
      handler: async ({ params, body }) => {
        await c.depots.replaceOne({ _id: params.id }, body, { upsert: true });
        return { status: 200, body: { id: params.id, ...body } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/depot-queue',
      summary: "A depot's repair queue: jobs in progress per bench, then waiting jobs by rush, tier and due instant, each with why it stands there",
      tags: ['depots'],
      roles: readers,
      query: z.object({ depotId: identifier }),
      responses: { 200: { description: 'The queue', schema: depotQueueView }, 404: { description: 'Unknown depot (field depotId)' } },
      handler: async ({ query }) => {
        const depot = await c.depots.findOne({ _id: query.depotId });
        if (!depot) throw new NotFoundError('depot', query.depotId, 'depotId');
        const orders = await c.workOrders.find({ route: 'depot', 'depot.depotId': depot._id, status: { $in: ['proposed', 'assigned', 'accepted', 'working'] } }).toArray();
        // One `_id` read per open job: FerretDB v1 serves `{ _id: { $in } }` by reading every board entry ever recorded.
        const entries = (await Promise.all([...new Set(orders.map((o) => o.requestId))].map((id) => models.boardEntries.findById(id).lean<BoardEntryDoc>()))).filter((e): e is BoardEntryDoc => e !== null);
        const neededBy = new Map(entries.map((e) => [e._id, e.neededBy]));
        const jobs: DepotJob[] = orders.map((o) => ({
          workOrderId: o._id,
          tier: o.tier,
          dueAt: o.onSiteDueAt ?? neededBy.get(o.requestId) ?? null,
          receivedAt: o.createdAt,
          rush: o.depot?.rush ?? false,
          benchId: o.status === 'working' ? (o.depot?.benchId ?? null) : null,
        }));
        return { status: 200, body: { depotId: depot._id, benches: depot.benches, items: depotQueue(jobs, depot.benches) } };
      },
    }),
  ];
}
