import { insertedOnce } from '@aftersales/platform';
import type { ContainmentFlagDoc, DispatchCollections, LiftedContainmentFlagDoc } from './models';

/**
 * Lifted containment flags leave `containmentFlags`, which the ranking and the work-order page read
 * whole (store/planning-inputs.ts): on FerretDB v1 any filter but `{ _id }` reads every document
 * stored, so that collection holds only the flags in force. A lift writes the flag's history entry
 * (`liftedContainmentFlags`, by flag id) first and then deletes the active flag, both by `_id`: a
 * process that dies between the two leaves the flag in both, and the redelivered event finishes.
 */
type Flags = Pick<DispatchCollections, 'containmentFlags' | 'liftedContainmentFlags'>;

/** Whether a flag was lifted (an `_id` read of the history). */
export async function isLifted(c: Flags, flagId: string): Promise<boolean> {
  return (await c.liftedContainmentFlags.findOne({ _id: flagId }, { projection: { _id: 1 } })) !== null;
}

/** The history entry first (an insert that keeps the first one written), then out of the active flags. */
async function moveToHistory(c: Flags, lifted: LiftedContainmentFlagDoc): Promise<void> {
  await insertedOnce(c.liftedContainmentFlags.insertOne(lifted));
  await c.containmentFlags.deleteOne({ _id: lifted._id });
}

/**
 * Lifts a flag: its history entry (the flag as it was, or a placeholder when the lift came first),
 * then its removal from the active flags. Idempotent after a partial or a whole apply.
 */
export async function liftContainmentFlag(c: Flags, lift: { flagId: string; eightDId: string; liftedAt: Date; eventId: string }): Promise<void> {
  const active = await c.containmentFlags.findOne({ _id: lift.flagId });
  const kept: ContainmentFlagDoc = active ?? { _id: lift.flagId, flagId: lift.flagId, eightDId: lift.eightDId, discipline: 'D3', scope: {}, instruction: '(lifted before it arrived)', carryParts: [], flaggedAt: lift.liftedAt, active: false, liftedAt: null };
  await moveToHistory(c, { ...kept, active: false, liftedAt: lift.liftedAt, liftEventId: lift.eventId });
}

/**
 * Moves the flags lifted before lifts moved them (kept with `active: false`) to the history, once:
 * one pass over the flags, the marker last, so a pass cut short runs again whole.
 */
export async function moveLiftedContainmentOnce(c: Flags & Pick<DispatchCollections, 'builds'>, now: Date): Promise<boolean> {
  const id = 'lifted-containment-flags@1';
  if (await c.builds.findOne({ _id: id })) return false;
  for (const flag of await c.containmentFlags.find({ active: false }).toArray()) {
    await moveToHistory(c, { ...flag, liftedAt: flag.liftedAt ?? now, liftEventId: null });
  }
  await insertedOnce(c.builds.insertOne({ _id: id, builtAt: now }));
  return true;
}
