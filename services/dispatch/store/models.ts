import { Schema, type Connection } from 'mongoose';

/** Dispatch's own copy of a service request: the dispatcher's board, fed by intake's events. */
export interface BoardEntryDoc {
  _id: string; // service request id
  customerId: string;
  serialNumber: string;
  channel: string;
  symptom: string;
  raisedAt: Date;
  neededBy: Date;
  status: 'awaiting-dispatch';
  receivedAt: Date;
  /** The event this entry came from, for tracing and audit. */
  sourceEventId: string;
}

export function createDispatchModels(connection: Connection) {
  const boardEntries = new Schema<BoardEntryDoc>(
    {
      _id: String,
      customerId: { type: String, required: true },
      serialNumber: { type: String, required: true },
      channel: { type: String, required: true },
      symptom: { type: String, required: true },
      raisedAt: { type: Date, required: true },
      neededBy: { type: Date, required: true, index: true },
      status: { type: String, required: true },
      receivedAt: { type: Date, required: true },
      sourceEventId: { type: String, required: true },
    },
    { versionKey: false },
  );
  return { boardEntries: connection.model('BoardEntry', boardEntries, 'serviceRequestBoard') };
}

export type DispatchModels = ReturnType<typeof createDispatchModels>;
