import { apiCall, useResource } from '../../../lib/api';

export interface WorkingInterval {
  start: string;
  end: string;
}

export interface CalendarBody {
  kind: 'business' | '24x7';
  timeZone?: string;
  week?: Record<string, WorkingInterval[]>;
  holidays?: string[];
  exceptions?: { date: string; hours: WorkingInterval[]; reason?: string }[];
}

export interface CalendarVersion {
  id: string;
  version: number;
  effectiveFrom: string;
  changedAt: string;
  changedBy: string;
  reason: string;
}

export interface HealthWarning {
  code: string;
  subject: string;
  message: string;
}

/** Every managed calendar with its newest version. */
export const useCalendars = () => useResource<{ items: CalendarVersion[] }>('intake', '/v1/calendars');
/** One calendar as in force now, with how far its holidays are known. */
export const useCalendar = (id: string | null) => useResource<CalendarVersion & { body: CalendarBody; holidaysKnownThrough: string | null }>('intake', id ? `/v1/calendars/${encodeURIComponent(id)}` : null);
export const useCalendarVersions = (id: string | null) => useResource<{ items: Omit<CalendarVersion, 'id'>[] }>('intake', id ? `/v1/calendars/${encodeURIComponent(id)}/versions` : null);
/** Intake's health warnings: a calendar whose holidays run out soon is one. */
export const useHealthWarnings = () => useResource<{ warnings?: HealthWarning[] }>('intake', '/healthz', 60_000);

/** Imports a holiday file as a new version on top of the one read (409 if someone changed it meanwhile). */
export function importHolidays(id: string, input: { file: string; reason: string; expectedVersion: number }) {
  return apiCall<CalendarVersion & { holidaysKnownThrough: string | null; imported: { year: number; closedDays: number; datedDays: number } }>('intake', `/v1/calendars/${encodeURIComponent(id)}/holiday-imports`, { method: 'POST', body: input });
}
