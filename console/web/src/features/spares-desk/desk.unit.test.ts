import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { approvalInbox, askedSoFar, daysOverdue, knownWorkOrders, money, requisitionValueCents, returnsToChase, statusOf, stockByLocation, stockMark, turnOf, type DefectiveReturn, type Requisition, type StockLevel, type StockLocation } from './desk';

const DAY = 86_400_000;

const level = (partNumber: string, locationId: string, onHand: number, reserved: number, inTransit = 0): StockLevel => ({ partNumber, locationId, onHand, reserved, available: onHand - reserved, inTransit });
const locations: StockLocation[] = [
  { id: 'VAN-ENG-1', kind: 'van', name: 'Van of ENG-1', engineerId: 'ENG-1' },
  { id: 'REG-EAST', kind: 'regional', name: 'Regional east', engineerId: null },
  { id: 'CENTRAL', kind: 'central', name: 'Central warehouse', engineerId: null },
];

describe('stock by location', () => {
  it('marks nothing available as out and at or under the threshold as low', () => {
    expect(stockMark({ available: 0 }, 5)).toBe('out');
    expect(stockMark({ available: 5 }, 5)).toBe('low');
    expect(stockMark({ available: 6 }, 5)).toBe('ok');
    expect(stockMark({ available: 1 }, 0)).toBe('ok');
  });

  it('orders central, regional, vans and lists each location with its parts and marks', () => {
    const grouped = stockByLocation([level('P-NOZZLE-15', 'REG-EAST', 40, 0), level('P-LENS-B', 'REG-EAST', 4, 1), level('P-LENS-B', 'CENTRAL', 20, 0)], locations, 5);
    expect(grouped.map((g) => [g.location.id, g.levels.map((l) => `${l.partNumber}:${l.mark}`), g.lowCount])).toEqual([
      ['CENTRAL', ['P-LENS-B:ok'], 0],
      ['REG-EAST', ['P-LENS-B:low', 'P-NOZZLE-15:ok'], 1],
      ['VAN-ENG-1', [], 0],
    ]);
    expect(grouped[1]!.totals).toEqual({ onHand: 44, reserved: 1, available: 43, inTransit: 0 });
  });

  it('keeps stock at a location the list does not name', () => {
    expect(stockByLocation([level('P-X', 'GHOST', 1, 0)], [], 5).map((g) => g.location.name)).toEqual(['GHOST']);
  });

  it('totals each location exactly and loses no level', () => {
    const arbLevel = fc.record({ partNumber: fc.constantFrom('P-A', 'P-B', 'P-C'), locationId: fc.constantFrom('CENTRAL', 'REG-EAST', 'VAN-ENG-1', 'ELSEWHERE'), onHand: fc.nat(500), reserved: fc.nat(500), inTransit: fc.nat(50) }).map((l) => ({
      ...l,
      reserved: Math.min(l.reserved, l.onHand),
      available: l.onHand - Math.min(l.reserved, l.onHand),
    }));
    fc.assert(
      fc.property(fc.array(arbLevel, { maxLength: 30 }), fc.nat(20), (levels, threshold) => {
        const grouped = stockByLocation(levels, locations, threshold);
        expect(grouped.reduce((n, g) => n + g.levels.length, 0)).toBe(levels.length);
        for (const g of grouped) {
          const here = levels.filter((l) => l.locationId === g.location.id);
          expect(g.totals.onHand).toBe(here.reduce((s, l) => s + l.onHand, 0));
          expect(g.totals.available).toBe(g.totals.onHand - g.totals.reserved);
          expect(g.lowCount).toBe(here.filter((l) => l.available <= threshold).length);
        }
      }),
    );
  });
});

function requisition(over: Partial<Requisition> = {}): Requisition {
  return {
    id: 'REQ-1', workOrderId: 'WO-1', requestId: 'SR-1', requesterId: 'eng-1', lines: [{ partNumber: 'P-LENS-B', quantity: 3, unitPriceCents: 21_000 }], model: 'FL-3015',
    reasons: ['value 63000 cents over budget 50000'], approvalNeeded: true, approvers: ['spares-lead', 'spares-manager', 'service-head'], currentApprover: 'spares-lead', escalations: [],
    status: 'pending-approval', createdAt: '2026-01-01T08:00:00.000Z', decision: null, approval: { status: 'pending', level: 0, currentApprover: 'spares-lead', deadlineAt: '2026-01-01T16:00:00.000Z' }, ...over,
  };
}

