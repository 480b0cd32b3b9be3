import type { KnownEvent } from '@aftersales/contracts';
import type { EventHandler, Platform } from '@aftersales/platform';
import type { ServiceCalendars } from '../store/service-calendars';

export const calendarConsumer = 'dispatch-calendars';

/**
 * Keeps intake's calendar versions, so engineers' working time follows a published holiday or an
 * emergency closure. One calendar's events share a key, so they arrive in order; a redelivered
 * version is recognised by its number.
 */
export function createCalendarHandler(platform: Platform, calendars: ServiceCalendars): EventHandler {
  return async ({ event }) => {
    const { data } = event as KnownEvent<'calendar.version-published@1'>;
    if (!data.calendar) return; // from a producer before versions carried the calendar: nothing to keep
    const outcome = await calendars.keep(data.calendarId, data.version, new Date(data.effectiveFrom), data.calendar);
    if (outcome === 'invalid') platform.logger.warn({ calendarId: data.calendarId, version: data.version }, 'calendar version not kept: planning cannot use it');
    else platform.logger.info({ calendarId: data.calendarId, version: data.version, outcome }, 'calendar version');
  };
}
