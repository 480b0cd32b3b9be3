/** The installed base, from machine.registered: one record per serial and counts per model. */
import type { KnownEvent } from '@aftersales/contracts';
import type { MachineRecord } from './case-record';

export function machineFrom(event: KnownEvent<'machine.registered@1'>): MachineRecord {
  const d = event.data;
  return { serialNumber: d.serialNumber, customerId: d.customerId, model: d.model, productLine: d.productLine, inServiceFrom: d.installedAt ?? d.registeredAt };
}

/**
 * The installed base in one small document: per model, how many machines entered service on each
 * day. Enough for machine-years at a day's precision without reading every machine.
 */
export interface InstalledBase {
  models: Record<string, { productLine: string | null; byDay: Record<string, number> }>;
}

export function countMachine(base: InstalledBase, machine: MachineRecord): InstalledBase {
  const model = machine.model ?? 'unknown';
  const day = machine.inServiceFrom.slice(0, 10);
  const entry = base.models[model] ?? { productLine: machine.productLine, byDay: {} };
  return { models: { ...base.models, [model]: { ...entry, byDay: { ...entry.byDay, [day]: (entry.byDay[day] ?? 0) + 1 } } } };
}

/** The machines the failure-rate formula reads, one per machine counted, in service from the start of its day. */
export function machinesOf(base: InstalledBase): MachineRecord[] {
  const out: MachineRecord[] = [];
  for (const [model, { productLine, byDay }] of Object.entries(base.models)) {
    for (const [day, count] of Object.entries(byDay)) {
      for (let i = 0; i < count; i++) out.push({ serialNumber: `${model}#${day}#${i}`, customerId: '', model, productLine, inServiceFrom: `${day}T00:00:00.000Z` });
    }
  }
  return out;
}

export function machinesPerModel(base: InstalledBase): Record<string, number> {
  return Object.fromEntries(Object.entries(base.models).map(([model, { byDay }]) => [model, Object.values(byDay).reduce((s, n) => s + n, 0)]));
}
