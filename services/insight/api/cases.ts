import { z } from 'zod';
import { defineRoute, identifier, NotFoundError, type RouteSpec } from '@aftersales/platform';
import type { Generations } from '../store/generations';
import { readCase } from '../store/read-model';
import { readers } from './kpis';
import { caseRecordSchema } from './responses';

/** One case record as insight folded it, with the facts (event ids, types, instants) it came from. */
export function caseRoutes(generations: Generations): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/cases/:requestId',
      summary: 'The case record every KPI is computed from, and the facts it was folded from',
      tags: ['cases'],
      roles: readers,
      params: z.object({ requestId: identifier }),
      responses: { 200: { description: 'The case record', schema: caseRecordSchema }, 404: { description: 'No fact about this request has reached insight' } },
      handler: async ({ params }) => {
        const generation = await generations.current();
        const doc = await readCase(generation, params.requestId);
        if (!doc) throw new NotFoundError('case', params.requestId, 'requestId');
        const { _id, places: _places, stamps: _stamps, quotes: _quotes, ...record } = doc;
        return { status: 200, body: { ...record, awaitingRegistration: record.awaitingRegistration ?? false, facts: record.facts ?? [], generation: generation.number } };
      },
    }),
  ];
}
