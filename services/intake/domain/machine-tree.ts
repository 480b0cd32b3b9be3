/**
 * Pure helpers over the installed-base tree (a laser source inside a cutting machine). The tree
 * lives in the data as `parentSerial` links, so nothing stops a bad import from making a loop;
 * every walk here detects one and says where it is instead of looping or silently stopping.
 */

export interface MachineNode {
  serial: string;
  parentSerial: string | null;
}

export type MachineLookup<T extends MachineNode> = (serial: string) => T | null | undefined;

export type MachineTreeProblem = 'cycle' | 'unknown-machine' | 'missing-parent';

/** The installed-base data is inconsistent; `path` is the chain of serials that shows it. */
export class MachineTreeError extends Error {
  readonly problem: MachineTreeProblem;
  readonly path: readonly string[];
  readonly retriable = false;

  constructor(problem: MachineTreeProblem, path: readonly string[], message: string) {
    super(message);
    this.name = 'MachineTreeError';
    this.problem = problem;
    this.path = path;
  }
}

/** A map is the usual lookup: the caller loads the relevant machines once, then walks in memory. */
export function lookupFrom<T extends MachineNode>(machines: Iterable<T>): MachineLookup<T> {
  const bySerial = new Map<string, T>();
  for (const machine of machines) bySerial.set(machine.serial, machine);
  return (serial) => bySerial.get(serial);
}

/**
 * The ancestors of a machine, parent first, root last. A parent named but not found is an
 * error, not the end of the chain: dropping it would silently lose an inherited warranty.
 */
export function ancestorsOf<T extends MachineNode>(serial: string, lookup: MachineLookup<T>): T[] {
  const start = lookup(serial);
  if (!start) throw new MachineTreeError('unknown-machine', [serial], `machine ${serial} is not in the installed base`);
  const seen = [serial];
  const ancestors: T[] = [];
  let parentSerial = start.parentSerial;
  while (parentSerial !== null) {
    if (seen.includes(parentSerial)) {
      const path = [...seen, parentSerial];
      throw new MachineTreeError('cycle', path, `installed-base cycle: ${path.join(' -> ')}`);
    }
    const parent = lookup(parentSerial);
    if (!parent) {
      const path = [...seen, parentSerial];
      throw new MachineTreeError('missing-parent', path, `machine ${seen.at(-1)} names parent ${parentSerial}, which is not in the installed base`);
    }
    seen.push(parentSerial);
    ancestors.push(parent);
    parentSerial = parent.parentSerial;
  }
  return ancestors;
}

/** Direct children, ordered by serial so answers and tests are stable. */
export function childrenOf<T extends MachineNode>(serial: string, machines: Iterable<T>): T[] {
  return [...machines].filter((m) => m.parentSerial === serial && m.serial !== serial).sort(bySerial);
}

/**
 * Every machine below this one, breadth first (children, then grandchildren), each level
 * ordered by serial. A machine reached twice means a loop in the data.
 */
export function descendantsOf<T extends MachineNode>(serial: string, machines: Iterable<T>): T[] {
  const all = [...machines];
  const childrenByParent = new Map<string, T[]>();
  for (const m of all) {
    if (m.parentSerial === null) continue;
    const siblings = childrenByParent.get(m.parentSerial) ?? [];
    siblings.push(m);
    childrenByParent.set(m.parentSerial, siblings);
  }
  const visited = new Set([serial]);
  const result: T[] = [];
  let level = [serial];
  while (level.length > 0) {
    const next: string[] = [];
    for (const parent of level) {
      for (const child of (childrenByParent.get(parent) ?? []).sort(bySerial)) {
        if (visited.has(child.serial)) {
          throw new MachineTreeError('cycle', [parent, child.serial], `installed-base cycle: ${child.serial} is below itself (reached again from ${parent})`);
        }
        visited.add(child.serial);
        result.push(child);
        next.push(child.serial);
      }
    }
    level = next;
  }
  return result;
}

/**
 * Refuses to hang `serial` under `parentSerial` when that would close a loop (itself, or one of
 * its own descendants). Call before writing a new parent link.
 */
export function assertCanAttach<T extends MachineNode>(serial: string, parentSerial: string, lookup: MachineLookup<T>): void {
  if (serial === parentSerial) {
    throw new MachineTreeError('cycle', [serial, serial], `installed-base cycle: machine ${serial} cannot be its own parent`);
  }
  if (!lookup(parentSerial)) {
    throw new MachineTreeError('missing-parent', [serial, parentSerial], `parent ${parentSerial} is not in the installed base`);
  }
  // Walks from the new parent upwards; meeting `serial` there means the new link closes a loop.
  const chain = [parentSerial, ...ancestorsOf(parentSerial, lookup).map((m) => m.serial)];
  const at = chain.indexOf(serial);
  if (at >= 0) {
    const path = [serial, ...chain.slice(0, at + 1)];
    throw new MachineTreeError('cycle', path, `installed-base cycle: attaching ${serial} under ${parentSerial} would make ${path.join(' -> ')}`);
  }
}

function bySerial(a: MachineNode, b: MachineNode): number {
  return a.serial < b.serial ? -1 : a.serial > b.serial ? 1 : 0;
}
