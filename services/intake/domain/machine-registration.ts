import { buildEvent, type KnownEvent } from '@aftersales/contracts';
import type { CustomerDoc, MachineDoc } from '../store/installed-base-models';

export interface MachineRegistrationContext {
  eventId: string;
  /** When intake recorded the machine (the stored record's createdAt). */
  now: Date;
  /** The request or seed run that wrote it, for tracing the fact back. */
  correlationId: string;
}

/**
 * The fact that a machine entered the installed base, to leave in the same insert as its record.
 * The dealer is the one serving the customer (as service-request.registered carries it), not the
 * machine's supplier: a component's supplier is no dealer.
 */
export function machineRegisteredEvent(machine: MachineDoc, customer: Pick<CustomerDoc, 'dealerId'>, context: MachineRegistrationContext): KnownEvent<'machine.registered@1'> {
  return buildEvent(
    'machine.registered@1',
    {
      serialNumber: machine._id,
      customerId: machine.customerId,
      siteId: machine.siteId ?? null,
      model: machine.model,
      productLine: machine.productLine,
      installedAt: machine.installDate ? machine.installDate.toISOString() : null,
      registeredAt: context.now.toISOString(),
      dealerId: customer.dealerId ?? null,
    },
    { id: context.eventId, occurredAt: context.now, source: 'intake', subject: machine._id, correlationId: context.correlationId, causationId: null },
  );
}
