import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inboxCap, listed, unreadCount, withMark, withNotice, type InboxEntry } from './inbox';

const entry = (id: string, minute: number, urgent = false): InboxEntry => ({ id, at: new Date(Date.UTC(2026, 0, 1, 0, minute)), urgent, read: false, acknowledged: false });

describe('an inbox as one document', () => {
  it('lists newest first, counts unread, filters unacknowledged urgent ones; acknowledging reads', () => {
    let box = [entry('a', 1), entry('b', 3, true), entry('c', 2, true)].reduce(withNotice, [] as InboxEntry[]);
    expect(box.map((e) => e.id)).toEqual(['b', 'c', 'a']);
    box = withMark(box, 'a', { read: true });
    box = withMark(box, 'c', { acknowledged: true });
    expect(unreadCount(box)).toBe(1);
    expect(listed(box, 'unread', 10).map((e) => e.id)).toEqual(['b']);
    expect(listed(box, 'unacknowledged', 10).map((e) => e.id)).toEqual(['b']);
    expect(listed(box, 'all', 2).map((e) => e.id)).toEqual(['b', 'c']);
    // Marks never go back.
    expect(withMark(box, 'c', { read: false }).find((e) => e.id === 'c')).toMatchObject({ read: true, acknowledged: true });
  });

  it('adding a notice again, in any order, gives the same inbox; never over the cap, always the newest', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 100_000 })), { maxLength: 60 }), fc.integer({ min: 1, max: 60 }), (adds, seed) => {
        const entries = adds.map(([n, minute]) => entry(`n${n}`, n * 1000 + (minute % 1000)));
        const once = entries.reduce(withNotice, [] as InboxEntry[]);
        const shuffled = [...entries, ...entries].sort((a, b) => ((a.id.charCodeAt(1) * seed) % 7) - ((b.id.charCodeAt(1) * seed) % 7));
        const twice = shuffled.reduce(withNotice, [] as InboxEntry[]);
        expect(new Set(twice.map((e) => e.id))).toEqual(new Set(once.map((e) => e.id)));
        expect(twice.length).toBeLessThanOrEqual(inboxCap);
        expect(twice.map((e) => e.at.getTime())).toEqual([...twice.map((e) => e.at.getTime())].sort((a, b) => b - a));
      }),
    );
    const many = Array.from({ length: inboxCap + 5 }, (_, i) => entry(`x${i}`, i)).reduce(withNotice, [] as InboxEntry[]);
    expect(many).toHaveLength(inboxCap);
    expect(many.at(-1)!.id).toBe('x5');
  });
});
