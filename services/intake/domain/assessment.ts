/**
 * What the agent sees at once when a request is registered: who the customer is, which machine
 * (and what it is part of), where it stands, what it is entitled to at this instant, whether an
 * open request already describes the same fault, and which known fixes match. Pure: the store
 * loads the documents, this decides; the result is frozen onto the request.
 */
import type { LocationClass, RegisteredEntitlement } from '@aftersales/contracts';
import type { ContractDoc, CustomerDoc, MachineDoc } from '../store/installed-base-models';
import type { ContainmentWarning } from '../store/containment';
import type { KnownFixSuggestion } from '../store/models';
import { defaultDuplicateRule, findDuplicate, type DuplicateCandidate, type DuplicateRule, type OpenRequestSummary } from './duplicates';
import { defaultEntitlementPolicy, resolveEntitlement, type Entitlement, type EntitlementPolicy } from './entitlement';
import { siteOf, toEntitlementMachine, toMachineNode, toServiceContract } from './installed-base';
import { rankKnownFixes, type RankableArticle } from './known-fixes';
import { ancestorsOf, lookupFrom, MachineTreeError } from './machine-tree';

export interface Lineage {
  /** Parent first, root last; as far as the data allows when it is broken. */
  ancestors: MachineDoc[];
  /** Why the walk stopped early (a missing parent, a loop), or null. */
  problem: string | null;
}

/**
 * The ancestors of a machine among the loaded documents. A broken tree does not refuse the
 * registration (a caller is never turned away for our data): the ancestors up to the break are
 * used, and the request is flagged for the installed-base team.
 */
export function lineageOf(machine: MachineDoc, loaded: Iterable<MachineDoc>): Lineage {
  const lookup = lookupFrom([...loaded, machine].map(toMachineNode));
  try {
    return { ancestors: ancestorsOf(machine._id, lookup), problem: null };
  } catch (error) {
    if (!(error instanceof MachineTreeError)) throw error;
    // path: the machine, the ancestors found, then the serial that is missing or seen twice.
    const ancestors = error.path.slice(1, -1).flatMap((serial) => lookup(serial) ?? []);
    return { ancestors, problem: error.message };
  }
}

export interface KnownFixCandidate extends RankableArticle {
  version: number;
}

export interface AssessmentInput {
  at: Date;
  serialNumber: string;
  symptom: string;
  raisedAt: Date;
  customer: CustomerDoc;
  machine: MachineDoc | null;
  lineage: Lineage;
  contracts: readonly ContractDoc[];
  openRequests: readonly OpenRequestSummary[];
  knownFixCandidates: readonly KnownFixCandidate[];
  policy?: EntitlementPolicy;
  duplicateRule?: DuplicateRule;
  maxKnownFixes?: number;
  /** Active containment flags covering this machine (already matched by scope). */
  containment?: readonly ContainmentWarning[];
}

export interface Assessment {
  machineKnown: boolean;
  customer: { name: string; class: CustomerDoc['class']; dealerId: string | null };
  machine: { model: string; productLine: string; status: string; parentSerial: string | null; ancestors: string[] } | null;
  site: { siteId: string; locationClass: LocationClass; timeZone: string; city: string; coordinates: { lat: number; lon: number } | null } | null;
  entitlement: Entitlement;
  duplicate: DuplicateCandidate | null;
  knownFixes: KnownFixSuggestion[];
  containment: ContainmentWarning[];
  flags: string[];
}

export function assessRegistration(input: AssessmentInput): Assessment {
  const { customer, machine, lineage, at } = input;
  const flags: string[] = [];
  const site = siteOf(customer, machine);
  if (!machine) flags.push('machine-unknown');
  if (lineage.problem) flags.push('installed-base-inconsistent');
  if (!site) flags.push('no-site');
  const containment = [...(input.containment ?? [])];
  if (containment.length > 0) flags.push('containment');

  const entitlement = machine
    ? entitlementOf({ customerId: customer._id, machine, lineage, contracts: input.contracts, at, timeZone: site?.timeZone ?? null, ...(input.policy ? { policy: input.policy } : {}) })
    : unknownMachineEntitlement(customer._id, input.serialNumber, at, input.policy);

  const duplicate = findDuplicate({ serialNumber: input.serialNumber, symptom: input.symptom, raisedAt: input.raisedAt }, input.openRequests, input.duplicateRule ?? defaultDuplicateRule);
  const knownFixes = rankKnownFixes(input.knownFixCandidates, { model: machine?.model ?? null, text: input.symptom })
    .slice(0, input.maxKnownFixes ?? 3)
    .map(({ article, score, matched }) => ({ articleId: article.id, version: article.version, title: article.title, score, matched }));

  return {
    machineKnown: machine !== null,
    customer: { name: customer.name, class: customer.class, dealerId: customer.dealerId ?? null },
    machine: machine
      ? { model: machine.model, productLine: machine.productLine, status: machine.status, parentSerial: machine.parentSerial ?? null, ancestors: lineage.ancestors.map((m) => m._id) }
      : null,
    site: site ? { siteId: site.id, locationClass: site.locationClass, timeZone: site.timeZone, city: site.city, coordinates: site.coordinates } : null,
    entitlement,
    duplicate,
    knownFixes,
    containment,
    flags,
  };
}

/** The entitlement of a stored machine at an instant, from its owner's contracts and its own or an ancestor's warranty. */
export function entitlementOf(query: { customerId: string; machine: MachineDoc; lineage: Lineage; contracts: readonly ContractDoc[]; at: Date; timeZone?: string | null; policy?: EntitlementPolicy }): Entitlement {
  return resolveEntitlement(
    {
      customer: { id: query.customerId },
      machine: toEntitlementMachine(query.machine),
      machineAncestors: query.lineage.ancestors.map(toEntitlementMachine),
      contracts: query.contracts.map(toServiceContract),
      at: query.at,
      ...(query.timeZone ? { timeZone: query.timeZone } : {}),
    },
    query.policy ?? defaultEntitlementPolicy,
  );
}

/**
 * A serial not in the installed base: nothing is known to cover it, so the request is treated as
 * paid work with a quote until the machine is registered. Contracts are not consulted, not even
 * those for all of the customer's machines: that the customer owns this serial is not known.
 */
export function unknownMachineEntitlement(customerId: string, serial: string, at: Date, policy: EntitlementPolicy = defaultEntitlementPolicy): Entitlement {
  const resolved = resolveEntitlement({ customer: { id: customerId }, machine: { serial, customerId, warranty: null }, machineAncestors: [], contracts: [], at }, policy);
  return {
    ...resolved,
    reason: `serial ${serial} is not in the installed base: treated as paid service with a quote until the machine is registered and its entitlement checked again`,
  };
}

/** The part of the entitlement other services need, carried on the registered event. */
export function entitlementSummary(entitlement: Entitlement): RegisteredEntitlement {
  return {
    source: entitlement.source.kind,
    contractId: entitlement.source.kind === 'contract' ? entitlement.source.contractId : null,
    responseMode: entitlement.responseMode,
    slaPolicyId: entitlement.slaPolicyId,
    calendarId: entitlement.calendarId,
    quoteRequired: entitlement.quoteRequired,
    covers: { ...entitlement.covers },
    exclusions: { partNumbers: [...(entitlement.contract?.exclusions?.partNumbers ?? [])], categories: [...(entitlement.contract?.exclusions?.categories ?? [])] },
    coversConsumables: entitlement.contract?.coversConsumables ?? false,
    warrantyEnd: (entitlement.warranty?.end ?? entitlement.lapsedWarrantyEnd)?.toISOString() ?? null,
  };
}
