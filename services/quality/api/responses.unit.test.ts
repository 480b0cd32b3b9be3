import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { disciplineTitles, eightDDisciplines, type EightDState } from '@aftersales/workflows';
import type { FailureRecordDoc } from '../store/models';
import { presentFailureRecord } from './eight-ds';
import { eightDStateView, eightDView, failureRecordView } from './responses';

/** What a client receives: the body after JSON (dates become ISO strings, undefined fields vanish). */
const overTheWire = (value: unknown): unknown => JSON.parse(JSON.stringify(value));
const problems = (schema: z.ZodType, value: unknown) => schema.safeParse(overTheWire(value)).error?.issues;

const now = Date.now();
const at = (days: number) => new Date(now + days * 86_400_000).toISOString();
const problem = { productLine: 'fiber-laser-cutting', model: 'FL-3015', failureMode: 'FM-BURR' };

/** An 8D at D3: D0 to D2 approved, D3 submitted with a containment flag, a return and an escalation on record. */
const state: EightDState = {
  eightDId: '8D-1', problem, rule: 'same-model-repeat', reason: '3 failures', linkedTo: null, failureRecordIds: ['FR-SR-1'], openedAt: at(-10), status: 'open', closedAt: null,
  champion: 'qe-1', team: [{ id: 'qe-1', name: 'Q E', role: 'champion' }],
  disciplines: eightDDisciplines.map((d, i) => ({
    discipline: d, title: disciplineTitles[d], owner: 'qe-1', dueAt: i <= 3 ? at(i - 7) : null, status: i < 3 ? 'approved' : i === 3 ? 'submitted' : 'waiting', openedAt: i <= 3 ? at(i - 9) : null,
    content: i === 0 ? { discipline: 'D0', actions: 'told customers' } : i === 3 ? { discipline: 'D3', actions: 'centre nozzles', flags: [{ scope: { model: 'FL-3015' }, instruction: 'centre', carryParts: [] }] } : null,
    submittedBy: i <= 3 ? 'qe-1' : null, submittedAt: i <= 3 ? at(i - 8) : null, approvedBy: i < 3 ? 'qm-1' : null, approvedAt: i < 3 ? at(i - 8) : null,
    returns: i === 2 ? [{ by: 'qm-1', at: at(-8), reason: 'say where' }] : [], escalations: i === 1 ? [{ level: 1, to: 'lead', dueAt: at(-8), at: at(-7) }] : [],
  })),
  flags: [{ flagId: 'F-1', discipline: 'D3', scope: { model: 'FL-3015' }, instruction: 'centre', carryParts: [], flaggedAt: at(-5), liftedAt: null }],
  escalationChain: [{ to: 'lead', afterHours: 0 }], dueHours: { D0: 24, D1: 48, D2: 72, D3: 24, D4: 336, D5: 336, D6: 720, D7: 336, D8: 168 }, eventSeq: 4, revision: 9,
};

/** A record as the demo stores it: the nulls an upsert's $setOnInsert dropped on FerretDB v1 are missing. */
const record = {
  _id: 'FR-SR-1', requestId: 'SR-1', model: 'FL-3015', productLine: 'fiber-laser-cutting', partNumber: 'P-NOZZLE-15', failureMode: 'FM-BURR', failureModeSource: 'given', cause: 'nozzle off-centre', fix: 'centred',
  occurredAt: at(-11), customerId: 'CUST-1', serialNumber: 'SN-1', tier: 'P2', safety: false, formalReportDemanded: false, sources: ['work-order'], eightDId: '8D-1', receivedAt: new Date(now - 11 * 86_400_000),
} as unknown as FailureRecordDoc;

describe('quality response schemas against what the handlers answer', () => {
  it('accept the 8D workflow state mid-way, and the 8D with its failure records', () => {
    expect(problems(eightDStateView, state)).toBeUndefined();
    const eightD = {
      id: '8D-1', status: 'open', problem, rules: ['same-model-repeat'], reason: '3 failures', linkedTo: null, openedAt: new Date(now - 10 * 86_400_000), closedAt: null,
      current: { discipline: 'D3', owner: 'qe-1', dueAt: at(-4), status: 'submitted', escalations: 0 }, source: 'workflow', state, failureRecords: [presentFailureRecord(record)],
    };
    expect(problems(eightDView, eightD)).toBeUndefined();
    // Opened by hand, before its workflow started: no state yet, and what it concerns.
    expect(problems(eightDView, { ...eightD, rules: [], openedBy: 'qe-1', concerns: { requestIds: [], partNumbers: [], supplierClaimIds: [] }, current: null, state: null, source: 'record', failureRecords: [] })).toBeUndefined();
  });

  it('answer a failure record missing its stored nulls with the nulls, which the schema needs', () => {
    expect(problems(failureRecordView, { id: 'FR-SR-1', ...record })).toBeDefined();
    expect(problems(failureRecordView, presentFailureRecord(record))).toBeUndefined();
    expect(presentFailureRecord(record)).toMatchObject({ lot: null, supplierId: null, finding: null });
  });

  it('refuse a discipline status the workflow does not have', () => {
    const wrong = { ...state, disciplines: state.disciplines.map((d, i) => (i === 0 ? { ...d, status: 'done' } : d)) };
    expect(problems(eightDStateView, wrong)).toBeDefined();
  });
});
