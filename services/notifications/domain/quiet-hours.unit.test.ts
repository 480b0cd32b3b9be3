import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emailSendAt } from './quiet-hours';

const night = { from: '22:00', until: '07:00' };
const hour = 3_600_000;

describe('quiet hours', () => {
  it('a notice at 23:30 in Shanghai waits for 07:00 there; one at 06:59 for the same morning; 07:00 and 21:59 go at once', () => {
    // Shanghai is UTC+8 all year: 23:30 local on 3 March is 15:30Z.
    expect(emailSendAt(new Date('2026-03-03T15:30:00Z'), false, night, 'Asia/Shanghai').toISOString()).toBe('2026-03-03T23:00:00.000Z');
    expect(emailSendAt(new Date('2026-03-03T22:59:00Z'), false, night, 'Asia/Shanghai').toISOString()).toBe('2026-03-03T23:00:00.000Z');
    expect(emailSendAt(new Date('2026-03-03T23:00:00Z'), false, night, 'Asia/Shanghai').toISOString()).toBe('2026-03-03T23:00:00.000Z');
    expect(emailSendAt(new Date('2026-03-03T13:59:00Z'), false, night, 'Asia/Shanghai').toISOString()).toBe('2026-03-03T13:59:00.000Z');
  });

  it('urgent notices and readers without quiet hours are never held', () => {
    const at = new Date('2026-03-03T15:30:00Z');
    expect(emailSendAt(at, true, night, 'Asia/Shanghai')).toEqual(at);
    expect(emailSendAt(at, false, null, 'Asia/Shanghai')).toEqual(at);
    expect(emailSendAt(at, false, { from: '07:00', until: '07:00' }, 'Asia/Shanghai')).toEqual(at);
  });

  it('a daytime quiet span (12:00-13:30) holds only inside it', () => {
    const lunch = { from: '12:00', until: '13:30' };
    expect(emailSendAt(new Date('2026-03-03T04:15:00Z'), false, lunch, 'Asia/Shanghai').toISOString()).toBe('2026-03-03T05:30:00.000Z');
    expect(emailSendAt(new Date('2026-03-03T05:30:00Z'), false, lunch, 'Asia/Shanghai').toISOString()).toBe('2026-03-03T05:30:00.000Z');
  });

  it('the morning after the spring-forward night in Berlin is 07:00 summer time', () => {
    // 29 March 2026: clocks go from 02:00 to 03:00; 23:00 local on the 28th is 22:00Z.
    expect(emailSendAt(new Date('2026-03-28T22:00:00Z'), false, night, 'Europe/Berlin').toISOString()).toBe('2026-03-29T05:00:00.000Z');
  });

  it('in the hour Berlin repeats in autumn, a notice at the second 02:14 waits for the second 02:30, not the first', () => {
    // 27 October 2024: 03:00 CEST goes back to 02:00 CET at 01:00Z; 01:14Z is 02:14 CET, and 02:30 CET is 01:30Z.
    expect(emailSendAt(new Date('2024-10-27T01:14:00Z'), false, { from: '08:00', until: '02:30' }, 'Europe/Berlin').toISOString()).toBe('2024-10-27T01:30:00.000Z');
  });

  it('for any instant and zone: never earlier, never a day or more later, and a held e-mail goes at the quiet time\u2019s end on the reader\u2019s clock', () => {
    const zones = ['Asia/Shanghai', 'Europe/Berlin', 'America/New_York', 'Australia/Adelaide', 'UTC'];
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2030, 0, 1) }), fc.constantFrom(...zones), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 23 }), (t, zone, f, u) => {
        const quiet = { from: `${String(f).padStart(2, '0')}:00`, until: `${String(u).padStart(2, '0')}:30` };
        const at = new Date(t);
        const send = emailSendAt(at, false, quiet, zone);
        expect(send.getTime()).toBeGreaterThanOrEqual(t);
        expect(send.getTime() - t).toBeLessThan(26 * hour);
        if (send.getTime() > t) {
          const local = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(send);
          // On a spring-forward morning the end may fall in the skipped hour; then it is the moment the clock jumps (the next full hour).
          expect([quiet.until, `${String((u + 1) % 24).padStart(2, '0')}:00`]).toContain(local);
        }
      }),
      // Daylight-saving days are a few in a year: enough runs to meet them.
      { numRuns: 3000 },
    );
  });
});
