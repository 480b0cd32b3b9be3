import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { depotQueue, repeatedBenchIndex, type DepotJob } from './depot-queue';

const t = (h: number) => new Date(Date.UTC(2026, 5, 15, h));
const job = (id: string, over: Partial<DepotJob> = {}): DepotJob => ({ workOrderId: id, tier: 'P3', dueAt: t(20), receivedAt: t(8), rush: false, benchId: null, ...over });
const benches = [{ benchId: 'B1', wipLimit: 1 }, { benchId: 'B2', wipLimit: 2 }];

describe('depot queue', () => {
  it('orders waiting jobs by tier, then due instant, then arrival', () => {
    const q = depotQueue([job('late-P3', { dueAt: t(22) }), job('P2', { tier: 'P2', dueAt: t(23) }), job('early-P3', { dueAt: t(12) })], []);
    expect(q.map((e) => e.workOrderId)).toEqual(['P2', 'early-P3', 'late-P3']);
    expect(q[1]!.why).toContain('behind P2: tier P3, due 2026-06-15T12:00Z');
  });

  it('keeps jobs in progress on their bench and places a rush job at the head of the waiting line, not before them', () => {
    const q = depotQueue([job('on-B1', { benchId: 'B1', tier: 'P4' }), job('P2', { tier: 'P2' }), job('rush', { rush: true, tier: 'P4' })], benches);
    expect(q.map((e) => [e.workOrderId, e.state])).toEqual([['on-B1', 'in-progress'], ['rush', 'waiting'], ['P2', 'waiting']]);
    expect(q[0]!.why).toContain('never pre-empted');
    expect(q[1]!.why).toContain('rush by dispatcher');
    // B1 is full (limit 1), so the next jobs go to B2 (limit 2).
    expect(q.slice(1).map((e) => e.nextBench)).toEqual(['B2', 'B2']);
  });

  it('a P1 counts as rush; when every bench is at its WIP limit nothing starts', () => {
    const q = depotQueue([job('a', { benchId: 'B1' }), job('b', { benchId: 'B2' }), job('c', { benchId: 'B2' }), job('p1', { tier: 'P1' })], benches);
    const p1 = q.find((e) => e.workOrderId === 'p1')!;
    expect(p1.nextBench).toBeNull();
    expect(p1.why).toContain('P1 counts as rush');
    expect(p1.why).toContain('every bench is at its WIP limit');
  });

  it('never starts more jobs on a bench than its WIP limit allows', () => {
    const arbJob = fc.record({ tier: fc.constantFrom('P1', 'P2', 'P3', 'P4' as const), due: fc.integer({ min: 0, max: 23 }), rush: fc.boolean() });
    fc.assert(
      fc.property(fc.array(arbJob, { maxLength: 12 }), fc.integer({ min: 0, max: 3 }), (rows, busyOnB2) => {
        const jobs = [
          ...rows.map((r, i) => job(`W${i}`, { tier: r.tier, dueAt: t(r.due), rush: r.rush })),
          ...Array.from({ length: busyOnB2 }, (_, i) => job(`B2-${i}`, { benchId: 'B2' })),
        ];
        const q = depotQueue(jobs, benches);
        expect(q.map((e) => e.position)).toEqual(q.map((_, i) => i + 1));
        for (const b of benches) {
          const load = q.filter((e) => e.benchId === b.benchId || e.nextBench === b.benchId).length;
          expect(load).toBeLessThanOrEqual(Math.max(b.wipLimit, q.filter((e) => e.benchId === b.benchId).length));
        }
        const waiting = q.filter((e) => e.state === 'waiting').map((e) => jobs.find((j) => j.workOrderId === e.workOrderId)!);
        const firstNonRush = waiting.findIndex((j) => !(j.rush || j.tier === 'P1'));
        if (firstNonRush >= 0) expect(waiting.slice(firstNonRush).every((j) => !(j.rush || j.tier === 'P1'))).toBe(true);
      }),
    );
  });
});

describe('repeated benches', () => {
  it('names the first bench whose id came before', () => {
    expect(repeatedBenchIndex(benches)).toBeNull();
    expect(repeatedBenchIndex([{ benchId: 'B1' }, { benchId: 'B2' }, { benchId: 'B1' }, { benchId: 'B2' }])).toBe(2);
  });
  it('finds a repeat exactly when the ids are not all distinct', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('B1', 'B2', 'B3', 'B4', 'B5'), { maxLength: 8 }), (ids) => {
        const index = repeatedBenchIndex(ids.map((benchId) => ({ benchId })));
        expect(index === null).toBe(new Set(ids).size === ids.length);
        if (index !== null) expect(ids.slice(0, index)).toContain(ids[index]);
      }),
    );
  });
});
