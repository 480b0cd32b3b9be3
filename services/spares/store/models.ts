import { Schema, type Connection } from 'mongoose';

export interface PartDoc {
  _id: string; // part number
  description: string;
  fitsModels: string[];
  /** The part that replaces this one in the field, if it was superseded. */
  supersededBy: string | null;
  listPrice: number;
  currency: string;
}

export function createSparesModels(connection: Connection) {
  const parts = new Schema<PartDoc>(
    {
      _id: String,
      description: { type: String, required: true },
      fitsModels: { type: [String], index: true },
      supersededBy: { type: String, default: null },
      listPrice: { type: Number, required: true },
      currency: { type: String, required: true },
    },
    { versionKey: false },
  );
  return { parts: connection.model('Part', parts, 'parts') };
}

export type SparesModels = ReturnType<typeof createSparesModels>;
