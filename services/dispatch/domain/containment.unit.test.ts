import { describe, expect, it } from 'vitest';
import { containmentFor, matchesScope, type ContainmentFlag } from './containment';

const machine = { serialNumber: 'SN-0150', model: 'FL-3015', productLine: 'fiber-laser-cutting' };
const flag = (flagId: string, scope: ContainmentFlag['scope'], carryParts: string[] = []): ContainmentFlag => ({ flagId, eightDId: '8D-1', discipline: 'D3', scope, instruction: `check ${flagId}`, carryParts });

describe('containment scope', () => {
  it('matches when every given field matches, and says on what', () => {
    expect(matchesScope({ model: 'FL-3015', serialFrom: 'SN-0100', serialTo: 'SN-0199' }, machine)).toEqual({ matches: true, matchedOn: ['model FL-3015', 'serial in SN-0100–SN-0199'] });
    expect(matchesScope({ productLine: 'press-brake' }, machine).matches).toBe(false);
    expect(matchesScope({ model: 'FL-3015', serialTo: 'SN-0149' }, machine).matches).toBe(false);
    expect(matchesScope({ serialFrom: 'SN-0150' }, machine).matches).toBe(true);
  });

  it('orders serials as people read them: SN-9 comes before SN-10', () => {
    expect(matchesScope({ serialFrom: 'SN-9', serialTo: 'SN-20' }, { ...machine, serialNumber: 'SN-10' }).matches).toBe(true);
  });

  it('does not match a model-scoped flag on a machine dispatch knows no model of', () => {
    expect(matchesScope({ model: 'FL-3015' }, { ...machine, model: null }).matches).toBe(false);
  });

  it('lists the matching flags with their instruction and the parts to carry', () => {
    const found = containmentFor([flag('F2', { model: 'FL-3015' }, ['P-LENS']), flag('F1', { model: 'FL-4020' }), flag('F3', { partNumber: 'P-NOZZLE' }, ['P-NOZZLE'])], machine);
    expect(found.map((f) => [f.flagId, f.carryParts])).toEqual([['F2', ['P-LENS']], ['F3', ['P-NOZZLE']]]);
    expect(found[0]!.instruction).toBe('check F2');
  });
});
