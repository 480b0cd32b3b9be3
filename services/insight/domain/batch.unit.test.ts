import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventEnvelope, EventKey, KnownEvent } from '@aftersales/contracts';
import { applyShardChange, caseLockKey, caseLockKeys, groupByCase, machinesOf, planBatch, planCount, type BatchPlan, type StoredCase } from './batch';
import type { CaseRecord } from './case-record';
import { foldCase } from './fold';
import { machine } from './case-fixtures';

const t = (day: number, minute = 0) => new Date(Date.UTC(2026, 9, 20, 8, 0) + day * 86_400_000 + minute * 60_000).toISOString();
function ev(id: string, key: EventKey, at: string, data: Record<string, unknown>): EventEnvelope {
  const [type, version] = key.split('@') as [string, string];
  return { id, type, version: Number(version), source: 'test', occurredAt: at, subject: String(data.requestId ?? data.serialNumber), correlationId: 'c', causationId: null, data };
}
const registered = (req: string, day: number) =>
  ev(`${req}-reg`, 'service-request.registered@1', t(day), { requestId: req, customerId: 'C-1', contact: { name: 'Li' }, channel: 'phone', serialNumber: `SN-${req}`, symptom: 'burr', raisedAt: t(day), neededBy: t(day + 2) });

/** Case A: registered in October, resolved and closed in November (it leaves October's open set for November's month). */
const caseA = [
  registered('A', 0),
  ev('A-scr', 'service-request.screened@1', t(0, 10), { requestId: 'A', outcome: 'valid', tier: 'P2' }),
  ev('A-asg', 'work-order.assigned@1', t(1), { workOrderId: 'WO-A', requestId: 'A', engineerId: 'E-1', assignedAt: t(1), plannedStart: null }),
  ev('A-use', 'parts.consumed@1', t(12), { workOrderId: 'WO-A', requestId: 'A', machineSerial: 'SN-A', lines: [{ partNumber: 'P-1', quantity: 2, locationId: 'W' }], consumedAt: t(12) }),
  ev('A-cls', 'service-request.closed@1', t(13), { requestId: 'A', customerId: 'C-1', serialNumber: 'SN-A', tier: 'P2', cause: 'wear', fix: 'part', firstTimeFix: true, resolvedAt: t(12), acceptedAt: t(13), workOrderId: 'WO-A', engineerId: 'E-1', slaMet: true }),
  ev('A-srv', 'service-request.surveyed@1', t(14), { requestId: 'A', customerId: 'C-1', score: 5, comment: null, answeredAt: t(14) }),
];
/** Case B: screened invalid, so it leaves the open set. */
const caseB = [registered('B', 2), ev('B-scr', 'service-request.screened@1', t(2, 5), { requestId: 'B', outcome: 'invalid' })];
/** Case C: a work-order fact before its registration (a partial record, in no place until registered). */
const caseC = [ev('C-asg', 'work-order.assigned@1', t(3), { workOrderId: 'WO-C', requestId: 'C', engineerId: 'E-2', assignedAt: t(3), plannedStart: null }), registered('C', 3)];
const machineEvent = (serial: string, model: string) =>
  ev(`m-${serial}-${model}`, 'machine.registered@1', t(0), { serialNumber: serial, customerId: 'C-1', siteId: null, model, productLine: 'laser', installedAt: null, registeredAt: t(0), dealerId: null });
const all = [...caseA, ...caseB, ...caseC, machineEvent('SN-1', 'M-1')];

/** A store in memory: what read-model.ts writes, the way it writes it. */
interface Memory {
  cases: Map<string, StoredCase>;
  shards: Map<string, Record<string, CaseRecord>>;
}
const empty = (): Memory => ({ cases: new Map(), shards: new Map() });
function write(store: Memory, plan: BatchPlan): void {
  for (const [key, change] of plan.shards) store.shards.set(key, applyShardChange(store.shards.get(key) ?? {}, change));
  for (const c of plan.cases) store.cases.set(c.requestId, { record: c.record, places: c.places });
}
function run(batches: EventEnvelope[][], store = empty()): Memory {
  for (const batch of batches) write(store, planBatch(groupByCase(batch).byCase, store.cases));
  return store;
}
/** The rows a reader sees (a shard emptied one event at a time reads like one a batch never wrote). */
const rowsOf = (store: Memory) => new Map([...store.shards].filter(([, rows]) => Object.keys(rows).length > 0));

