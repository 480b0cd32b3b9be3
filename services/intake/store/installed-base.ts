import { randomUUID } from 'node:crypto';
import { topics } from '@aftersales/contracts';
import { insertWithOutbox, type Platform } from '@aftersales/platform';
import type { AccessScope } from '../domain/access';
import { canSee } from '../domain/access';
import { lineageOf, type Lineage } from '../domain/assessment';
import { machineRegisteredEvent } from '../domain/machine-registration';
import type { CustomerDoc, IntakeModels, MachineDoc } from './models';
import { readModelsOf } from './read-models';

/** Deeper than any real machine (cutting machine > laser source > module); a guard against bad data, not a rule. */
const maxTreeDepth = 32;

/**
 * The machine's ancestors, one read per level. FerretDB v1 has no $graphLookup; a tree is a few
 * levels deep, so walking the parent links is cheap. Stops at a repeated serial (a loop in the
 * data), which lineageOf then reports.
 */
export async function loadLineage(models: IntakeModels, machine: MachineDoc): Promise<Lineage> {
  const loaded = new Map<string, MachineDoc>([[machine._id, machine]]);
  let next = machine.parentSerial ?? null;
  while (next !== null && !loaded.has(next) && loaded.size <= maxTreeDepth) {
    const parent = await models.machines.findById(next).lean<MachineDoc>();
    if (!parent) break;
    loaded.set(parent._id, parent);
    next = parent.parentSerial ?? null;
  }
  return lineageOf(machine, loaded.values());
}

/** A customer's machines by serial, read through its link (by `_id`, not a filter over every machine). */
export function machinesOfCustomer(models: IntakeModels, customerId: string, limit = 5000): Promise<MachineDoc[]> {
  return readModelsOf(models).machineLinks.ofCustomer(customerId, limit);
}

/** A machine's direct parts by serial, read through its link. */
export function partsOfMachine(models: IntakeModels, serial: string): Promise<MachineDoc[]> {
  return readModelsOf(models).machineLinks.partsOf(serial);
}

/** Every machine below this one, one round of `_id` reads per level; a serial seen twice ends the walk (descendantsOf reports the loop). */
export async function loadDescendants(models: IntakeModels, serial: string): Promise<MachineDoc[]> {
  const found = new Map<string, MachineDoc>();
  let level = [serial];
  for (let depth = 0; level.length > 0 && depth < maxTreeDepth; depth++) {
    const children = (await Promise.all(level.map((parent) => partsOfMachine(models, parent)))).flat().sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));
    level = [];
    for (const child of children) {
      if (found.has(child._id) || child._id === serial) continue;
      found.set(child._id, child);
      level.push(child._id);
    }
  }
  return [...found.values()];
}

/** Customer ids a dealer may see, read by `_id` from the dealer's lists (dealer-customers.ts); null for a caller who sees all. */
export async function visibleCustomerIds(models: IntakeModels, scope: AccessScope): Promise<string[] | null> {
  if (scope.kind === 'all') return null;
  return readModelsOf(models).dealerCustomers.idsOf(scope.dealerId);
}

/** A customer the caller may see, or null: a dealer asking for another dealer's customer learns nothing, not even that it exists. */
export async function findVisibleCustomer(models: IntakeModels, id: string, scope: AccessScope): Promise<CustomerDoc | null> {
  const customer = await models.customers.findById(id).lean<CustomerDoc>();
  return customer && canSee(scope, customer.dealerId) ? customer : null;
}

/** A machine and its owner, if the caller may see that owner. */
export async function findVisibleMachine(models: IntakeModels, serial: string, scope: AccessScope): Promise<{ machine: MachineDoc; customer: CustomerDoc | null } | null> {
  const machine = await models.machines.findById(serial).lean<MachineDoc>();
  if (!machine) return null;
  const customer = await models.customers.findById(machine.customerId).lean<CustomerDoc>();
  if (scope.kind === 'dealer' && !canSee(scope, customer?.dealerId)) return null;
  return { machine, customer };
}

/**
 * Stores a new machine with its machine.registered fact in one insert (the machines collection is
 * an insert-only outbox, see service.ts). Throws the insert's duplicate-key error for a serial
 * already in the installed base: the caller judges it (409 at the API, nothing new for the seed).
 */
export async function insertMachine(deps: Pick<Platform, 'topic' | 'now'>, models: IntakeModels, machine: MachineDoc, customer: Pick<CustomerDoc, 'dealerId'>, correlationId: string): Promise<void> {
  const now = machine.createdAt ?? deps.now();
  const event = machineRegisteredEvent(machine, customer, { eventId: randomUUID(), now, correlationId });
  const announced: MachineDoc = { ...machine, registeredEventId: event.id };
  // Linked first: a crash in between leaves a link to nothing (skipped), never an unlinked machine.
  await readModelsOf(models).machineLinks.note(machine);
  await insertWithOutbox(models.machines.collection as never, announced as MachineDoc & { _id: string }, [{ topic: deps.topic(topics.machines), event }], now);
}
