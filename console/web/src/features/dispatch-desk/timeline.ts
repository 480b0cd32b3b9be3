/**
 * The engineers' timeline laid out per day: each day is a column of the user's own local day
 * (00:00 to the next 00:00, so a day of a clock change is 23 or 25 hours long), and every block —
 * travel, work, absence, time off duty — becomes a left offset and a width in percent of the day it
 * falls in. A block that crosses midnight is cut into one piece per day. Pure: no React, no fetch.
 */

export interface Span {
  start: number;
  end: number;
}

export type BlockKind = 'travel' | 'work' | 'absence' | 'off';

export interface TimelineBlock extends Span {
  kind: BlockKind;
  /** The work order a travel or work block belongs to; an absence's reason otherwise. */
  ref: string;
}

export interface PlacedBlock extends TimelineBlock {
  /** Offset from the day's start and width, in percent of that day's length. */
  leftPct: number;
  widthPct: number;
  /** The block goes on before this day or after it (drawn with a cut edge). */
  continuesBefore: boolean;
  continuesAfter: boolean;
}

/** `count` local days from the one `now` falls in; the next day starts at the next local midnight. */
export function localDays(now: Date, count: number): Span[] {
  const days: Span[] = [];
  const cursor = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  for (let i = 0; i < count; i++) {
    const start = cursor.getTime();
    cursor.setDate(cursor.getDate() + 1);
    days.push({ start, end: cursor.getTime() });
  }
  return days;
}

/** Each day's blocks, in the days' order: clipped to the day, placed in percent of its length, by start. */
export function layoutDays(days: readonly Span[], blocks: readonly TimelineBlock[]): PlacedBlock[][] {
  return days.map((day) => {
    const length = day.end - day.start;
    if (!(length > 0)) return [];
    return blocks
      .filter((b) => b.end > b.start && b.start < day.end && b.end > day.start)
      .map((b) => {
        const from = Math.max(b.start, day.start);
        const to = Math.min(b.end, day.end);
        return {
          ...b,
          leftPct: ((from - day.start) / length) * 100,
          widthPct: ((to - from) / length) * 100,
          continuesBefore: b.start < day.start,
          continuesAfter: b.end > day.end,
        };
      })
      .sort((a, b) => a.leftPct - b.leftPct || kindOrder[a.kind] - kindOrder[b.kind]);
  });
}

const kindOrder: Record<BlockKind, number> = { off: 0, absence: 1, travel: 2, work: 3 };

/** The parts of `span` outside every working window: when the engineer is off duty. */
export function offDuty(span: Span, working: readonly Span[]): Span[] {
  const sorted = working.filter((w) => w.end > w.start).sort((a, b) => a.start - b.start);
  const off: Span[] = [];
  let cursor = span.start;
  for (const w of sorted) {
    if (w.end <= cursor) continue;
    if (w.start >= span.end) break;
    if (w.start > cursor) off.push({ start: cursor, end: w.start });
    cursor = Math.max(cursor, w.end);
  }
  if (cursor < span.end) off.push({ start: cursor, end: span.end });
  return off;
}

export interface ScheduleAnswer {
  from: string;
  to: string;
  bookings: { workOrderId: string; departAt: string; start: string; end: string }[];
  absences: { start: string; end: string; reason: string }[];
  working: { start: string; end: string }[];
}

const ms = (iso: string) => Date.parse(iso);

/** An engineer's schedule as blocks: off-duty time, absences, and each booking as travel then work. */
export function scheduleBlocks(schedule: ScheduleAnswer): TimelineBlock[] {
  const span = { start: ms(schedule.from), end: ms(schedule.to) };
  const working = schedule.working.map((w) => ({ start: ms(w.start), end: ms(w.end) }));
  return [
    ...offDuty(span, working).map((s) => ({ ...s, kind: 'off' as const, ref: '' })),
    ...schedule.absences.map((a) => ({ start: ms(a.start), end: ms(a.end), kind: 'absence' as const, ref: a.reason })),
    ...schedule.bookings.flatMap((b) => [
      { start: ms(b.departAt), end: ms(b.start), kind: 'travel' as const, ref: b.workOrderId },
      { start: ms(b.start), end: ms(b.end), kind: 'work' as const, ref: b.workOrderId },
    ]),
  ];
}

/** Where the local hours fall in a day, in percent: right on a day of a clock change too. */
export function hourTicks(day: Span, hours: readonly number[]): { hour: number; leftPct: number }[] {
  const length = day.end - day.start;
  const midnight = new Date(day.start);
  return hours
    .map((hour) => ({ hour, at: new Date(midnight.getFullYear(), midnight.getMonth(), midnight.getDate(), hour).getTime() }))
    .filter((t) => t.at > day.start && t.at < day.end && length > 0)
    .map((t) => ({ hour: t.hour, leftPct: ((t.at - day.start) / length) * 100 }));
}