/** Splits `events` into consecutive batches at the given cut points. */
function split(events: EventEnvelope[], cuts: number[]): EventEnvelope[][] {
  const at = [...new Set(cuts.map((c) => c % (events.length + 1)))].sort((a, b) => a - b);
  const out: EventEnvelope[][] = [];
  let from = 0;
  for (const cut of [...at, events.length]) {
    out.push(events.slice(from, cut));
    from = cut;
  }
  return out;
}

describe('folding a batch grouped by case', () => {
  it('groups the events by case in arrival order and keeps the machines apart', () => {
    const grouped = groupByCase([caseA[0]!, caseB[0]!, caseA[1]!, machineEvent('SN-1', 'M-1')]);
    expect([...grouped.byCase.keys()]).toEqual(['A', 'B']);
    expect(grouped.byCase.get('A')!.map((e) => e.id)).toEqual(['A-reg', 'A-scr']);
    expect(grouped.machines.map((m) => m.data.serialNumber)).toEqual(['SN-1']);
  });

  it('moves a closed case from the open set to its months, and drops an invalid one from the open set', () => {
    const store = run([all]);
    expect(store.cases.get('A')!.places).toEqual(['month:2026-10', 'month:2026-11']);
    expect(store.cases.get('B')!.places).toEqual(['month:2026-10']);
    const shards = run(caseA.map((e) => [e])).shards;
    const openShard = [...shards.keys()].find((k) => k.startsWith('open#'))!;
    expect(shards.get(openShard)).toEqual({});
    expect(Object.keys(shards.get([...shards.keys()].find((k) => k.startsWith('month:2026-11'))!)!)).toEqual(['A']);
  });

  it('writes the same cases and rows as folding the events one by one, for any order, repeats and batch cuts (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...all), { minLength: 1, maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (events, cuts) => {
          const oneByOne = run(events.map((e) => [e]));
          const batched = run(split(events, cuts));
          expect(batched.cases).toEqual(oneByOne.cases);
          expect(rowsOf(batched)).toEqual(rowsOf(oneByOne));
          // The records are the fold's, event after event.
          for (const [id, { record }] of batched.cases) {
            expect(record).toEqual(events.filter((e) => e.data && (e.data as { requestId?: string }).requestId === id).reduce<CaseRecord | null>(foldCase, null));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('plans no write for a batch delivered again (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...all), { minLength: 1, maxLength: 20 }), (events) => {
        const store = run([events]);
        const again = planBatch(groupByCase(events).byCase, store.cases);
        expect(again.cases).toEqual([]);
        expect(again.shards.size).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it('re-folds from the old cases after a crash between the rows and the cases, and sets the same rows', () => {
    const store = run([caseA.slice(0, 2)]);
    const plan = planBatch(groupByCase(caseA.slice(2)).byCase, store.cases);
    const crashed: Memory = { cases: new Map(store.cases), shards: new Map(store.shards) };
    for (const [key, change] of plan.shards) crashed.shards.set(key, applyShardChange(crashed.shards.get(key) ?? {}, change)); // rows written, cases not
    const recovered = run([caseA.slice(2)], crashed);
    const straight = run([caseA.slice(2)], store);
    expect(recovered.cases).toEqual(straight.cases);
    expect(rowsOf(recovered)).toEqual(rowsOf(straight));
  });

  it('takes a bounded set of case locks, in one order', () => {
    const ids = Array.from({ length: 500 }, (_, i) => `SR-${i}`);
    const keys = caseLockKeys(ids);
    expect(keys.length).toBeLessThanOrEqual(16);
    expect(keys).toEqual([...keys].sort());
    expect(caseLockKeys([...ids].reverse())).toEqual(keys);
    expect(keys).toContain(caseLockKey('SR-7'));
  });
});

describe('counting machines of a batch', () => {
  it('keeps the first registration of each serial', () => {
    const events = [machineEvent('SN-1', 'M-1'), machineEvent('SN-2', 'M-1'), machineEvent('SN-1', 'M-2')] as KnownEvent<'machine.registered@1'>[];
    expect(machinesOf(events).map((m) => [m.serialNumber, m.model])).toEqual([['SN-1', 'M-1'], ['SN-2', 'M-1']]);
  });

  it('only marks the serials the last version counted, and counts the rest', () => {
    const uncounted = [machine({ serialNumber: 'SN-1' }), machine({ serialNumber: 'SN-2' }), machine({ serialNumber: 'SN-3' })];
    const plan = planCount({ version: 4, lastCounted: ['SN-1', 'SN-3'] }, uncounted);
    expect(plan.markOnly).toEqual(['SN-1', 'SN-3']);
    expect(plan.count.map((m) => m.serialNumber)).toEqual(['SN-2']);
    expect(planCount({ version: 0, lastCounted: [] }, uncounted).count).toHaveLength(3);
  });
});
