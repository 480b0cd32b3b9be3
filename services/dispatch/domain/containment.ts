/**
 * 8D containment on the job: a D3/D7 flag covers machines by scope; every given field must match.
 * The engineer is told the instruction and carries the parts.
 */
import type { ContainmentScope } from '@aftersales/contracts';

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

/** Serials compare as text; a range is inclusive at both ends. */
export function matchesScope(scope: ContainmentScope, machine: MachineFacts): { matches: boolean; matchedOn: string[] } {
  const matchedOn: string[] = [];
  if (scope.productLine !== undefined) {
    if (machine.productLine !== scope.productLine) return { matches: false, matchedOn };
    matchedOn.push(`productLine ${scope.productLine}`);
  }
  if (scope.model !== undefined) {
    if (machine.model !== scope.model) return { matches: false, matchedOn };
    matchedOn.push(`model ${scope.model}`);
  }
  if (scope.serialFrom !== undefined || scope.serialTo !== undefined) {
    if (scope.serialFrom !== undefined && machine.serialNumber < scope.serialFrom) return { matches: false, matchedOn };
    if (scope.serialTo !== undefined && machine.serialNumber > scope.serialTo) return { matches: false, matchedOn };
    matchedOn.push(`serial in ${scope.serialFrom ?? '…'}–${scope.serialTo ?? '…'}`);
  }
  // Dispatch does not know which parts are fitted in a machine: a part-scoped flag is shown rather
  // than missed (carrying a part too many costs less than missing a containment action).
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
