import { Schema, type Connection } from 'mongoose';
import type { OutboxFields } from '@aftersales/platform';

/**
 * Events the serviceRequest workflow publishes, one document each, keyed by the event id the
 * workflow fixed: a retried activity inserts nothing twice. A document of its own rather than a
 * push onto the request's record: there is no record change these events must be atomic with, and
 * FerretDB v1 does not serialise concurrent updates of one document (the relay pops the record's
 * outbox at the same time). The relay publishes and clears them; the documents stay as a log.
 */
export interface WorkflowEventDoc extends OutboxFields {
  _id: string;
  requestId: string;
  type: string;
  occurredAt: Date;
}

export function createWorkflowEventModel(connection: Connection) {
  const schema = new Schema<WorkflowEventDoc>(
    {
      _id: String,
      requestId: { type: String, required: true, index: true },
      type: { type: String, required: true },
      occurredAt: { type: Date, required: true },
      outbox: { type: [Schema.Types.Mixed], default: undefined },
      outboxDueAt: { type: Date, index: true },
    },
    { versionKey: false },
  );
  return connection.model('ServiceRequestEvent', schema, 'serviceRequestEvents');
}
