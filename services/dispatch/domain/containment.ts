/**
 * 8D containment on the job: a D3/D7 flag covers machines by scope; every given field must match.
 * The engineer is told the instruction and carries the parts.
 */
import { machineInScope, type ContainmentScope } from '@aftersales/contracts';

export interface ContainmentFlag {
  flagId: string;
  eightDId: string;
  discipline: 'D3' | 'D7';
  scope: ContainmentScope;
  instruction: string;
  carryParts: string[];
}

export interface MachineFacts {
  serialNumber: string;
  model: string | null;
  productLine: string | null;
}

export interface ContainmentMatch {
  flagId: string;
  eightDId: string;
  discipline: 'D3' | 'D7';
  instruction: string;
  carryParts: string[];
  /** Which scope fields matched, so the engineer sees why the flag applies. */
  matchedOn: string[];
}

/**
 * Whether a flag covers the machine (the contract's rule: every given field must match, serial
 * ranges inclusive in the order people read serials) and, for the engineer, on what.
 */
export function matchesScope(scope: ContainmentScope, machine: MachineFacts): { matches: boolean; matchedOn: string[] } {
  // Dispatch does not know which parts are fitted in a machine: a part-scoped flag is shown rather
  // than missed (carrying a part too many costs less than missing a containment action).
  if (!machineInScope(scope, { serialNumber: machine.serialNumber, model: machine.model, productLine: machine.productLine })) return { matches: false, matchedOn: [] };
  const matchedOn: string[] = [];
  if (scope.productLine !== undefined) matchedOn.push(`productLine ${scope.productLine}`);
  if (scope.model !== undefined) matchedOn.push(`model ${scope.model}`);
  if (scope.serialFrom !== undefined || scope.serialTo !== undefined) matchedOn.push(`serial in ${scope.serialFrom ?? '…'}–${scope.serialTo ?? '…'}`);
  if (scope.partNumber !== undefined) matchedOn.push(`part ${scope.partNumber} (fitment not checked by dispatch)`);
  return { matches: true, matchedOn };
}

export function containmentFor(flags: readonly ContainmentFlag[], machine: MachineFacts): ContainmentMatch[] {
  return flags
    .map((f) => ({ f, m: matchesScope(f.scope, machine) }))
    .filter(({ m }) => m.matches)
    .map(({ f, m }) => ({ flagId: f.flagId, eightDId: f.eightDId, discipline: f.discipline, instruction: f.instruction, carryParts: [...f.carryParts], matchedOn: m.matchedOn }))
    .sort((a, b) => (a.flagId < b.flagId ? -1 : a.flagId > b.flagId ? 1 : 0));
}