describe('the approval inbox', () => {
  it('believes the decision, then a live state past pending, then the stored status', () => {
    expect(statusOf(requisition())).toBe('pending-approval');
    expect(statusOf(requisition({ approval: { status: 'approved', level: 0, currentApprover: 'spares-lead', deadlineAt: '' } }))).toBe('approved');
    expect(statusOf(requisition({ decision: { decision: 'rejected', lines: [], by: 'system', note: null, lapsed: true, decidedAt: '' }, approval: null }))).toBe('rejected');
    expect(statusOf(requisition({ approval: null }))).toBe('pending-approval');
  });

  it('lets the approvers asked so far decide, never the requester', () => {
    const escalated = requisition({ approval: { status: 'pending', level: 1, currentApprover: 'spares-manager', deadlineAt: '' } });
    expect(askedSoFar(escalated)).toEqual(['spares-lead', 'spares-manager']);
    expect(turnOf(escalated, 'spares-lead')).toBe('yours');
    expect(turnOf(escalated, 'service-head')).toBe('others');
    expect(turnOf(requisition({ requesterId: 'spares-lead' }), 'spares-lead')).toBe('own');
    // Without the live state, the stored escalations say how far the chain has gone.
    expect(askedSoFar(requisition({ approval: null, escalations: [{ level: 1, fromApprover: 'spares-lead', toApprover: 'spares-manager', at: '' }] }))).toEqual(['spares-lead', 'spares-manager']);
  });

  it('holds only pending requisitions, oldest first, split by whose move it is', () => {
    const items = [
      requisition({ id: 'REQ-NEW', createdAt: '2026-01-02T00:00:00.000Z' }),
      requisition({ id: 'REQ-OLD', createdAt: '2026-01-01T00:00:00.000Z' }),
      requisition({ id: 'REQ-DONE', approval: { status: 'approved', level: 0, currentApprover: 'spares-lead', deadlineAt: '' } }),
      requisition({ id: 'REQ-MINE', requesterId: 'spares-lead', approvers: ['spares-manager'] }),
    ];
    const inbox = approvalInbox(items, 'spares-lead');
    expect(inbox.yours.map((r) => r.id)).toEqual(['REQ-OLD', 'REQ-NEW']);
    expect(inbox.own.map((r) => r.id)).toEqual(['REQ-MINE']);
    expect(inbox.others).toEqual([]);
  });

  it('values a requisition as the sum of its lines', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ partNumber: fc.string(), quantity: fc.integer({ min: 1, max: 1000 }), unitPriceCents: fc.nat(1_000_000) }), { maxLength: 10 }), (lines) => {
        const value = requisitionValueCents({ lines });
        expect(value).toBe(lines.reduce((s, l) => s + l.quantity * l.unitPriceCents, 0));
        expect(value).toBeGreaterThanOrEqual(0);
      }),
    );
    expect(requisitionValueCents(requisition())).toBe(63_000);
  });
});

describe('returns to chase', () => {
  const now = Date.parse('2026-03-10T12:00:00.000Z');
  const ret = (id: string, dueOffsetMs: number, over: Partial<DefectiveReturn> = {}): DefectiveReturn => ({
    id, partNumber: 'P-LENS-B', removedSerial: null, quantity: 1, workOrderId: 'WO-1', requestId: 'SR-1', engineerId: 'ENG-1', machineSerial: 'SN-1', model: null, failureMode: null,
    createdAt: new Date(now - 20 * DAY).toISOString(), dueAt: new Date(now + dueOffsetMs).toISOString(), status: 'awaiting-return', returnedAt: null, lastChasedAt: null, chaseCount: 0, flaggedAt: null, ...over,
  });

  it('counts whole days late, at least one once late, none before the due date', () => {
    expect(daysOverdue(new Date(now + DAY).toISOString(), now)).toBe(0);
    expect(daysOverdue(new Date(now).toISOString(), now)).toBe(0);
    expect(daysOverdue(new Date(now - 1).toISOString(), now)).toBe(1);
    expect(daysOverdue(new Date(now - 3 * DAY).toISOString(), now)).toBe(3);
    expect(daysOverdue(new Date(now - 3 * DAY - 60_000).toISOString(), now)).toBe(3);
    fc.assert(
      fc.property(fc.integer({ min: -100 * DAY, max: 100 * DAY }), (offset) => {
        const days = daysOverdue(new Date(now - offset).toISOString(), now);
        expect(days).toBe(offset > 0 ? Math.max(1, Math.floor(offset / DAY)) : 0);
        expect(days >= 0 && Number.isInteger(days)).toBe(true);
      }),
    );
  });

  it('leaves out parts that came back and puts flagged, then the latest, first', () => {
    const list = returnsToChase([ret('R-SOON', 2 * DAY), ret('R-LATE', -5 * DAY), ret('R-BACK', -9 * DAY, { status: 'returned' }), ret('R-FLAG', -1 * DAY, { flaggedAt: new Date(now).toISOString() }), ret('R-LATER', -8 * DAY)], now);
    expect(list.map((r) => [r.id, r.overdueDays])).toEqual([
      ['R-FLAG', 1],
      ['R-LATER', 8],
      ['R-LATE', 5],
      ['R-SOON', 0],
    ]);
  });
});

describe('work orders and money', () => {
  it('names each work order once, newest mention first, up to the limit', () => {
    const mentions = [
      { workOrderId: 'WO-1', requestId: 'SR-1', at: '2026-01-01' },
      { workOrderId: 'WO-2', requestId: 'SR-2', at: '2026-01-03' },
      { workOrderId: 'WO-1', requestId: 'SR-1', at: '2026-01-02' },
      { workOrderId: 'WO-3', requestId: 'SR-3', at: '2026-01-04' },
    ];
    expect(knownWorkOrders(mentions).map((w) => w.workOrderId)).toEqual(['WO-3', 'WO-2', 'WO-1']);
    expect(knownWorkOrders(mentions, 2).map((w) => w.workOrderId)).toEqual(['WO-3', 'WO-2']);
  });

  it('writes cents in the currency', () => {
    expect(money(63_000, 'EUR', 'en')).toBe('€630.00');
    expect(money(1_250, 'CNY', 'zh')).toBe('¥12.50');
    expect(money(100, 'NOT-A-CODE', 'en')).toBe('1.00 NOT-A-CODE');
  });
});
