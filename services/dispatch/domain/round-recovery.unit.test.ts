import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { recoverRound, type RoundFacts } from './round-recovery';

const STALE = 60_000;

describe('recovering an assignment round an earlier attempt left half-done', () => {
  it('died after the booking insert (no change, no entry): released at once, whatever its age', () => {
    expect(recoverRound({ hold: 'none', entry: null, ageMs: 0 }, STALE)).toEqual({ action: 'release' });
    expect(recoverRound({ hold: 'none', entry: null, ageMs: 10 * STALE }, STALE)).toEqual({ action: 'release' });
  });

  it('died after the change, before the calendar: the entry is written and the work order settled', () => {
    expect(recoverRound({ hold: 'recorded', entry: null, ageMs: 5 }, STALE)).toEqual({ action: 'finish', writeEntry: true, settle: true });
  });

  it('died after the calendar, before the work order: only the settle is left', () => {
    expect(recoverRound({ hold: 'recorded', entry: 'confirmed', ageMs: 5 }, STALE)).toEqual({ action: 'finish', writeEntry: false, settle: true });
  });

  it('a settled work order whose entry is missing or pending gets its confirmed entry and nothing else', () => {
    expect(recoverRound({ hold: 'settled', entry: null, ageMs: 5 }, STALE)).toEqual({ action: 'finish', writeEntry: true, settle: false });
    expect(recoverRound({ hold: 'settled', entry: 'pending', ageMs: 5 }, STALE)).toEqual({ action: 'finish', writeEntry: true, settle: false });
    expect(recoverRound({ hold: 'settled', entry: 'confirmed', ageMs: 5 }, STALE)).toEqual({ action: 'finish', writeEntry: false, settle: false });
  });

  it('a pending entry no work order holds waits until stale, then is released', () => {
    expect(recoverRound({ hold: 'none', entry: 'pending', ageMs: STALE - 1_000 }, STALE)).toEqual({ action: 'wait', retryInMs: 1_000 });
    expect(recoverRound({ hold: 'none', entry: 'pending', ageMs: STALE }, STALE)).toEqual({ action: 'release' });
  });

  it('every state converges: a held booking is never released, an unheld one is released or waits a bounded time', () => {
    const facts = fc.record<RoundFacts>({
      hold: fc.constantFrom('settled', 'recorded', 'none'),
      entry: fc.constantFrom('pending', 'confirmed', null),
      ageMs: fc.integer({ min: 0, max: 10 * STALE }),
    });
    fc.assert(
      fc.property(facts, (f) => {
        const r = recoverRound(f, STALE);
        if (f.hold !== 'none') {
          expect(r.action).toBe('finish');
          // After finishing, the calendar shows it confirmed and the work order names it.
          if (r.action === 'finish') {
            expect(r.writeEntry || f.entry === 'confirmed').toBe(true);
            expect(r.settle).toBe(f.hold === 'recorded');
          }
        } else {
          expect(r.action).not.toBe('finish');
          if (r.action === 'wait') {
            expect(r.retryInMs).toBeGreaterThan(0);
            expect(r.retryInMs).toBeLessThanOrEqual(STALE);
            // Once that wait is over, the same booking is released.
            expect(recoverRound({ ...f, ageMs: f.ageMs + r.retryInMs }, STALE)).toEqual({ action: 'release' });
          }
        }
      }),
    );
  });
});
