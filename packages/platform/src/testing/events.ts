import { randomUUID } from 'node:crypto';
import { buildEvent, type KnownEvent, type ServiceRequestRegisteredV1 } from '@aftersales/contracts';

/** A valid service-request.registered@1 event; `subject` is the Kafka key, so one subject's events stay in order. */
export function registeredEvent(
  subject: string,
  options: { id?: string; data?: Partial<ServiceRequestRegisteredV1> } = {},
): KnownEvent<'service-request.registered@1'> {
  return buildEvent(
    'service-request.registered@1',
    {
      requestId: subject,
      customerId: 'CUST-0001',
      contact: { name: 'Test Contact', email: 'contact@example.com' },
      channel: 'phone',
      serialNumber: 'SN-0001',
      symptom: 'does not start',
      raisedAt: '2025-01-02T03:04:05.000Z',
      neededBy: '2025-01-03T03:04:05.000Z',
      ...options.data,
    },
    {
      id: options.id ?? randomUUID(),
      occurredAt: new Date(),
      source: 'platform-tests',
      subject,
      correlationId: subject,
      causationId: null,
    },
  );
}
