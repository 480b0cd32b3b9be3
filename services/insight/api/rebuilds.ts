import { z } from 'zod';
import { ConflictError, defineRoute, type RouteSpec } from '@aftersales/platform';
import type { Generations } from '../store/generations';
import { generationsSchema, rebuildStateSchema } from './responses';

/** Rebuilding the read model from the topics' beginning (events/rebuild.ts says how). */
export function rebuildRoutes(generations: Generations, nudge: () => void): RouteSpec[] {
  return [
    defineRoute({
      method: 'post',
      path: '/v1/rebuilds',
      summary: "Rebuild the read model from every topic's beginning into a new generation, switched to once caught up",
      tags: ['rebuilds'],
      roles: ['platform'],
      body: z.strictObject({}).optional(),
      responses: {
        202: { description: 'The rebuild is under way; GET /v1/rebuilds/current follows it', schema: rebuildStateSchema, links: { getCurrent: { operationId: 'getRebuildsCurrent' } } },
        409: { description: 'A rebuild is already under way' },
      },
      handler: async ({ principal }) => {
        const state = await generations.request(principal!.sub);
        if (!state) throw new ConflictError('a rebuild is already under way');
        nudge();
        return { status: 202, body: state };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/rebuilds/current',
      summary: 'Which generation answers, the rebuild under way and the last one finished',
      tags: ['rebuilds'],
      roles: ['manager', 'auditor', 'platform'],
      responses: { 200: { description: 'The generations', schema: generationsSchema } },
      handler: async () => {
        generations.forget();
        const { _id, ...doc } = await generations.read();
        return { status: 200, body: doc };
      },
    }),
  ];
}
