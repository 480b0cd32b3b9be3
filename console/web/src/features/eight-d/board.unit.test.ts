import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { disciplines, type EightDSummary } from './api/eight-ds';
import { approvalFor, boardCounts, columnOf, columns, decides, groupByColumn, isOverdue, submissionFor } from './board';

const now = Date.parse('2026-06-01T10:00:00Z');
const iso = (offsetMs: number) => new Date(now + offsetMs).toISOString();
type Item = Pick<EightDSummary, 'status' | 'current'> & { id: string };
const at = (id: string, discipline: (typeof disciplines)[number], status: 'open' | 'submitted' | 'returned', dueOffset: number | null): Item => ({
  id,
  status: 'open',
  current: { discipline, owner: 'qe-on-duty', dueAt: dueOffset === null ? null : iso(dueOffset), status, escalations: 0 },
});

describe('the 8D board', () => {
  it('puts each 8D in the column of its discipline, a closed one in Closed, one still starting in D0', () => {
    expect(columnOf(at('a', 'D2', 'submitted', 1000))).toBe('D2');
    expect(columnOf({ status: 'closed', current: null })).toBe('closed');
    expect(columnOf({ status: 'open', current: null })).toBe('D0');
  });

  it('marks overdue only a discipline that waits on its owner past its due instant', () => {
    expect(isOverdue({ status: 'open', dueAt: iso(-1) }, now)).toBe(true);
    expect(isOverdue({ status: 'returned', dueAt: iso(-1) }, now)).toBe(true);
    expect(isOverdue({ status: 'open', dueAt: iso(1) }, now)).toBe(false);
    // Submitted: the clock stops while it waits on the approver, as quality's escalation does.
    expect(isOverdue({ status: 'submitted', dueAt: iso(-1) }, now)).toBe(false);
    expect(isOverdue({ status: 'open', dueAt: null }, now)).toBe(false);
  });

  it('lists overdue ones first, then by due date, and counts what waits', () => {
    const items = [at('later', 'D3', 'open', 5000), at('late', 'D3', 'open', -5000), at('sooner', 'D3', 'submitted', 1000)];
    expect(groupByColumn(items, now).D3.map((i) => i.id)).toEqual(['late', 'sooner', 'later']);
    expect(boardCounts([...items, { status: 'closed', current: null }], now)).toEqual({ open: 3, awaitingApproval: 1, overdue: 1 });
  });

  it('every 8D lands in exactly one column', () => {
    const item = fc.record({
      id: fc.uuid(),
      closed: fc.boolean(),
      discipline: fc.option(fc.constantFrom(...disciplines), { nil: null }),
      status: fc.constantFrom('open' as const, 'submitted' as const, 'returned' as const),
      due: fc.option(fc.integer({ min: -1e10, max: 1e10 }), { nil: null }),
    });
    fc.assert(
      fc.property(fc.array(item, { maxLength: 40 }), (raw) => {
        const items: Item[] = raw.map((r) => (r.closed ? { id: r.id, status: 'closed', current: null } : r.discipline ? at(r.id, r.discipline, r.status, r.due) : { id: r.id, status: 'open', current: null }));
        const board = groupByColumn(items, now);
        const placed = columns.flatMap((c) => board[c].map((i) => i.id));
        expect(placed.sort()).toEqual(items.map((i) => i.id).sort());
        const counts = boardCounts(items, now);
        expect(counts.open).toBe(items.filter((i) => i.status === 'open').length);
        expect(counts.overdue).toBeLessThanOrEqual(counts.open - counts.awaitingApproval);
      }),
    );
  });
});

describe('who may decide', () => {
  it('four eyes: the submitter may not approve their own discipline; another decider may', () => {
    const step = { status: 'submitted' as const, submittedBy: 'qe-on-duty' };
    expect(approvalFor(step, 'qe-on-duty', true)).toEqual({ may: false, why: 'own-submission' });
    expect(approvalFor(step, 'qe-li', true)).toEqual({ may: true });
    expect(approvalFor(step, 'auditor-1', false)).toEqual({ may: false, why: 'read-only' });
    expect(approvalFor({ status: 'open', submittedBy: null }, 'qe-li', true)).toEqual({ may: false, why: 'not-submitted' });
  });

  it('the owner or the champion submits an open or sent-back discipline', () => {
    const open = { status: 'open' as const, owner: 'sc-zhao' };
    expect(submissionFor(open, 'qe-on-duty', 'open', 'sc-zhao', true)).toEqual({ may: true });
    expect(submissionFor(open, 'qe-on-duty', 'open', 'qe-on-duty', true)).toEqual({ may: true });
    expect(submissionFor(open, 'qe-on-duty', 'open', 'qe-li', true)).toEqual({ may: false, why: 'not-owner' });
    expect(submissionFor({ ...open, status: 'returned' }, 'qe-on-duty', 'open', 'sc-zhao', true)).toEqual({ may: true });
    expect(submissionFor({ ...open, status: 'waiting' }, 'qe-on-duty', 'open', 'sc-zhao', true)).toEqual({ may: false, why: 'waiting' });
    expect(submissionFor(open, 'qe-on-duty', 'closed', 'sc-zhao', true)).toEqual({ may: false, why: 'closed' });
    expect(submissionFor(open, 'qe-on-duty', 'open', 'sc-zhao', false)).toEqual({ may: false, why: 'read-only' });
  });

  it('quality engineers and managers decide; auditors and the platform team read', () => {
    expect(decides(['quality'])).toBe(true);
    expect(decides(['manager'])).toBe(true);
    expect(decides(['auditor'])).toBe(false);
    expect(decides(['platform'])).toBe(false);
  });
});
