import { describe, expect, it } from 'vitest';
import { HOUR_MS, dayToInstants, firstInstantAtOrAfter, isoWeekday, localDateAt, offsetAt, parseLocalDate, wallOf } from './local-time';

const wall = (y: number, m: number, d: number, hh: number, mm = 0) => Date.UTC(y, m - 1, d, hh, mm);

describe('offsets and local dates', () => {
  it('reads offsets from Intl, including half-hour and negative ones', () => {
    expect(offsetAt(Date.parse('2026-01-15T12:00Z'), 'Europe/Berlin')).toBe(1 * HOUR_MS);
    expect(offsetAt(Date.parse('2026-07-15T12:00Z'), 'Europe/Berlin')).toBe(2 * HOUR_MS);
    expect(offsetAt(Date.parse('2026-07-15T12:00Z'), 'America/New_York')).toBe(-4 * HOUR_MS);
    expect(offsetAt(Date.parse('2026-07-15T12:00Z'), 'Asia/Kolkata')).toBe(5.5 * HOUR_MS);
  });

  it('takes the local date, not the UTC one', () => {
    expect(localDateAt(Date.parse('2026-01-11T23:30Z'), 'Europe/Berlin')).toEqual({ year: 2026, month: 1, day: 12 });
    expect(localDateAt(Date.parse('2026-01-12T03:00Z'), 'America/New_York')).toEqual({ year: 2026, month: 1, day: 11 });
  });

  it('parses real dates only and numbers weekdays ISO-style', () => {
    expect(parseLocalDate('2028-02-29')).toEqual({ year: 2028, month: 2, day: 29 });
    expect(parseLocalDate('2026-02-29')).toBeNull();
    expect(parseLocalDate('2026-13-01')).toBeNull();
    expect(isoWeekday({ year: 2026, month: 1, day: 12 })).toBe(1);
    expect(isoWeekday({ year: 2026, month: 1, day: 18 })).toBe(7);
  });
});

describe('firstInstantAtOrAfter', () => {
  it.each([
    ['an ordinary time', 'Europe/Berlin', wall(2026, 1, 12, 9), '2026-01-12T09:00+01:00'],
    ['Berlin, skipped 02:30 → the jump at 03:00 CEST', 'Europe/Berlin', wall(2026, 3, 29, 2, 30), '2026-03-29T03:00+02:00'],
    ['Berlin, repeated 02:30 → the first (CEST)', 'Europe/Berlin', wall(2026, 10, 25, 2, 30), '2026-10-25T02:30+02:00'],
    ['Berlin, 03:00 on fall-back day → CET', 'Europe/Berlin', wall(2026, 10, 25, 3), '2026-10-25T03:00+01:00'],
    ['New York, skipped 02:15 → 03:00 EDT', 'America/New_York', wall(2026, 3, 8, 2, 15), '2026-03-08T03:00-04:00'],
    ['New York, repeated 01:15 → the first (EDT)', 'America/New_York', wall(2026, 11, 1, 1, 15), '2026-11-01T01:15-04:00'],
    ['Santiago, skipped midnight → 01:00', 'America/Santiago', wall(2026, 9, 6, 0), '2026-09-06T01:00-03:00'],
    ['Lord Howe, skipped 02:10 (half-hour DST) → 02:30', 'Australia/Lord_Howe', wall(2026, 10, 4, 2, 10), '2026-10-04T02:30+11:00'],
  ])('%s', (_name, zone, w, expected) => {
    expect(firstInstantAtOrAfter(w, zone)).toBe(Date.parse(expected));
  });

  it('dayToInstants agrees with it on change days and ordinary days', () => {
    for (const [zone, date] of [
      ['Europe/Berlin', { year: 2026, month: 3, day: 29 }],
      ['Europe/Berlin', { year: 2026, month: 10, day: 25 }],
      ['America/New_York', { year: 2026, month: 6, day: 1 }],
    ] as const) {
      const toInstant = dayToInstants(date, zone);
      for (let minute = 0; minute <= 1440; minute += 15) {
        expect(toInstant(minute)).toBe(firstInstantAtOrAfter(wallOf(date, minute), zone));
      }
    }
  });
});
