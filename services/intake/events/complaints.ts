import type { KnownEvent } from '@aftersales/contracts';
import type { ConsumedEvent, Platform } from '@aftersales/platform';
import type { IntakeModels } from '../store/models';
import type { Registrar } from '../store/registrar';

export const complaintConsumer = 'intake-complaints';
const day = 86_400_000;

/**
 * A low satisfaction score opens a complaint: a new request about the same machine, linked to the
 * one the customer was unhappy with, starting one tier more urgent. One complaint per request,
 * however often the event is delivered (the idempotency key is the request id).
 */
export function createComplaintHandler(platform: Platform, models: IntakeModels, registrar: Registrar) {
  return async ({ event }: ConsumedEvent): Promise<void> => {
    const { data } = event as KnownEvent<'service-request.complaint-raised@1'>;
    const original = await models.serviceRequests.findById(data.requestId).lean();
    if (!original) {
      platform.logger.warn({ serviceRequestId: data.requestId }, 'complaint about an unknown request; skipped');
      return;
    }
    const { record, created } = await registrar.register({
      input: {
        customerId: original.customerId,
        contact: original.contact,
        channel: original.channel,
        serialNumber: original.serialNumber,
        symptom: `Complaint about ${original._id} (satisfaction ${data.score}/5)${data.comment ? `: ${data.comment}` : ''}`,
        neededBy: new Date(platform.now().getTime() + 2 * day),
      },
      idempotencyKey: `complaint:${original._id}`,
      checkFingerprint: false,
      registeredBy: 'survey',
      correlationId: original._id,
      causationId: event.id,
      scope: { kind: 'all' },
      flags: ['complaint'],
      complaint: { of: original._id, tier: data.complaintTier },
    });
    if (created) platform.logger.info({ serviceRequestId: record._id, complaintOf: original._id, tier: data.complaintTier }, 'complaint opened');
  };
}
