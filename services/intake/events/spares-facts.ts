import type { KnownEvent } from '@aftersales/contracts';
import type { ConsumedEvent, EventHandler, Platform } from '@aftersales/platform';
import { partsSignal, quoteSignal } from '@aftersales/workflows';
import { signalRequest } from './signal-request';

export const sparesFactsConsumer = 'intake-spares-facts';

type QuoteEvent = 'quote.issued@1' | 'quote.accepted@1' | 'quote.declined@1';
type PartsEvent = 'parts.reserved@1' | 'parts.backordered@1' | 'parts.released@1' | 'parts.consumed@1';
export type SparesFactEvent = QuoteEvent | PartsEvent;

/**
 * Spares' facts about a case reach its workflow: a quote out pauses the clocks until the customer
 * answers, and parts reserved, backordered, released or consumed show on the request.
 */
export function createSparesFactHandlers(platform: Platform): Record<SparesFactEvent, EventHandler> {
  const quote = (outcome: 'issued' | 'accepted' | 'declined'): EventHandler => async ({ event }: ConsumedEvent) => {
    const data = event.data as KnownEvent<QuoteEvent>['data'];
    const at = 'issuedAt' in data ? data.issuedAt : 'acceptedAt' in data ? data.acceptedAt : data.declinedAt;
    await signalRequest(
      platform,
      data.requestId,
      (h) =>
        h.signal(quoteSignal, {
          eventId: event.id,
          at,
          quoteId: data.quoteId,
          outcome,
          ...('totalCents' in data ? { totalCents: data.totalCents, currency: data.currency } : {}),
          ...('by' in data ? { by: data.by } : {}),
          ...('reason' in data && data.reason ? { reason: data.reason } : {}),
        }),
      event.type,
    );
  };
  const parts = (outcome: 'reserved' | 'backordered' | 'released' | 'consumed'): EventHandler => async ({ event }: ConsumedEvent) => {
    const data = event.data as KnownEvent<PartsEvent>['data'];
    // A release names only its reservation; the request shows it as a note without lines.
    const lines = 'lines' in data ? data.lines.map((l) => ({ partNumber: l.partNumber, quantity: l.quantity })) : 'partNumber' in data ? [{ partNumber: data.partNumber, quantity: data.quantity }] : [];
    const at = 'reservedAt' in data ? data.reservedAt : 'consumedAt' in data ? data.consumedAt : data.at;
    await signalRequest(
      platform,
      data.requestId,
      (h) => h.signal(partsSignal, { eventId: event.id, at, workOrderId: data.workOrderId, outcome, lines, ...('expectedAt' in data ? { expectedAt: data.expectedAt } : {}) }),
      event.type,
    );
  };
  return {
    'quote.issued@1': quote('issued'),
    'quote.accepted@1': quote('accepted'),
    'quote.declined@1': quote('declined'),
    'parts.reserved@1': parts('reserved'),
    'parts.backordered@1': parts('backordered'),
    'parts.released@1': parts('released'),
    'parts.consumed@1': parts('consumed'),
  };
}
