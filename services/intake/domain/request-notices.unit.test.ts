import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { withNoticeFact, type NoticeFact, type RequestNotice } from './request-notices';

const told = (noticeId: string, minute: number, personId = 'P-SH-SUP'): NoticeFact => ({
  type: 'told', noticeId, kind: 'sla-breached', personId, personName: 'Wang Fang', role: 'supervisor', because: 'on-duty', urgent: true, toldAt: new Date(Date.UTC(2026, 2, 3, 8, minute)).toISOString(),
});
const acked = (noticeId: string, minute: number, by = 'P-SH-SUP'): NoticeFact => ({ type: 'acknowledged', noticeId, personId: 'P-SH-SUP', by, via: 'inbox', acknowledgedAt: new Date(Date.UTC(2026, 2, 3, 9, minute)).toISOString() });

describe("a request's notices", () => {
  it('in the order people were told, each with who acknowledged when; the first acknowledgement stands', () => {
    const entries = [told('N2', 5), told('N1', 1), acked('N1', 0), acked('N1', 30, 'P-MGR')].reduce(withNoticeFact, [] as RequestNotice[]);
    expect(entries.map((e) => [e.noticeId, e.acknowledgedBy])).toEqual([['N1', 'P-SH-SUP'], ['N2', null]]);
    expect(entries[0]).toMatchObject({ personName: 'Wang Fang', because: 'on-duty', via: 'inbox' });
  });

  it('any order of delivery, with repeats, gives the same history', () => {
    const facts = [told('N1', 1), told('N2', 2, 'P-STB'), told('N3', 3), acked('N1', 1), acked('N2', 2, 'P-STB')];
    const expected = facts.reduce(withNoticeFact, [] as RequestNotice[]);
    fc.assert(
      fc.property(fc.shuffledSubarray([...facts, ...facts], { minLength: facts.length * 2, maxLength: facts.length * 2 }), (order) => {
        expect(order.reduce(withNoticeFact, [] as RequestNotice[])).toEqual(expected);
      }),
    );
  });
});
