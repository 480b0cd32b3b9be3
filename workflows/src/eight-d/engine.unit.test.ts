import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  approve,
  assign,
  checkAssign,
  checkApprover,
  checkDecision,
  checkSubmit,
  defaultEscalationChain,
  disciplineOf,
  escalateOverdue,
  initialEightDState,
  knowledgeArticleFor,
  nextEscalationAt,
  sendBack,
  submit,
} from './engine';
import type { DisciplineContent, EightDInput, EightDState } from './messages';

const hour = 3_600_000;
const t0 = Date.parse('2026-12-01T00:00:00Z');
const input: EightDInput = {
  eightDId: '8D-LC-NOZZLE-1',
  problem: { productLine: 'laser', model: 'LC-3015', failureMode: 'FM-NOZZLE' },
  rule: 'same-model-repeat',
  reason: 'three in 90 days',
  linkedTo: null,
  failureRecordIds: ['FR-1'],
  openedAt: new Date(t0).toISOString(),
  champion: { id: 'qe-li', name: 'Li Na', role: 'quality engineer' },
};
const d1: DisciplineContent = { discipline: 'D1', members: [{ id: 'sc-zhao', name: 'Zhao Min', role: 'supply chain' }], owners: { D3: 'sc-zhao' } };

function through(state: EightDState, steps: [string, DisciplineContent][], at: number): EightDState {
  let s = state;
  for (const [by, content] of steps) {
    expect(checkSubmit(s, { by, content }, at)).toBeNull();
    s = submit(s, { by, content }, at).state;
    expect(checkDecision(s, { discipline: content.discipline, by: 'qm' })).toBeNull();
    s = approve(s, { discipline: content.discipline, by: 'qm' }, at).state;
  }
  return s;
}

describe('8D disciplines', () => {
  it('opens D0 with the 8D and every other discipline only after the one before is approved', () => {
    const s = initialEightDState(input);
    expect(s.disciplines.map((d) => d.status)).toEqual(['open', ...Array(8).fill('waiting')]);
    expect(checkSubmit(s, { by: 'qe-li', content: { discipline: 'D2', statement: 's', what: 'w', where: 'w', when: 'w', howMany: '1', isNot: 'n' } }, t0)).toMatchObject({ field: 'discipline' });
    const after = through(s, [['qe-li', { discipline: 'D0', actions: 'stop' }]], t0 + hour);
    expect(disciplineOf(after, 'D1')).toMatchObject({ status: 'open', openedAt: new Date(t0 + hour).toISOString(), dueAt: new Date(t0 + hour + 48 * hour).toISOString() });
  });

  it('gives D3 a default due date 24 hours after it opens', () => {
    const s = through(initialEightDState(input), [['qe-li', { discipline: 'D0', actions: 'a' }], ['qe-li', d1], ['qe-li', { discipline: 'D2', statement: 's', what: 'w', where: 'w', when: 'w', howMany: '1', isNot: 'n' }]], t0);
    const d3 = disciplineOf(s, 'D3');
    expect(Date.parse(d3.dueAt!) - Date.parse(d3.openedAt!)).toBe(24 * hour);
    expect(d3.owner).toBe('sc-zhao');
  });

  it('refuses owners off the team, due dates in the past and submitters who do not own the discipline, naming the field', () => {
    let s = through(initialEightDState(input), [['qe-li', { discipline: 'D0', actions: 'a' }]], t0);
    expect(checkSubmit(s, { by: 'qe-li', content: { ...d1, owners: { D4: 'ghost' } } as DisciplineContent }, t0)).toMatchObject({ field: 'content.owners.D4' });
    s = through(s, [['qe-li', d1]], t0);
    expect(checkAssign(s, { discipline: 'D4', owner: 'ghost', dueAt: new Date(t0 + hour).toISOString(), by: 'qe-li' }, t0)).toMatchObject({ field: 'owner' });
    expect(checkAssign(s, { discipline: 'D4', owner: 'sc-zhao', dueAt: new Date(t0 - 1).toISOString(), by: 'qe-li' }, t0)).toMatchObject({ field: 'dueAt' });
    expect(checkAssign(s, { discipline: 'D0', owner: 'sc-zhao', dueAt: new Date(t0 + hour).toISOString(), by: 'qe-li' }, t0)).toMatchObject({ field: 'discipline' });
    s = assign(s, { discipline: 'D2', owner: 'sc-zhao', dueAt: new Date(t0 + hour).toISOString(), by: 'qe-li' }, t0).state;
    expect(checkSubmit(s, { by: 'someone', content: { discipline: 'D2', statement: 's', what: 'w', where: 'w', when: 'w', howMany: '1', isNot: 'n' } }, t0)).toMatchObject({ field: 'by' });
  });

  it('sends a submitted discipline back and accepts it again', () => {
    let s = initialEightDState(input);
    s = submit(s, { by: 'qe-li', content: { discipline: 'D0', actions: 'a' } }, t0).state;
    expect(checkSubmit(s, { by: 'qe-li', content: { discipline: 'D0', actions: 'b' } }, t0)).toMatchObject({ field: 'discipline' });
    s = sendBack(s, { discipline: 'D0', by: 'qm', reason: 'too vague' }, t0).state;
    expect(disciplineOf(s, 'D0')).toMatchObject({ status: 'returned', returns: [{ reason: 'too vague' }] });
    expect(checkDecision(s, { discipline: 'D0', by: 'qm' })).toMatchObject({ field: 'discipline' });
    expect(checkSubmit(s, { by: 'qe-li', content: { discipline: 'D0', actions: 'b' } }, t0)).toBeNull();
  });

  it('four eyes: the submitter of a discipline does not approve it', () => {
    const s = submit(initialEightDState(input), { by: 'qe-li', content: { discipline: 'D0', actions: 'a' } }, t0).state;
    expect(checkApprover(s, { discipline: 'D0', by: 'qe-li' })).toMatchObject({ field: 'by' });
    expect(checkApprover(s, { discipline: 'D0', by: 'qm' })).toBeNull();
  });
});

