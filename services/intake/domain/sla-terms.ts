import type { ResponseMode, ServiceCalendar, SlaPolicy } from '@aftersales/sla';
import type { SlaTerms } from '@aftersales/workflows';

export interface TermsFacts {
  slaPolicyId: string | null;
  calendarId: string | null;
  responseMode: ResponseMode | null;
  locationClass: string | null;
  /** The site's IANA time zone: business hours are the site's hours, not head office's. */
  timeZone: string | null;
}

/** A managed policy or calendar as read: which one, which version, its content. */
export interface Versioned<T> {
  id: string;
  version: number;
  body: T;
}

/** Paid work without any entitlement still gets the published standard promises. */
export const fallbackPolicyId = 'paid-standard';
export const fallbackCalendarId = 'business-hours';

/** The ids to read: the entitlement's, or the standard terms when it names none. */
export function termIds(facts: Pick<TermsFacts, 'slaPolicyId' | 'calendarId'>): { policyId: string; calendarId: string } {
  return { policyId: facts.slaPolicyId ?? fallbackPolicyId, calendarId: facts.calendarId ?? fallbackCalendarId };
}

/**
 * The SLA terms a request's workflow runs under, by value: the policy and calendar versions in
 * force (the caller falls back to the standard ones for an unknown id rather than leaving a
 * request without clocks), the calendar on the site's time zone, and which versions they were,
 * so a later calendar version can reach the request and its record says what it was promised.
 */
export function slaTermsFor(facts: TermsFacts, policy: Versioned<SlaPolicy>, calendar: Versioned<ServiceCalendar>): SlaTerms {
  return {
    policy: policy.body,
    calendar: facts.timeZone ? { ...calendar.body, timeZone: facts.timeZone } : calendar.body,
    responseMode: facts.responseMode ?? 'on-site',
    locationClass: facts.locationClass,
    calendarId: calendar.id,
    calendarVersion: calendar.version,
    policyVersion: policy.version,
  };
}
