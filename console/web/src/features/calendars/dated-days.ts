import type { CalendarBody } from './api/calendars';

export interface DatedDay {
  date: string;
  kind: 'closed' | 'working' | 'hours';
  hours: string;
  reason: string;
}

/**
 * The dated days of a calendar from `today` (a local date) for `months`, in date order: holidays
 * closed, make-up days working (hours as a normal day's), others with their own hours.
 */
export function upcomingDatedDays(body: CalendarBody, today: string, months: number): DatedDay[] {
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  const until = new Date(Date.UTC(y, m - 1 + months, d)).toISOString().slice(0, 10);
  const within = (date: string) => date >= today && date < until;
  const normal = Object.values(body.week ?? {}).find((hours) => hours.length > 0) ?? [];
  const same = (a: { start: string; end: string }[], b: { start: string; end: string }[]) => a.length === b.length && a.every((x, i) => x.start === b[i]!.start && x.end === b[i]!.end);
  const hoursText = (hours: { start: string; end: string }[]) => hours.map((h) => `${h.start}–${h.end}`).join(', ');
  return [
    ...(body.holidays ?? []).filter(within).map((date) => ({ date, kind: 'closed' as const, hours: '', reason: '' })),
    ...(body.exceptions ?? []).filter((e) => within(e.date)).map((e) => ({
      date: e.date,
      kind: e.hours.length === 0 ? ('closed' as const) : same(e.hours, normal) ? ('working' as const) : ('hours' as const),
      hours: hoursText(e.hours),
      reason: e.reason ?? '',
    })),
  ].sort((a, b) => a.date.localeCompare(b.date));
}
