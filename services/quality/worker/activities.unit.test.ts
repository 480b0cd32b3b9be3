import { describe, expect, it } from 'vitest';
import { validateEvent } from '@aftersales/contracts';
import { initialEightDState } from '../../../workflows/src/eight-d/engine';
import type { EightDFact } from '@aftersales/workflows';
import { eightDEventFor } from './activities';

const state = initialEightDState({
  eightDId: '8D-LC-A-1',
  problem: { productLine: 'laser', model: 'LC-3015', failureMode: 'FM-A' },
  rule: 'severe',
  reason: 'severe',
  linkedTo: null,
  failureRecordIds: ['FR-1'],
  openedAt: '2026-12-01T00:00:00.000Z',
  champion: { id: 'qe-li', name: 'Li Na', role: 'quality engineer' },
});
const at = '2026-12-02T00:00:00.000Z';

/** Contract test of quality's publisher: every fact the workflow produces becomes a valid event of its contract. */
describe('8D facts as contract events', () => {
  const facts: EightDFact[] = [
    { id: '8D-LC-A-1:1', occurredAt: at, kind: 'containment-flagged', flag: { flagId: '8D-LC-A-1-D3-1', discipline: 'D3', scope: { model: 'LC-3015', serialFrom: 'SN-1', serialTo: 'SN-9' }, instruction: 'inspect', carryParts: ['NZ-R'], flaggedAt: at, liftedAt: null } },
    { id: '8D-LC-A-1:2', occurredAt: at, kind: 'containment-lifted', flagId: '8D-LC-A-1-D3-1' },
    { id: '8D-LC-A-1:3', occurredAt: at, kind: 'escalated', discipline: 'D3', level: 2, to: 'quality-manager', dueAt: at },
    { id: '8D-LC-A-1:4', occurredAt: at, kind: 'closed', rootCause: 'soft alloy' },
  ];

  it.each(facts.map((f) => [f.kind, f] as const))('%s', (_kind, fact) => {
    const event = eightDEventFor(state, fact);
    expect(event).toMatchObject({ id: fact.id, subject: '8D-LC-A-1', type: `eight-d.${fact.kind}`, version: 1 });
    expect(validateEvent(JSON.parse(JSON.stringify(event))).ok).toBe(true);
  });

  it('names the flagged machines and what to carry', () => {
    const event = eightDEventFor(state, facts[0]!);
    expect(event.data).toMatchObject({ eightDId: '8D-LC-A-1', discipline: 'D3', scope: { model: 'LC-3015', serialFrom: 'SN-1', serialTo: 'SN-9' }, carryParts: ['NZ-R'] });
  });
});
