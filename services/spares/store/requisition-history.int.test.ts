import { describe, expect, it } from 'vitest';
import { uniqueName, utcDayAt } from '@aftersales/platform/testing';
import { type RequisitionDoc, type SparesStore } from './collections';
import { onSparesStore } from './on-stack';
import { buildRequisitionHistoryOnce, createRequisitionHistory, samplesKept } from './requisition-history';

const dbName = uniqueName('spares-req-history').replace(/-/g, '_');
const anchor = utcDayAt(0, '08:00');
const now = () => anchor;

const requisition = (id: string, engineer: string, model: string | null, lines: [string, number][], minutesAgo = 0): RequisitionDoc => ({
  _id: id, workOrderId: `WO-${id}`, requestId: `SR-${id}`, requesterId: engineer, model,
  lines: lines.map(([partNumber, quantity]) => ({ partNumber, quantity, unitPriceCents: 100 })),
  reasons: [], approvalNeeded: false, approvers: [], deadlineMs: 0, currentApprover: null, escalations: [], status: 'approved',
  createdAt: new Date(anchor.getTime() - minutesAgo * 60_000),
});

/** On the real Mongo server: a part's requisition history, read by `_id`, holds what the filter over every requisition found. */
describe('requisition history', () => {
  let store!: SparesStore;
  onSparesStore(dbName, (s) => (store = s));

  it('is built once from the requisitions raised before it, holds what the filter finds, and counts a requisition once', async () => {
    await store.requisitions.insertMany([
      requisition('REQ-1', 'ENG-1', 'M-1', [['P-BELT', 2], ['P-FUSE', 1]], 30),
      requisition('REQ-2', 'ENG-2', null, [['P-BELT', 1]], 20),
      requisition('REQ-3', 'ENG-1', 'M-2', [['P-LAMP', 4]], 10),
    ]);
    expect(await buildRequisitionHistoryOnce(store, now)).toBe(4);
    expect(await buildRequisitionHistoryOnce(store, now)).toBe(-1);
    const history = createRequisitionHistory(store, now);
    const parts = ['P-BELT', 'P-FUSE'];
    const byFilter = (await store.requisitions.find({ 'lines.partNumber': { $in: parts } }).toArray()).flatMap((r) =>
      r.lines.filter((l) => parts.includes(l.partNumber)).map((l) => ({ engineerId: r.requesterId, partNumber: l.partNumber, quantity: l.quantity, ...(r.model ? { model: r.model } : {}) })),
    );
    const sorted = <T>(xs: T[]) => xs.map((x) => JSON.stringify(x)).sort();
    expect(sorted(await history.of(parts))).toEqual(sorted(byFilter));
    // A retry of the same requisition adds nothing.
    expect(await history.record([requisition('REQ-2', 'ENG-2', null, [['P-BELT', 1]])])).toBe(0);
    expect((await history.of(['P-BELT'])).length).toBe(2);
  });

  it('of requisitions of one part recorded at once by two processes, none is lost', async () => {
    const [a, b] = [createRequisitionHistory(store, now), createRequisitionHistory(store, now)];
    const raised = Array.from({ length: 24 }, (_, i) => requisition(`REQ-C${i}`, `ENG-${i % 3}`, null, [['P-VALVE', 1 + (i % 4)]]));
    await Promise.all(raised.map((r, i) => (i % 2 ? a : b).record([r])));
    const samples = await a.of(['P-VALVE']);
    expect(samples.length).toBe(24);
    expect(samples.reduce((sum, s) => sum + s.quantity, 0)).toBe(raised.reduce((sum, r) => sum + r.lines[0]!.quantity, 0));
    expect(await store.locks.countDocuments({})).toBe(0);
  });

  it(`keeps a part's latest ${samplesKept} lines`, async () => {
    const history = createRequisitionHistory(store, now);
    const many = Array.from({ length: samplesKept + 2 }, (_, i) => requisition(`REQ-K${i}`, 'ENG-1', null, [['P-SEAL', i]]));
    expect(await history.record(many)).toBe(samplesKept + 2);
    const kept = await history.of(['P-SEAL']);
    expect(kept.length).toBe(samplesKept);
    expect(kept[0]!.quantity).toBe(2);
    expect(kept.at(-1)!.quantity).toBe(samplesKept + 1);
  });
});
