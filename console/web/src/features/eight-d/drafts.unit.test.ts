import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DisciplineContent } from './api/eight-ds';
import { contentLines, contentOf, draftOf, emptyDraft, instantOf, lines, localOf } from './drafts';

const d2: DisciplineContent = { discipline: 'D2', statement: 'Nozzle cracks after oxygen cutting', what: 'radial crack', where: 'Jiangsu', when: 'within 60 h', howMany: '4 machines', isNot: 'not with nitrogen' };
const d4: DisciplineContent = { discipline: 'D4', rootCause: 'Soft alloy', fiveWhys: ['cracks', 'too soft', '供应商更改热处理'], fishbone: { material: ['soft lot'], method: ['no test'], supplier: ['heat treatment changed'] }, escapePoint: 'Incoming inspection' };
const d1: DisciplineContent = { discipline: 'D1', members: [{ id: 'sc-zhao', name: 'Zhao Min', role: 'supply chain' }], owners: { D3: 'sc-zhao' } };
const d3: DisciplineContent = { discipline: 'D3', actions: 'Quarantine lot', flags: [{ scope: { model: 'FL-3015', partNumber: 'NZ-15' }, instruction: 'Inspect nozzle', carryParts: ['NZ-15-R', 'NZ-15-S'] }] };
const d6: DisciplineContent = { discipline: 'D6', implemented: 'Hardness test', validation: '500 h', effective: true };
const d7: DisciplineContent = { discipline: 'D7', standards: ['QS-114'], designRules: [], otherModels: ['FL-4020'], flags: [] };

describe('a discipline form and the content quality expects', () => {
  it('round-trips what was submitted: a discipline sent back is edited, not typed anew', () => {
    for (const content of [d1, d2, d3, d4, d6, d7, { discipline: 'D0', actions: 'Switch to nitrogen' }, { discipline: 'D8', summary: 's', recognition: 'r' }] as DisciplineContent[]) {
      expect(contentOf(content.discipline, draftOf(content))).toEqual(content);
    }
  });

  it('builds D2 from its fields, trimmed', () => {
    const draft = emptyDraft();
    draft.fields = { statement: ' cracks ', what: 'w', where: 'x', when: 'y', howMany: '4', isNot: 'n' };
    expect(contentOf('D2', draft)).toEqual({ discipline: 'D2', statement: 'cracks', what: 'w', where: 'x', when: 'y', howMany: '4', isNot: 'n' });
  });

  it('reads team members as "id | name | role" and leaves out empty owners and untouched rows', () => {
    const draft = emptyDraft();
    draft.fields = { members: 'de-chen | Chen Jie | design engineer\n\n', 'owner.D4': 'de-chen', 'owner.D5': '  ' };
    expect(contentOf('D1', draft)).toEqual({ discipline: 'D1', members: [{ id: 'de-chen', name: 'Chen Jie', role: 'design engineer' }], owners: { D4: 'de-chen' } });
    expect(contentOf('D5', emptyDraft())).toEqual({ discipline: 'D5', actions: [] });
    expect(contentOf('D3', { ...emptyDraft(), fields: { actions: 'a' }, flags: [{ productLine: '', model: '', serialFrom: '', serialTo: '', partNumber: '', instruction: '', carryParts: '' }] })).toEqual({ discipline: 'D3', actions: 'a', flags: [] });
  });

  it('turns a D5 due date typed on the wall clock into an instant and back', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.parse('2000-01-01T00:00:00Z'), max: Date.parse('2100-01-01T00:00:00Z') }), (ms) => {
        const minute = Math.floor(ms / 60_000) * 60_000;
        const local = localOf(new Date(minute).toISOString());
        expect(Date.parse(instantOf(local))).toBe(minute);
      }),
    );
    expect(localOf('not a date')).toBe('');
  });

  it('reads content back as labelled lines, lists one item a line', () => {
    expect(lines(' a \n\n b')).toEqual(['a', 'b']);
    const read = Object.fromEntries(contentLines(d4, (iso) => iso));
    expect(read.fiveWhys).toBe('cracks\ntoo soft\n供应商更改热处理');
    expect(read['fishbone.material']).toBe('soft lot');
    expect(Object.fromEntries(contentLines(d1, (iso) => iso))['owner.D3']).toBe('sc-zhao');
    expect(Object.fromEntries(contentLines(d3, (iso) => iso)).flags).toBe('model=FL-3015, partNumber=NZ-15: Inspect nozzle (NZ-15-R, NZ-15-S)');
    const d5: DisciplineContent = { discipline: 'D5', actions: [{ action: 'Test lots', owner: 'sc-zhao', dueAt: '2026-06-08T00:00:00.000Z' }] };
    expect(Object.fromEntries(contentLines(d5, () => 'soon')).actions).toBe('Test lots · sc-zhao · soon');
  });
});
