import { Schema, type Connection } from 'mongoose';

export interface PartDoc {
  _id: string; // part number
  description: string;
  fitsModels: string[];
  /** The part that replaces this one in the field, if it was superseded. */
  supersededBy: string | null;
  listPrice: number;
  currency: string;
  /** Consumables (nozzles, filters) are the customer's unless the entitlement covers them. */
  consumable?: boolean;
  category?: string | null;
  /** Assemblies this part goes into (the BOM's parent links). */
  parentParts?: string[];
  /** Who supplies it, for recovery claims when failure analysis finds a supplier defect. */
  supplierId?: string | null;
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
      consumable: { type: Boolean, default: false },
      category: { type: String, default: null },
      supplierId: { type: String, default: null },
      parentParts: { type: [String], default: [] },
    },
    { versionKey: false },
  );
  return { parts: connection.model('Part', parts, 'parts') };
}

export type SparesModels = ReturnType<typeof createSparesModels>;
