import type { ServiceRequestRegisteredV1 } from '@aftersales/contracts';
import type { BoardEntryDoc } from '../store/models';

/** A registered request becomes an entry on the dispatcher's board, with what planning needs: the machine and the site. */
export function boardEntryFromRegistered(data: ServiceRequestRegisteredV1, eventId: string, receivedAt: Date): BoardEntryDoc {
  return {
    _id: data.requestId,
    customerId: data.customerId,
    serialNumber: data.serialNumber,
    channel: data.channel,
    symptom: data.symptom,
    raisedAt: new Date(data.raisedAt),
    neededBy: new Date(data.neededBy),
    status: 'awaiting-dispatch',
    receivedAt,
    sourceEventId: eventId,
    machine: data.machine ?? null,
    site: data.site ?? null,
    siteId: data.siteId ?? null,
    locationClass: data.locationClass ?? null,
    workOrderId: null,
  };
}
