import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clockShown } from './clock';

const due = '2026-06-01T10:00:00.000Z';
const at = (offsetMs: number) => Date.parse(due) - offsetMs;

describe('a board clock this second', () => {
  it('counts down to the due instant and up after it', () => {
    expect(clockShown({ status: 'on-track', dueAt: due, paused: false }, at(2 * 3600_000 + 14 * 60_000 + 5_000))).toEqual({ status: 'on-track', remaining: '02:14:05', overdue: false });
    expect(clockShown({ status: 'warning', dueAt: due, paused: false }, at(27 * 3600_000))).toEqual({ status: 'warning', remaining: '1d 03:00:00', overdue: false });
    expect(clockShown({ status: 'on-track', dueAt: due, paused: false }, at(-312_000))).toEqual({ status: 'breached', remaining: '00:05:12', overdue: true });
  });

  it('shows a paused clock as paused whatever its due instant', () => {
    expect(clockShown({ status: 'breached', dueAt: due, paused: true }, at(-1)).status).toBe('paused');
  });

  it('one second later shows one second less (or more, once overdue)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1_000, max: 30 * 86_400_000 }), (left) => {
        const seconds = (text: string) => {
          const [d, t] = text.includes('d ') ? text.split('d ') : ['0', text];
          const [h, m, s] = t!.split(':').map(Number);
          return Number(d) * 86_400 + h! * 3600 + m! * 60 + s!;
        };
        const clock = { status: 'on-track', dueAt: due, paused: false };
        expect(seconds(clockShown(clock, at(left)).remaining) - seconds(clockShown(clock, at(left - 1000)).remaining)).toBe(1);
        expect(seconds(clockShown(clock, at(-left - 1000)).remaining) - seconds(clockShown(clock, at(-left)).remaining)).toBe(1);
      }),
    );
  });
});
