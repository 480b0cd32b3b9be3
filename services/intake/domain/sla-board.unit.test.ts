import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boardPage, slaBoard, type BoardClock, type BoardRequest } from './sla-board';

const clock = (name: string, status: string, dueAt: string, over: Partial<BoardClock> = {}): BoardClock => ({ name, status, dueAt: `${dueAt}Z`, paused: false, stoppedAt: null, ...over });
const request = (id: string, clocks: BoardClock[], over: Partial<BoardRequest> = {}): BoardRequest => ({
  id,
  customerId: 'CUST-1',
  serialNumber: 'SN-1',
  status: 'dispatched',
  tier: 'P2',
  owner: null,
  productLine: 'fiber-laser-cutting',
  city: 'Shanghai',
  clocks,
  escalations: [],
  ...over,
});

describe('slaBoard', () => {
  const requests = [
    request('SR-track', [clock('resolution', 'on-track', '2026-12-03T10:00')]),
    request('SR-warn-late', [clock('on-site', 'warning', '2026-12-01T12:00')]),
    request('SR-breach-new', [clock('on-site', 'breached', '2026-12-01T09:00')]),
    request('SR-breach-old', [clock('first-response', 'breached', '2026-11-30T09:00')], { escalations: [{ clock: 'first-response', action: 'notify-supervisor', step: 1, at: '2026-11-30T09:00:00Z' }, { clock: 'first-response', action: 'reassign', step: 2, at: '2026-11-30T13:00:00Z' }] }),
    request('SR-warn-soon', [clock('on-site', 'warning', '2026-12-01T10:00')]),
    request('SR-paused-breach', [clock('on-site', 'breached', '2026-11-29T09:00', { paused: true })]),
    request('SR-done', [clock('resolution', 'met', '2026-12-01T09:00', { stoppedAt: '2026-11-30T10:00:00Z' })]),
  ];

  it('puts breached first (longest overdue on top), then warnings, then on-track; paused after running of their status; stopped clocks never', () => {
    expect(slaBoard(requests).map((e) => e.id)).toEqual(['SR-breach-old', 'SR-breach-new', 'SR-paused-breach', 'SR-warn-soon', 'SR-warn-late', 'SR-track']);
  });

  it('places each request by its most urgent open clock, and shows its last escalation', () => {
    const mixed = request('SR-mixed', [clock('first-response', 'met', '2026-11-30T09:00', { stoppedAt: '2026-11-30T08:00:00Z' }), clock('resolution', 'on-track', '2026-12-05T09:00'), clock('on-site', 'warning', '2026-12-01T11:00')]);
    const [entry] = slaBoard([mixed]);
    expect(entry?.clock).toMatchObject({ name: 'on-site', status: 'warning' });
    expect(slaBoard(requests).find((e) => e.id === 'SR-breach-old')?.lastEscalation).toMatchObject({ action: 'reassign', step: 2 });
  });

  it('filters by the deciding clock\'s status', () => {
    const page = boardPage(slaBoard(requests), { only: ['warning'], offset: 0, limit: 100 });
    expect(page.items.map((e) => e.id)).toEqual(['SR-warn-soon', 'SR-warn-late']);
    expect(page.total).toBe(2);
  });
});

describe('boardPage', () => {
  const statuses = ['breached', 'warning', 'on-track'] as const;
  const entry = fc.record({
    n: fc.integer({ min: 0, max: 999 }),
    customer: fc.constantFrom('CUST-0001', 'CUST-0002', 'cust-0303'),
    serial: fc.constantFrom('SN-0001', 'SN-AB-7', 'sn-ab-8'),
    status: fc.constantFrom(...statuses),
    due: fc.integer({ min: 0, max: 10_000 }),
  });
  const boardOf = (entries: { n: number; customer: string; serial: string; status: string; due: number }[]) =>
    slaBoard(entries.map((e, i) => request(`SR-${e.n}-${i}`, [clock('on-site', e.status, new Date(Date.UTC(2026, 0, 1) + e.due * 60_000).toISOString().slice(0, 16))], { customerId: e.customer, serialNumber: e.serial })));

  it('pages the view a window at a time to every entry in it, in board order, with its total and counts', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 60 }), fc.subarray([...statuses]), fc.constantFrom('', 'ab', 'CUST-0001', '0303', 'SR-1', 'zz'), fc.integer({ min: 1, max: 9 }), (entries, only, q, limit) => {
        const board = boardOf(entries);
        const needle = q.toLowerCase();
        const searched = board.filter((e) => !needle || [e.id, e.customerId, e.serialNumber].some((v) => v.toLowerCase().includes(needle)));
        const shown = searched.filter((e) => !only.length || only.includes(e.clock.status as (typeof statuses)[number]));
        const walked = [];
        for (let offset = 0; ; offset += limit) {
          const page = boardPage(board, { only, q, offset, limit });
          expect(page.total).toBe(shown.length);
          expect(page.byStatus).toEqual(Object.fromEntries(statuses.map((s) => [s, searched.filter((e) => e.clock.status === s).length])));
          expect(page.items.length).toBeLessThanOrEqual(limit);
          if (!page.items.length) break;
          walked.push(...page.items);
        }
        expect(walked).toEqual(shown);
      }),
    );
  });
});

