import { addDays, firstInstantAtOrAfter, localDateAt, wallAt, wallOf } from '@aftersales/sla';

/** A nightly quiet time in the reader's own zone, 'HH:MM' to 'HH:MM' (22:00 to 07:00 spans midnight). */
export interface QuietHours {
  from: string;
  until: string;
}

export const hhmm = /^([01]\d|2[0-3]):[0-5]\d$/;
const minutes = (text: string) => Number(text.slice(0, 2)) * 60 + Number(text.slice(3, 5));

/**
 * When a notice's e-mail may go. Urgent notices (a P1/P2 breach, every escalation) go at once,
 * always. Others falling in the reader's quiet hours wait for the hours' end in the reader's zone,
 * where every notice that waited for the same morning goes out as one digest.
 */
export function emailSendAt(at: Date, urgent: boolean, quiet: QuietHours | null | undefined, timeZone: string): Date {
  if (urgent || !quiet) return at;
  const from = minutes(quiet.from);
  const until = minutes(quiet.until);
  if (from === until) return at;
  const wall = wallAt(at.getTime(), timeZone);
  const today = localDateAt(at.getTime(), timeZone);
  const minute = Math.floor((wall - wallOf(today)) / 60_000);
  let endDay;
  if (from < until) {
    if (minute < from || minute >= until) return at;
    endDay = today;
  } else {
    if (minute >= until && minute < from) return at;
    endDay = minute >= from ? addDays(today, 1) : today;
  }
  const endWall = wallOf(endDay, until);
  const end = firstInstantAtOrAfter(endWall, timeZone);
  if (end > at.getTime()) return new Date(end);
  // In the hour a fall-back repeats, the end's first occurrence has passed: its second, on the clock now in force.
  const again = endWall - (wall - at.getTime());
  return new Date(Math.max(again, at.getTime()));
}
