import { z } from 'zod';

const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a local date YYYY-MM-DD');

/**
 * calendar.version-published v1: a new version of a managed service calendar was stored. Keyed
 * by the calendar id; versions only grow. Running requests on the calendar follow it from
 * `effectiveFrom` (see intake's calendar rollout); readers that keep figures per calendar use it.
 */
export const calendarVersionPublishedV1 = z.object({
  calendarId: z.string().min(1).max(64),
  version: z.number().int().positive(),
  effectiveFrom: z.iso.datetime({ offset: true }),
  changedBy: z.string().min(1).max(200),
  reason: z.string().min(1).max(2000),
  /** How far the calendar's holidays are known (null for an always-open calendar). */
  holidaysKnownThrough: localDate.nullable(),
  /**
   * The calendar itself (weekly hours, holidays, dated days), for services that keep their own copy
   * (dispatch plans engineers' working time on it). Its shape is the SLA package's calendar.
   */
  calendar: z
    .looseObject({ kind: z.enum(['business', '24x7']), timeZone: z.string().min(1).max(64).optional() })
    .optional(),
});
export type CalendarVersionPublishedV1 = z.infer<typeof calendarVersionPublishedV1>;

/**
 * calendar.horizon-short v1: a calendar's holidays are not known far enough ahead; past
 * `knownThrough` its clocks would count public holidays as working days. Raised once per calendar
 * and known-through date, for the calendar's owner to import the next year.
 */
export const calendarHorizonShortV1 = z.object({
  calendarId: z.string().min(1).max(64),
  version: z.number().int().positive(),
  knownThrough: localDate,
  /** The date holidays should be known through (today plus the horizon asked for). */
  neededThrough: localDate,
  /** Days between the two. */
  shortByDays: z.number().int().positive(),
});
export type CalendarHorizonShortV1 = z.infer<typeof calendarHorizonShortV1>;
