/** The customer 360° view's pure rules: the machine tree, warranty and contract coverage, a new machine's form. */

/** The platform's identifier rule (CUST-0001, SN-0001-LS): what may be looked up as an id. */
export const identifierPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export interface TreeMachine {
  serialNumber: string;
  parentSerial: string | null;
}

/**
 * Machines as a tree in reading order: each root, then what is inside it, depth-first. A machine
 * whose parent is not in the list (or a loop, which intake refuses but old data may hold) is shown
 * as a root, so every machine appears exactly once.
 */
export function machineRows<M extends TreeMachine>(machines: readonly M[]): { machine: M; depth: number }[] {
  const serials = new Set(machines.map((m) => m.serialNumber));
  const children = new Map<string, M[]>();
  for (const m of machines) {
    if (!m.parentSerial || !serials.has(m.parentSerial)) continue;
    const list = children.get(m.parentSerial) ?? [];
    list.push(m);
    children.set(m.parentSerial, list);
  }
  const rows: { machine: M; depth: number }[] = [];
  const placed = new Set<string>();
  const visit = (m: M, depth: number) => {
    if (placed.has(m.serialNumber)) return;
    placed.add(m.serialNumber);
    rows.push({ machine: m, depth });
    for (const child of children.get(m.serialNumber) ?? []) visit(child, depth + 1);
  };
  for (const m of machines) if (!m.parentSerial || !serials.has(m.parentSerial)) visit(m, 0);
  // Whatever a loop kept out of reach of every root.
  for (const m of machines) visit(m, 0);
  return rows;
}

export type WarrantyState = 'none' | 'not-started' | 'active' | 'expired';

/** Where a machine's own warranty stands at an instant (the end is the first instant after the last day). */
export function warrantyState(warranty: { start?: string | null; end?: string | null } | null | undefined, at: string): WarrantyState {
  if (!warranty?.end) return 'none';
  const now = Date.parse(at);
  if (warranty.start && Date.parse(warranty.start) > now) return 'not-started';
  return Date.parse(warranty.end) > now ? 'active' : 'expired';
}

export interface NamedContract {
  id: string;
  coveredSerials: 'all' | string[];
}

/** Contracts that name this machine: all the customer's machines, the machine itself, or a machine it is part of. */
export function contractsNaming<C extends NamedContract>(serial: string, ancestors: readonly string[], contracts: readonly C[]): C[] {
  const line = new Set([serial, ...ancestors]);
  return contracts.filter((c) => c.coveredSerials === 'all' || c.coveredSerials.some((s) => line.has(s)));
}

export type SearchOutcome = { kind: 'customer'; id: string } | { kind: 'matches'; ids: string[] } | { kind: 'not-found' } | { kind: 'error'; status: number };

/**
 * What a search shows: the customer whose id was typed, else those whose names start with the
 * text, else "not found". A 404 on the id is an answer (no such customer, or not one of a dealer's).
 */
export function searchOutcome(typed: string, byId: number | null, byName: { status: number; ids: string[] }): SearchOutcome {
  if (byId === 200) return { kind: 'customer', id: typed };
  if (byId !== null && byId !== 404) return { kind: 'error', status: byId };
  if (byName.status !== 200) return { kind: 'error', status: byName.status };
  return byName.ids.length ? { kind: 'matches', ids: byName.ids } : { kind: 'not-found' };
}

export interface MachineDraft {
  serialNumber: string;
  siteId: string;
  model: string;
  productLine: string;
  installDate: string;
  warrantyType: string;
  warrantyEnd: string;
}

export type DraftProblem = 'serialNumber' | 'model' | 'productLine' | 'warrantyEnd';

/** Which fields of a new machine need another look before intake is asked (intake checks again). */
export function machineDraftProblems(draft: MachineDraft): DraftProblem[] {
  const problems: DraftProblem[] = [];
  if (!identifierPattern.test(draft.serialNumber.trim())) problems.push('serialNumber');
  if (!identifierPattern.test(draft.model.trim())) problems.push('model');
  if (!identifierPattern.test(draft.productLine.trim())) problems.push('productLine');
  if (draft.warrantyEnd && draft.installDate && draft.warrantyEnd < draft.installDate) problems.push('warrantyEnd');
  return problems;
}

/** The POST /v1/machines body: dates as calendar days, read by intake in the site's zone. */
export function machineBody(draft: MachineDraft, customerId: string) {
  const installDate = draft.installDate || null;
  return {
    serialNumber: draft.serialNumber.trim(),
    customerId,
    siteId: draft.siteId || null,
    model: draft.model.trim(),
    productLine: draft.productLine.trim(),
    installDate,
    commissioningDate: installDate,
    warranty: draft.warrantyEnd ? { type: draft.warrantyType.trim() || 'standard', start: installDate, end: draft.warrantyEnd } : null,
  };
}
