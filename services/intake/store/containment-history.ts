import type { mongo } from 'mongoose';
import { insertedOnce } from '@aftersales/platform';
import type { ContainmentFlagDoc, ContainmentModel } from './containment';

/**
 * Lifted containment flags, kept by flag id in `liftedContainmentFlags`, so that `containmentFlags`
 * holds only the flags in force: registration and the machine page read that collection whole
 * (see containmentFor), and on FerretDB v1 any filter but `{ _id }` reads every document stored.
 * A lift writes the history first and then deletes the active flag, both by `_id`: a process that
 * dies between the two leaves the flag in both, and the redelivered event finishes the move.
 */
export interface LiftedContainmentFlagDoc extends Omit<ContainmentFlagDoc, 'discipline' | 'scope' | 'instruction' | 'flaggedAt' | 'liftedAt' | 'sourceEventId'> {
  /** What the flag said; null when its lift arrived before it (the flag is then never raised here). */
  discipline: ContainmentFlagDoc['discipline'] | null;
  scope: ContainmentFlagDoc['scope'] | null;
  instruction: string | null;
  flaggedAt: Date | null;
  sourceEventId: string | null;
  liftedAt: Date;
  /** The lift event's id; null for a flag moved by `moveLiftedContainmentOnce`. */
  liftEventId: string | null;
}

type Builds = mongo.Collection<{ _id: string; builtAt: Date }>;

export function liftedContainmentFlags(flags: ContainmentModel): mongo.Collection<LiftedContainmentFlagDoc> {
  const db = flags.db.db;
  if (!db) throw new Error('intake containment: the Mongo connection is not open');
  return db.collection<LiftedContainmentFlagDoc>('liftedContainmentFlags');
}

/** Whether a flag was lifted (an `_id` read of the history). */
export async function isLifted(flags: ContainmentModel, flagId: string): Promise<boolean> {
  return (await liftedContainmentFlags(flags).findOne({ _id: flagId }, { projection: { _id: 1 } })) !== null;
}

/** Moves one flag to the history (an insert that keeps the first one written) and then out of the active flags. */
async function moveToHistory(flags: ContainmentModel, lifted: LiftedContainmentFlagDoc): Promise<void> {
  await insertedOnce(liftedContainmentFlags(flags).insertOne(lifted));
  await flags.collection.deleteOne({ _id: lifted._id } as never);
}

/**
 * Lifts a flag: its history entry (the flag as it was, or only its ids when the lift came first),
 * then its removal from the active flags. Idempotent: run again after a partial or a whole apply it
 * writes nothing new.
 */
export async function liftContainmentFlag(flags: ContainmentModel, lift: { flagId: string; eightDId: string; liftedAt: Date; eventId: string }): Promise<void> {
  const active = await flags.collection.findOne({ _id: lift.flagId } as never) as ContainmentFlagDoc | null;
  const kept = active ?? { _id: lift.flagId, eightDId: lift.eightDId, discipline: null, scope: null, instruction: null, carryParts: [], flaggedAt: null, sourceEventId: null };
  await moveToHistory(flags, { ...kept, liftedAt: lift.liftedAt, liftEventId: lift.eventId });
}

/**
 * Moves the flags lifted before lifts moved them (they stayed in `containmentFlags` with `liftedAt`
 * set) to the history, once: one pass over the flags, the marker last, so a pass cut short runs
 * again whole.
 */
export async function moveLiftedContainmentOnce(flags: ContainmentModel, builds: Builds, now: Date): Promise<boolean> {
  const id = 'lifted-containment-flags@1';
  if (await builds.findOne({ _id: id })) return false;
  const lifted = await flags.collection.find({ liftedAt: { $ne: null } } as never).toArray() as unknown as ContainmentFlagDoc[];
  for (const flag of lifted) await moveToHistory(flags, { ...flag, liftedAt: flag.liftedAt!, liftEventId: null });
  await insertedOnce(builds.insertOne({ _id: id, builtAt: now }));
  return true;
}
