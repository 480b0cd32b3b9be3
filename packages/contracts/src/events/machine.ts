import { z } from 'zod';
import type { ContractEntry } from '../contract-entry';
import { topics } from '../topics';

/**
 * Facts intake publishes about the installed base, on intake.machines.v1 keyed by the serial
 * number, so one machine's facts stay in order.
 */
const instant = z.iso.datetime();
const id = z.string().min(1);

/**
 * machine.registered v1: a machine entered the installed base (registered through the API or
 * loaded by the demo seed). Reporting counts the installed base and its age from these.
 */
export const machineRegisteredV1 = z.object({
  serialNumber: id,
  customerId: id,
  /** The customer's site where it stands; null when none was named. */
  siteId: id.nullable(),
  model: id,
  productLine: id,
  /** When it was installed at the customer; null when not known. */
  installedAt: instant.nullable(),
  /** When intake recorded it. */
  registeredAt: instant,
  /** The dealer serving the customer; null when served directly. */
  dealerId: id.nullable(),
});
export type MachineRegisteredV1 = z.infer<typeof machineRegisteredV1>;

export const machineContracts = {
  'machine.registered@1': { topic: topics.machines, schema: machineRegisteredV1 },
} as const satisfies Record<string, ContractEntry>;
