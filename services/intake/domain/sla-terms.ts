import { defaultCalendars, defaultPolicies, type ResponseMode, type ServiceCalendar, type SlaPolicy } from '@aftersales/sla';
import type { SlaTerms } from '@aftersales/workflows';

export interface TermsFacts {
  slaPolicyId: string | null;
  calendarId: string | null;
  responseMode: ResponseMode | null;
  locationClass: string | null;
  /** The site's IANA time zone: business hours are the site's hours, not head office's. */
  timeZone: string | null;
}

/** Paid work without any entitlement still gets the published standard promises. */
const fallbackPolicyId = 'paid-standard';
export const fallbackCalendarId = 'business-hours';

/**
 * The SLA terms a request's workflow runs under, by value: the policy and calendar named by its
 * entitlement, on the site's time zone. An unknown id falls back to the standard terms rather than
 * leaving a request without clocks.
 */
export function slaTermsFor(facts: TermsFacts, policies: Readonly<Record<string, SlaPolicy>> = defaultPolicies, calendars: Readonly<Record<string, ServiceCalendar>> = defaultCalendars): SlaTerms {
  const policy = policies[facts.slaPolicyId ?? fallbackPolicyId] ?? policies[fallbackPolicyId]!;
  const calendar = calendars[facts.calendarId ?? fallbackCalendarId] ?? calendars[fallbackCalendarId]!;
  return {
    policy,
    calendar: facts.timeZone ? { ...calendar, timeZone: facts.timeZone } : calendar,
    responseMode: facts.responseMode ?? 'on-site',
    locationClass: facts.locationClass,
  };
}