describe('8D escalation', () => {
  it('escalates an overdue discipline one level at a time, up to the business head, and no further', () => {
    const s = initialEightDState(input);
    const due = Date.parse(disciplineOf(s, 'D0').dueAt!);
    expect(nextEscalationAt(s)).toBe(due);
    expect(escalateOverdue(s, due - 1).facts).toEqual([]);
    const first = escalateOverdue(s, due);
    expect(first.facts.map((f) => (f.kind === 'escalated' ? f.to : ''))).toEqual(['quality-engineering-lead']);
    expect(nextEscalationAt(first.state)).toBe(due + 24 * hour);
    const all = escalateOverdue(first.state, due + 1000 * hour);
    expect(all.facts.map((f) => (f.kind === 'escalated' ? f.level : 0))).toEqual([2, 3, 4]);
    expect(disciplineOf(all.state, 'D0').escalations.at(-1)!.to).toBe('business-head-quality');
    expect(nextEscalationAt(all.state)).toBeNull();
  });

  it('tells each discipline\'s owner when it opens, and again when a waiting discipline changes hands; a planned assignment waits for the opening', () => {
    let s = submit(initialEightDState(input), { by: 'qe-li', content: { discipline: 'D0', actions: 'a' } }, t0).state;
    const opened = approve(s, { discipline: 'D0', by: 'qm' }, t0);
    expect(opened.facts).toMatchObject([{ kind: 'discipline-assigned', discipline: 'D1', owner: 'qe-li', dueAt: disciplineOf(opened.state, 'D1').dueAt }]);
    s = opened.state;
    const planned = assign(s, { discipline: 'D4', owner: 'qe-li', dueAt: new Date(t0 + 300 * hour).toISOString(), by: 'qe-li' }, t0);
    expect(planned.facts).toEqual([]);
    const moved = assign(planned.state, { discipline: 'D1', owner: 'qe-li', dueAt: new Date(t0 + 5 * hour).toISOString(), by: 'qe-li' }, t0 + 1);
    expect(moved.facts).toMatchObject([{ kind: 'discipline-assigned', discipline: 'D1', dueAt: new Date(t0 + 5 * hour).toISOString() }]);
    // Fact ids stay unique per 8D.
    expect(new Set([...opened.facts, ...moved.facts].map((f) => f.id)).size).toBe(2);
    const overdue = escalateOverdue(moved.state, t0 + 1000 * hour);
    expect(overdue.facts[0]).toMatchObject({ kind: 'escalated', discipline: 'D1', owner: 'qe-li', level: 1 });
  });

  it('stops escalating once the discipline is submitted', () => {
    const s = submit(initialEightDState(input), { by: 'qe-li', content: { discipline: 'D0', actions: 'a' } }, t0).state;
    expect(nextEscalationAt(s)).toBeNull();
    expect(escalateOverdue(s, t0 + 1000 * hour).facts).toEqual([]);
  });

  it('never skips or repeats a level, however the checks are spread in time', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 20 }), (hours) => {
        let s = initialEightDState(input);
        const levels: number[] = [];
        for (const h of [...hours].sort((a, b) => a - b)) {
          const r = escalateOverdue(s, t0 + h * hour);
          s = r.state;
          for (const f of r.facts) if (f.kind === 'escalated') levels.push(f.level);
        }
        expect(levels).toEqual(levels.map((_, i) => i + 1));
        expect(levels.length).toBeLessThanOrEqual(defaultEscalationChain.length);
        // Fact ids follow the sequence: unique, so consumers can de-duplicate.
        expect(s.eventSeq).toBe(levels.length);
      }),
    );
  });
});

