import { topics, type KnownEvent } from '@aftersales/contracts';
import { applyOnce, type ConsumedEvent, type ConsumerSpec, type Platform } from '@aftersales/platform';
import type { FailureDesk } from '../store/failure-desk';

export const failureRecordsConsumer = 'quality-failure-records';

/**
 * Failure facts from three streams, each applied once per event id: the registration (the
 * machine's model and line, kept per request), the completed work order, the closed request and
 * the returned defective part, and quality's reviews of the failure decision. Each fact lands on
 * the request's one failure record.
 */
export function failureRecordConsumer(platform: Platform, desk: FailureDesk): ConsumerSpec {
  const once = (event: ConsumedEvent['event'], apply: () => Promise<void>) => applyOnce(platform.mongo, failureRecordsConsumer, event.id, apply).then(() => undefined);
  return {
    group: failureRecordsConsumer,
    topics: [topics.serviceRequests, topics.workOrders, topics.returns],
    handlers: {
      'service-request.registered@1': ({ event }) => {
        const { data } = event as KnownEvent<'service-request.registered@1'>;
        return once(event, () =>
          desk.rememberRequest({
            requestId: data.requestId,
            customerId: data.customerId,
            serialNumber: data.serialNumber,
            model: data.machine?.model ?? null,
            productLine: data.machine?.productLine ?? null,
            registeredAt: data.raisedAt,
            symptom: data.symptom,
          }),
        );
      },
      'work-order.completed@1': ({ event }) => {
        const { data } = event as KnownEvent<'work-order.completed@1'>;
        return once(event, () =>
          desk.ingest({
            source: 'work-order',
            requestId: data.requestId,
            at: data.finishedAt,
            failureMode: data.failureMode ?? null,
            safety: data.safetyRelated ?? false,
            parts: data.partsUsed.map((p) => p.partNumber),
            cause: data.cause,
            fix: data.fix,
            failureDecision: data.failureDecision ?? null,
          }),
        );
      },
      'failure-decision.reviewed@1': ({ event }) => {
        const { data } = event as KnownEvent<'failure-decision.reviewed@1'>;
        return once(event, () => desk.recordReview(data.requestId, { category: data.category, decidedBy: data.decidedBy, decidedAt: data.decidedAt, by: 'quality', revision: data.revision }));
      },
      'service-request.closed@1': ({ event }) => {
        const { data } = event as KnownEvent<'service-request.closed@1'>;
        return once(event, () =>
          desk.ingest({ source: 'closure', requestId: data.requestId, at: data.acceptedAt, customerId: data.customerId, serialNumber: data.serialNumber, tier: data.tier, cause: data.cause, fix: data.fix }),
        );
      },
      'defective-part.returned@1': ({ event }) => {
        const { data } = event as KnownEvent<'defective-part.returned@1'>;
        return once(event, () =>
          desk.ingest({
            source: 'defective-return',
            requestId: data.requestId,
            at: data.returnedAt,
            machineSerial: data.machineSerial,
            partNumber: data.partNumber,
            lot: data.lot,
            supplierId: data.supplierId,
            failureMode: data.failureMode,
            finding: data.finding,
            model: data.model,
            productLine: data.productLine,
          }),
        );
      },
    },
  };
}
