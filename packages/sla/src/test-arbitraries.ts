/**
 * fast-check arbitraries for this package's property tests: random business calendars with split
 * intervals (whole-day and midnight-touching ones included) and holidays, in zones with DST at
 * odd hours, half-hour DST (Lord Howe), DST at midnight (Santiago) and negative DST (Casablanca).
 */
import fc from 'fast-check';
import { type BusinessCalendar, type WorkingInterval } from './calendar-model';
import { DAY_MS, MINUTES_PER_DAY } from './local-time';
import { calendar } from './test-support';

/** A deeper search than the everyday run: `SLA_PROPERTY_RUNS=5000 npx vitest run --project unit packages/sla --testTimeout=600000`. */
export const NUM_RUNS = Number(process.env.SLA_PROPERTY_RUNS ?? 150);

export const ZONES = [
  'Europe/Berlin',
  'America/New_York',
  'America/Santiago',
  'Australia/Lord_Howe',
  'Africa/Casablanca',
  'Asia/Kolkata',
  'Pacific/Chatham',
  'America/St_Johns',
  'Asia/Shanghai',
  'UTC',
];

// DST changes in the test range, so starts cluster around them too.
export const TRANSITIONS = [
  '2026-03-08T07:00Z', '2026-11-01T06:00Z', // New York
  '2026-03-29T01:00Z', '2026-10-25T01:00Z', // Europe
  '2026-04-05T03:00Z', '2026-09-06T04:00Z', // Santiago
  '2026-04-04T15:00Z', '2026-10-03T15:30Z', // Lord Howe
].map((s) => Date.parse(s));

const RANGE_START = Date.UTC(2025, 6, 1);
const RANGE_END = Date.UTC(2027, 6, 1);

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** 0..3 ordered, non-overlapping intervals of a day; boundaries on whole minutes, 24:00 allowed as an end. */
export const dayArb: fc.Arbitrary<WorkingInterval[]> = fc
  .uniqueArray(fc.integer({ min: 0, max: MINUTES_PER_DAY }), { maxLength: 6 })
  .map((points) => {
    const sorted = [...points].sort((a, b) => a - b);
    const intervals: WorkingInterval[] = [];
    for (let i = 0; i + 1 < sorted.length; i += 2) intervals.push({ start: hhmm(sorted[i]!), end: hhmm(sorted[i + 1]!) });
    return intervals;
  });

export const holidayArb = fc
  .integer({ min: RANGE_START / DAY_MS, max: RANGE_END / DAY_MS + 400 })
  .map((day) => new Date(day * DAY_MS).toISOString().slice(0, 10));

export const calendarArb: fc.Arbitrary<BusinessCalendar> = fc
  .record({
    timeZone: fc.constantFrom(...ZONES),
    days: fc.tuple(dayArb, dayArb, dayArb, dayArb, dayArb, dayArb, dayArb).filter((days) => days.some((d) => d.length > 0)),
    holidays: fc.uniqueArray(holidayArb, { maxLength: 40 }),
  })
  .map(({ timeZone, days, holidays }) =>
    calendar(timeZone, { 1: days[0], 2: days[1], 3: days[2], 4: days[3], 5: days[4], 6: days[5], 7: days[6] }, holidays),
  );

export const instantArb = fc.oneof(
  fc.integer({ min: RANGE_START, max: RANGE_END }),
  fc.tuple(fc.constantFrom(...TRANSITIONS), fc.integer({ min: -3 * DAY_MS, max: 3 * DAY_MS })).map(([a, b]) => a + b),
);

/** Working minutes in a week, to scale durations: a calendar open one minute a week must not get 300 hours. */
export function weeklyMs(c: BusinessCalendar): number {
  let minutes = 0;
  for (const day of Object.values(c.week)) {
    for (const { start, end } of day) {
      const [sh, sm] = start.split(':').map(Number);
      const [eh, em] = end.split(':').map(Number);
      minutes += eh! * 60 + em! - (sh! * 60 + sm!);
    }
  }
  return minutes * 60_000;
}

/** Up to about six weeks of the calendar's working time; half of them on whole minutes, so they end exactly on boundaries. */
export const durationFor = (c: BusinessCalendar) =>
  fc
    .tuple(fc.integer({ min: 0, max: 1_000_000 }), fc.boolean())
    .map(([ppm, whole]) => {
      const d = Math.floor((weeklyMs(c) * 6 * ppm) / 1_000_000);
      return whole ? d - (d % 60_000) : d;
    });