describe('8D containment and closure', () => {
  it('flags machines on D3 approval, lifts them when D6 proves the fix, closes on D8 and becomes an article', () => {
    let s = through(initialEightDState(input), [['qe-li', { discipline: 'D0', actions: 'a' }], ['qe-li', d1], ['qe-li', { discipline: 'D2', statement: 'Nozzle cracks', what: 'w', where: 'w', when: 'w', howMany: '3', isNot: 'n' }]], t0);
    s = submit(s, { by: 'sc-zhao', content: { discipline: 'D3', actions: 'inspect', flags: [{ scope: { model: 'LC-3015' }, instruction: 'inspect nozzle', carryParts: ['NZ-R'] }] } }, t0).state;
    const flagged = approve(s, { discipline: 'D3', by: 'qm' }, t0);
    expect(flagged.facts).toMatchObject([{ kind: 'containment-flagged', flag: { flagId: '8D-LC-NOZZLE-1-D3-1', discipline: 'D3', carryParts: ['NZ-R'] } }, { kind: 'discipline-assigned', discipline: 'D4' }]);
    s = through(flagged.state, [['qe-li', { discipline: 'D4', rootCause: 'soft alloy', fiveWhys: ['why'], fishbone: { material: ['alloy'] }, escapePoint: 'incoming' }], ['qe-li', { discipline: 'D5', actions: [{ action: 'test hardness', owner: 'sc-zhao', dueAt: new Date(t0 + 100 * hour).toISOString() }] }]], t0);
    s = submit(s, { by: 'qe-li', content: { discipline: 'D6', implemented: 'i', validation: 'v', effective: true } }, t0).state;
    const lifted = approve(s, { discipline: 'D6', by: 'qm' }, t0);
    expect(lifted.facts).toMatchObject([{ kind: 'containment-lifted', flagId: '8D-LC-NOZZLE-1-D3-1' }, { kind: 'discipline-assigned', discipline: 'D7' }]);
    s = through(lifted.state, [['qe-li', { discipline: 'D7', standards: [], designRules: [], otherModels: ['LC-4020'], flags: [] }]], t0);
    s = submit(s, { by: 'qe-li', content: { discipline: 'D8', summary: 'done', recognition: 'thanks' } }, t0).state;
    const closed = approve(s, { discipline: 'D8', by: 'qm' }, t0);
    expect(closed.state.status).toBe('closed');
    expect(closed.facts).toMatchObject([{ kind: 'closed', rootCause: 'soft alloy' }]);
    expect(knowledgeArticleFor(closed.state)).toMatchObject({ models: ['LC-3015', 'LC-4020'], symptom: 'Nozzle cracks', cause: 'soft alloy', fix: 'test hardness', parts: ['NZ-R'] });
    expect(checkSubmit(closed.state, { by: 'qe-li', content: { discipline: 'D8', summary: 'x', recognition: 'y' } }, t0)).toMatchObject({ field: 'discipline' });
  });
});
