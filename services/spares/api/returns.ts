import { z } from 'zod';
import { failureFindings } from '@aftersales/contracts';
import { ConflictError, defineRoute, isDuplicateKeyError, NotFoundError, UnprocessableError, type RouteSpec } from '@aftersales/platform';
import { supplierClaimFor } from '../domain/returns';
import type { DefectiveReturnDoc, ReturnAnalysisDoc } from '../store/collections';
import { withEvent } from '../store/events';
import { createGuardedWrites } from '../store/guarded-writes';
import { createOpenLists, openStatuses } from '../store/open-lists';
import { loadPriceList, unitCostCents } from '../store/prices';
import { by, causeFrom, id, readers, type SparesDeps } from './common';
import { analysedReturnView, itemsOf, redFlagView, returnView, supplierClaimView } from './responses';

const strip = <T extends { _id: string }>({ _id, ...rest }: T) => ({ id: _id, ...rest });

export function returnRoutes(deps: SparesDeps): RouteSpec[] {
  const { store, models, platform } = deps;
  const guarded = createGuardedWrites(store, () => platform.now());
  const open = createOpenLists(store, () => platform.now());

  /**
   * What follows a stored analysis, the return's status last: wear or misuse moves what the
   * factory paid for the part (a closed case; an open one on closing), a supplier defect opens
   * its claim, then the return is stored analysed and taken off the open list. Each step is
   * idempotent, so a retry after a crash anywhere before the status finishes them all.
   */
  async function followAnalysis(ret: DefectiveReturnDoc, analysis: Pick<ReturnAnalysisDoc, 'finding' | 'supplierId' | 'lot' | 'analysedAt'>, partCurrency: string | undefined) {
    const { finding, supplierId, lot, analysedAt } = analysis;
    await deps.flow.adjustForAnalysis(ret.requestId, ret.partNumber, finding, analysedAt);
    const claim = supplierClaimFor(finding, supplierId, lot);
    if (claim.claim && supplierId) {
      const list = await loadPriceList(store);
      // Listed as open first, then stored.
      await open.insert('supplier-claims', { _id: `SCL-${ret._id}`, returnId: ret._id, partNumber: ret.partNumber, lot, supplierId, amountCents: ret.quantity * (await unitCostCents(store, models.parts, list, ret.partNumber)), currency: list?.currency ?? partCurrency ?? 'EUR', status: 'open', reason: claim.reason, openedAt: analysedAt });
    }
    await guarded.setIf(store.returns, ret._id, () => true, { status: 'analysed' });
    // Off the open list once stored analysed (a crash in between leaves an entry the list skips).
    await open.close('returns', ret._id);
    return claim;
  }

  return [
    defineRoute({
      method: 'get',
      path: '/v1/returns',
      summary: 'Defective returns: due, chased, flagged, returned, analysed',
      tags: ['returns'],
      roles: [...readers, 'quality'],
      query: z.object({ workOrderId: id.optional(), status: z.enum(['awaiting-return', 'returned', 'analysed']).optional(), engineerId: id.optional() }),
      responses: { 200: { description: 'Returns', schema: itemsOf(returnView), links: { receive: { operationId: 'postReturnsByIdReceipt', parameters: { id: '$response.body#/items/0/id' } } } } },
      handler: async ({ query }) => {
        const q = { ...(query.workOrderId ? { workOrderId: query.workOrderId } : {}), ...(query.status ? { status: query.status } : {}), ...(query.engineerId ? { engineerId: query.engineerId } : {}) };
        // What the spares desk polls (returns still out): from the open ones, by `_id` (see open-lists).
        // Analysed ones, or all, by filter: on FerretDB that reads every return ever stored.
        if (query.status && openStatuses.returns.includes(query.status)) {
          const items = await open.list('returns', (r) => r.status === query.status && (!query.workOrderId || r.workOrderId === query.workOrderId) && (!query.engineerId || r.engineerId === query.engineerId), 500);
          return { status: 200, body: { items: items.map(strip) } };
        }
        return { status: 200, body: { items: (await store.returns.find(q).sort({ dueAt: 1 }).limit(500).toArray()).map(strip) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/returns/:id/receipt',
      summary: 'The defective part arrived back',
      tags: ['returns'],
      roles: ['spares', 'quality'],
      params: z.object({ id }),
      responses: { 200: { description: 'Marked returned (or as it was, when it came back before)', schema: returnView, links: { analyse: { operationId: 'postReturnsByIdAnalysis', parameters: { id: '$response.body#/id' } } } } },
      handler: async ({ params }) => {
        const found = await store.returns.findOne({ _id: params.id });
        if (!found) throw new NotFoundError('return', params.id, 'id');
        // Only a return still awaited is received: one that came back, or was analysed since, stays as it is.
        await guarded.setIf(store.returns, params.id, (r) => r.status === 'awaiting-return', { status: 'returned', returnedAt: platform.now() });
        return { status: 200, body: strip((await store.returns.findOne({ _id: params.id }))!) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/returns/:id/analysis',
      summary: 'Failure analysis of a returned part: published to quality; a supplier defect opens a recovery claim',
      tags: ['returns'],
      roles: ['quality', 'spares'],
      params: z.object({ id }),
      body: z
        .object({
          finding: z.enum(failureFindings),
          lot: id.nullable().optional(),
          supplierId: id.nullable().optional(),
          // A code or words, not an id: quality normalises it to FM-WORDS.
          failureMode: z.string().trim().min(1).max(64).nullable().optional(),
          partSerial: id.nullable().optional(),
          notes: z.string().max(4000).optional(),
        })
        .strict(),
      responses: { 200: { description: 'Analysed', schema: analysedReturnView, links: { moveSupplierClaim: { operationId: 'postSupplierClaimsByIdStatus', parameters: { id: '$response.body#/supplierClaimId' } }, getFailureDecision: { operationId: 'getCasesByRequestIdFailureDecision', parameters: { requestId: '$response.body#/requestId' } } } }, 409: { description: 'Analysed before' }, 422: { description: 'The part has not come back' } },
      handler: async (ctx) => {
        const ret = await store.returns.findOne({ _id: ctx.params.id });
        if (!ret) throw new NotFoundError('return', ctx.params.id, 'id');
        if (!ret.returnedAt) throw new UnprocessableError('id', `return ${ret._id} has not been received yet`);
        const part = await models.parts.findById(ret.partNumber).lean();
        const supplierId = ctx.body.supplierId ?? part?.supplierId ?? null;
        const lot = ctx.body.lot ?? null;
        const analysedAt = platform.now();
        try {
          await store.returnAnalyses.insertOne({
            _id: ret._id,
            finding: ctx.body.finding,
            lot,
            supplierId,
            failureMode: ctx.body.failureMode ?? ret.failureMode,
            notes: ctx.body.notes ?? null,
            analysedAt,
            by: by(ctx.principal),
            ...withEvent(
              platform,
              'defective-part.returned@1',
              ret._id,
              {
                returnId: ret._id,
                partNumber: ret.partNumber,
                partSerial: ctx.body.partSerial ?? ret.removedSerial,
                lot,
                supplierId,
                workOrderId: ret.workOrderId,
                requestId: ret.requestId,
                machineSerial: ret.machineSerial,
                model: ret.model,
                productLine: ret.productLine,
                failureMode: ctx.body.failureMode ?? ret.failureMode,
                finding: ctx.body.finding,
                ...(ctx.body.notes ? { notes: ctx.body.notes } : {}),
                returnedAt: ret.returnedAt.toISOString(),
                analysedAt: analysedAt.toISOString(),
              },
              causeFrom(ctx),
            ),
          });
        } catch (error) {
          if (!isDuplicateKeyError(error)) throw error;
          // Analysed before. If that call died before the return was stored analysed, what followed
          // its analysis may be missing: this retry finishes it (each step is idempotent).
          const stored = await store.returnAnalyses.findOne({ _id: ret._id });
          if (stored && ret.status !== 'analysed') await followAnalysis(ret, stored, part?.currency);
          throw new ConflictError(`return ${ret._id} was analysed before`, 'id');
        }
        const claim = await followAnalysis(ret, { finding: ctx.body.finding, supplierId, lot, analysedAt }, part?.currency);
        platform.nudgeOutbox();
        ctx.log.info({ returnId: ret._id, finding: ctx.body.finding, supplierClaim: claim.claim }, 'defective part analysed');
        return { status: 200, body: { ...strip((await store.returns.findOne({ _id: ret._id }))!), finding: ctx.body.finding, supplierClaimId: claim.claim ? `SCL-${ret._id}` : null } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/supplier-claims',
      summary: 'Recovery claims against suppliers for defective parts',
      tags: ['returns'],
      roles: [...readers, 'quality'],
      query: z.object({ supplierId: id.optional(), status: z.enum(['open', 'submitted', 'accepted', 'rejected', 'settled']).optional() }),
      responses: { 200: { description: 'Claims', schema: itemsOf(supplierClaimView) } },
      handler: async ({ query }) => {
        const q = { ...(query.supplierId ? { supplierId: query.supplierId } : {}), ...(query.status ? { status: query.status } : {}) };
        // Open, submitted or accepted: from the open claims, by `_id`; settled, rejected or all by filter (a scan on FerretDB).
        if (query.status && openStatuses['supplier-claims'].includes(query.status)) {
          const items = await open.list('supplier-claims', (c) => c.status === query.status && (!query.supplierId || c.supplierId === query.supplierId), 500);
          return { status: 200, body: { items: items.map(strip) } };
        }
        return { status: 200, body: { items: (await store.supplierClaims.find(q).sort({ openedAt: 1 }).limit(500).toArray()).map(strip) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/supplier-claims/:id/status',
      summary: 'Move a supplier claim on: submitted, accepted, rejected, settled',
      tags: ['returns'],
      roles: ['spares', 'finance'],
      params: z.object({ id }),
      body: z.object({ status: z.enum(['submitted', 'accepted', 'rejected', 'settled']) }).strict(),
      responses: { 200: { description: 'The claim', schema: supplierClaimView } },
      handler: async ({ params, body }) => {
        // Under the claim's lock, listed as open before an open status, taken off after a final one.
        const moved = await open.moveClaim(params.id, body.status);
        if (!moved) throw new NotFoundError('supplier claim', params.id, 'id');
        return { status: 200, body: strip(moved) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/red-flags',
      summary: 'Red flags: requisitions far above peers or history, defective parts never returned, consumption edited after the fact',
      tags: ['returns'],
      roles: ['spares', 'manager', 'auditor', 'finance'],
      query: z.object({ kind: z.enum(['requisition-outlier', 'defective-part-not-returned', 'consumption-edited', 'consumed-without-stock', 'no-completion-report']).optional() }),
      responses: { 200: { description: 'Flags', schema: itemsOf(redFlagView) } },
      handler: async ({ query }) => ({ status: 200, body: { items: (await store.redFlags.find(query.kind ? { kind: query.kind } : {}).sort({ raisedAt: 1 }).limit(1000).toArray()).map(strip) } }),
    }),
  ];
}
