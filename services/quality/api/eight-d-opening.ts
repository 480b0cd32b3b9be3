import { z } from 'zod';
import { defineRoute, identifier, type Platform, type RouteSpec } from '@aftersales/platform';
import { openEightDByHand } from '../store/eight-d-opening';
import type { QualityModels } from '../store/models';
import { newEightDLinks, openedEightDView } from './responses';
import { toEightD } from './eight-ds';

const ids = z.array(identifier).max(200).default([]);

export const eightDOpeningBody = z.strictObject({
  problem: z.strictObject({ productLine: identifier, model: identifier, failureMode: identifier }),
  reason: z.string().trim().min(1).max(2000),
  concerns: z.strictObject({ requestIds: ids, partNumbers: ids, supplierClaimIds: ids }).default({ requestIds: [], partNumbers: [], supplierClaimIds: [] }),
  linkedTo: identifier.nullable().default(null),
});

/** POST /v1/eight-ds: a quality engineer opens an 8D by hand (store/eight-d-opening.ts). */
export function eightDOpeningRoutes(platform: Platform, models: QualityModels): RouteSpec[] {
  return [
    defineRoute({
      method: 'post',
      path: '/v1/eight-ds',
      summary: 'Open an 8D by hand for a problem, with the field cases, parts and supplier claims it concerns; its workflow starts from the opened event',
      tags: ['8D'],
      roles: ['quality', 'manager'],
      body: eightDOpeningBody,
      responses: { 201: { description: 'The 8D, open; its disciplines appear once its workflow has started', schema: openedEightDView, links: { ...toEightD('$response.body#/id'), ...newEightDLinks('$response.body#/id') } } },
      handler: async ({ body, principal }) => {
        const doc = await openEightDByHand(platform, models, { ...body, by: principal!.sub });
        return {
          status: 201,
          body: { id: doc._id, status: doc.status, problem: doc.problem, reason: doc.reason, linkedTo: doc.linkedTo, openedAt: doc.openedAt, openedBy: doc.openedBy, concerns: doc.concerns },
          headers: { location: `/v1/eight-ds/${doc._id}` },
        };
      },
    }),
  ];
}
