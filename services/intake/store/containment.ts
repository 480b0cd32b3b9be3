import { Schema, type Connection } from 'mongoose';
import { machineInScope, type ContainmentScope, type MachineInScope } from '@aftersales/contracts';

/**
 * Quality's containment and prevention flags (8D D3 / D7), as intake keeps them: the next agent
 * who registers a request on an affected machine sees the instruction. Fed by eight-d events.
 */
export interface ContainmentFlagDoc {
  _id: string; // flag id
  eightDId: string;
  discipline: 'D3' | 'D7';
  scope: ContainmentScope;
  instruction: string;
  carryParts: string[];
  flaggedAt: Date;
  liftedAt: Date | null;
  sourceEventId: string;
}

/** What a request or a machine page shows of a flag. */
export interface ContainmentWarning {
  flagId: string;
  eightDId: string;
  discipline: 'D3' | 'D7';
  instruction: string;
  carryParts: string[];
}

export function createContainmentModel(connection: Connection) {
  const schema = new Schema<ContainmentFlagDoc>(
    {
      _id: String,
      eightDId: { type: String, required: true, index: true },
      discipline: { type: String, required: true },
      scope: { type: Schema.Types.Mixed, required: true },
      instruction: { type: String, required: true },
      carryParts: { type: [String], default: [] },
      flaggedAt: { type: Date, required: true },
      liftedAt: { type: Date, default: null },
      sourceEventId: { type: String, required: true },
    },
    { versionKey: false, minimize: false },
  );
  return connection.model('ContainmentFlag', schema, 'containmentFlags');
}

export type ContainmentModel = ReturnType<typeof createContainmentModel>;

/**
 * Active flags covering a machine. `containmentFlags` holds only the flags in force (a lift moves
 * its flag to `liftedContainmentFlags`, see containment-history.ts), and few are in force at a time,
 * so they are read whole and matched here.
 */
export async function containmentFor(model: ContainmentModel, machine: MachineInScope): Promise<ContainmentWarning[]> {
  const active = await model.find({ liftedAt: null }).sort({ flaggedAt: 1 }).lean<ContainmentFlagDoc[]>();
  return active
    .filter((flag) => machineInScope(flag.scope, machine))
    .map((flag) => ({ flagId: flag._id, eightDId: flag.eightDId, discipline: flag.discipline, instruction: flag.instruction, carryParts: flag.carryParts }));
}
