import { z } from 'zod';
import { failureCategories, type FailureCategory } from '@aftersales/contracts';
import { ConflictError, defineRoute, isDuplicateKeyError, NotFoundError, type RouteSpec } from '@aftersales/platform';
import { decisionInForce, type FailureDecisionFact } from '../domain/case-cost';
import { createCaseLists } from '../store/case-lists';
import type { SparesStore } from '../store/collections';
import { withEvent } from '../store/events';
import { by, causeFrom, id, readers, type SparesDeps } from './common';
import { failureDecisionView, failureReviewView } from './responses';

/** The engineer's decision at the report: the latest report of the case's work orders that made one (reported work orders by `_id` from the case's list). */
export async function engineerDecision(store: SparesStore, requestId: string): Promise<FailureDecisionFact | null> {
  const { docs: workOrders } = await createCaseLists(store).docsOf(store.workOrders, 'reported-work-orders', requestId);
  const decisions = workOrders.flatMap((w) => (w.completion?.failureDecision ? [w.completion.failureDecision] : [])).sort((a, b) => b.decidedAt.getTime() - a.decidedAt.getTime());
  const latest = decisions[0];
  return latest ? { category: latest.category, decidedBy: latest.decidedBy, decidedAt: latest.decidedAt.toISOString() } : null;
}

/**
 * Who pays for a case follows its failure decision: the engineer's at the report, confirmed or
 * changed by quality's failure analysis. A review is a new fact (who, when, why), published to
 * quality; a case already charged is re-charged from its next review as correcting entries.
 */
export function failureDecisionRoutes(deps: SparesDeps): RouteSpec[] {
  const { store, platform, flow } = deps;
  const params = z.object({ requestId: id });
  const view = async (requestId: string) => {
    const [engineer, reviews] = await Promise.all([engineerDecision(store, requestId), flow.failureReviews(requestId)]);
    return { requestId, engineer, reviews, inForce: decisionInForce(engineer, reviews) };
  };
  return [
    defineRoute({
      method: 'get',
      path: '/v1/cases/:requestId/failure-decision',
      summary: "A case's failure decision: the engineer's, quality's reviews, and the one that charges the case",
      tags: ['cost allocation'],
      roles: [...readers, 'quality'],
      params,
      responses: { 200: { description: 'The decisions', schema: failureDecisionView, links: { review: { operationId: 'postCasesByRequestIdFailureDecisionReviews', parameters: { requestId: '$response.body#/requestId' } } } }, 404: { description: 'No such case (field requestId)' } },
      handler: async ({ params: p }) => {
        if (!(await store.cases.findOne({ _id: p.requestId }))) throw new NotFoundError('case', p.requestId, 'requestId');
        return { status: 200, body: await view(p.requestId) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/cases/:requestId/failure-decision/reviews',
      summary: "Quality's failure analysis confirms or changes the case's failure decision (who pays), with its evidence",
      tags: ['cost allocation'],
      roles: ['quality'],
      params,
      body: z.object({ category: z.enum(failureCategories), reason: z.string().trim().min(1).max(2000) }).strict(),
      responses: { 201: { description: 'The review, and the decision now in force', schema: failureReviewView, links: { getFailureDecision: { operationId: 'getCasesByRequestIdFailureDecision', parameters: { requestId: '$response.body#/requestId' } } } }, 404: { description: 'No such case (field requestId)' }, 409: { description: 'Another review was recorded meanwhile (field requestId)' } },
      handler: async (ctx) => {
        const requestId = ctx.params.requestId;
        if (!(await store.cases.findOne({ _id: requestId }))) throw new NotFoundError('case', requestId, 'requestId');
        const before = await view(requestId);
        const previousCategory: FailureCategory | null = before.inForce?.category ?? null;
        const revision = before.reviews.length + 1;
        const decidedAt = platform.now();
        const review = {
          requestId,
          revision,
          category: ctx.body.category,
          previousCategory,
          outcome: previousCategory === ctx.body.category ? ('confirmed' as const) : ('changed' as const),
          decidedBy: by(ctx.principal),
          decidedAt,
          reason: ctx.body.reason,
        };
        try {
          await store.failureReviews.insertOne({
            _id: `${requestId}|${revision}`,
            ...review,
            ...withEvent(platform, 'failure-decision.reviewed@1', requestId, { ...review, decidedAt: decidedAt.toISOString() }, causeFrom(ctx)),
          });
        } catch (error) {
          if (isDuplicateKeyError(error)) throw new ConflictError(`case ${requestId} was reviewed meanwhile (revision ${revision}); read it and review again`, 'requestId');
          throw error;
        }
        platform.nudgeOutbox();
        await flow.applyReview(requestId, { revision, category: review.category, decidedBy: review.decidedBy, decidedAt: decidedAt.toISOString() });
        ctx.log.info({ serviceRequestId: requestId, revision, category: review.category, outcome: review.outcome }, 'failure decision reviewed');
        return { status: 201, body: { review: { ...review, decidedAt: decidedAt.toISOString() }, ...(await view(requestId)) } };
      },
    }),
  ];
}
