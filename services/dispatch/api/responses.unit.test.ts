import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { rankCandidates, type AssignmentJob, type CandidateEngineer } from '../domain/assignment';
import { containmentFor } from '../domain/containment';
import { depotQueue } from '../domain/depot-queue';
import type { BoardEntryDoc, WorkOrderDoc } from '../store/models';
import { boardEntryView, candidatesView, depotQueueView, workOrderView } from './responses';
import { presentWorkOrder } from './work-orders';

/** What a client receives: the body after JSON (dates become ISO strings, undefined fields vanish). */
const overTheWire = (value: unknown): unknown => JSON.parse(JSON.stringify(value));
const problems = (schema: z.ZodType, value: unknown) => schema.safeParse(overTheWire(value)).error?.issues;

const now = new Date();
const minutes = (n: number) => new Date(now.getTime() + n * 60_000);

const completed: WorkOrderDoc = {
  _id: 'WO-1',
  requestId: 'SR-1',
  version: 7,
  status: 'completed',
  route: 'depot',
  tier: 'P2',
  onSiteDueAt: null,
  customerId: 'CUST-1',
  serialNumber: 'SN-1',
  createdAt: minutes(-300),
  updatedAt: minutes(-1),
  engineerId: null,
  bookingId: null,
  round: 1,
  plannedDepartAt: null,
  plannedStart: null,
  plannedEnd: null,
  assignedAt: null,
  assignedBy: null,
  excludedEngineers: ['E-2'],
  planningNote: 'no eligible engineer (3 ineligible)',
  steps: { workStartedAt: minutes(-120), workFinishedAt: minutes(-10), completedAt: minutes(-1) },
  report: {
    startedAt: minutes(-120),
    finishedAt: minutes(-10),
    effortMinutes: 110,
    cause: 'worn seal',
    fix: 'seal replaced',
    workDone: 'replaced the seal, tested',
    partsUsed: [{ partNumber: 'P-SEAL', quantity: 1, removedSerial: 'S-9' }, { partNumber: 'P-GREASE', quantity: 2 }],
    firstTimeFix: true,
    failureDecision: { category: 'wear', decidedBy: 'E-1', decidedAt: minutes(-1) },
    customerSignOff: null,
  },
  depot: { depotId: 'DEP-1', benchId: 'B-1', rush: true, tokenId: null },
  cancelReason: null,
  history: [{ at: minutes(-300), what: 'created', by: 'dispatch', note: 'from dispatch request (on-site)' }, { at: minutes(-1), what: 'complete', by: 'E-1' }],
};

describe('dispatch response schemas against what the handlers answer', () => {
  it('accept a completed depot work order with its report, and one just proposed with its containment', () => {
    const containment = containmentFor(
      [{ flagId: 'F-1', eightDId: '8D-1', discipline: 'D3', scope: { model: 'FL-3015' }, instruction: 'check the seat', carryParts: ['P-SEAT'] }],
      { serialNumber: 'SN-1', model: 'FL-3015', productLine: 'laser' },
    );
    expect(containment).toHaveLength(1);
    const view = { ...presentWorkOrder(completed), machine: { model: 'FL-3015', productLine: 'laser' }, site: null, symptom: 'burr', containment, partsToCarry: ['P-SEAT'] };
    expect(problems(workOrderView, view)).toBeUndefined();
    const proposed: WorkOrderDoc = { ...completed, status: 'proposed', route: 'field-visit', steps: {}, report: null, depot: null, planningNote: null };
    expect(problems(workOrderView, { ...presentWorkOrder(proposed), machine: null, site: { city: 'Suzhou', lat: 31.3, lon: 120.6 }, symptom: null, containment: [], partsToCarry: [] })).toBeUndefined();
  });

  it('accept a real ranking with ranked and ineligible engineers, and a depot queue', () => {
    const job: AssignmentJob = { productLine: 'laser', skill: 'repair', minimumLevel: 2, site: { lat: 31.2, lon: 121.5 }, siteTerritory: 'Shanghai', onSiteDueAt: minutes(24 * 60), tier: 'P2', durationMinutes: 120, neededParts: ['P-SEAL'] };
    const engineer = (engineerId: string, level: number): CandidateEngineer => ({
      engineerId, skills: [{ productLine: 'laser', skill: 'repair', level }], territories: ['Shanghai'], homeBase: { lat: 31.3, lon: 121.4 }, openJobs: 1, jobsLast30Days: 4,
      bookings: [], absences: [], freeWindows: [{ start: now, end: minutes(8 * 60) }], vanStock: ['P-SEAL'],
    });
    const ranking = rankCandidates(job, [engineer('E-1', 4), engineer('E-2', 1)], now);
    expect(ranking.ranked).toHaveLength(1);
    expect(ranking.ineligible).toHaveLength(1);
    const body = { workOrderId: 'WO-1', status: 'proposed', ranked: ranking.ranked, ineligible: ranking.ineligible, excluded: [], problem: null, neededParts: [] };
    expect(problems(candidatesView, body)).toBeUndefined();
    const items = depotQueue([{ workOrderId: 'WO-1', tier: 'P1', dueAt: null, receivedAt: now, rush: false, benchId: 'B-1' }, { workOrderId: 'WO-2', tier: 'P3', dueAt: minutes(60), receivedAt: now, rush: false, benchId: null }], [{ benchId: 'B-1', wipLimit: 1 }]);
    expect(problems(depotQueueView, { depotId: 'DEP-1', benches: [{ benchId: 'B-1', wipLimit: 1 }], items })).toBeUndefined();
  });

  it('refuse a status outside the state machine, a missing null, and a field a closed object does not have', () => {
    expect(problems(workOrderView.pick({ status: true }), { status: 'paused' })).toBeDefined();
    const { planningNote: _p, ...withoutNote } = presentWorkOrder(completed);
    expect(problems(workOrderView, { ...withoutNote, machine: null, site: null, symptom: null, containment: [], partsToCarry: [] })).toBeDefined();
    expect(z.toJSONSchema(candidatesView, { io: 'output' })).toMatchObject({ additionalProperties: false });
    const entry: BoardEntryDoc = { _id: 'SR-1', customerId: 'CUST-1', serialNumber: 'SN-1', channel: 'phone', symptom: 'burr', raisedAt: now, neededBy: minutes(60), status: 'awaiting-dispatch', receivedAt: now, sourceEventId: 'e-1' };
    const { _id, ...rest } = entry;
    expect(problems(boardEntryView, { id: _id, ...rest })).toBeUndefined();
    expect(problems(boardEntryView, { id: _id, ...rest, status: 'open' })).toBeDefined();
  });
});
