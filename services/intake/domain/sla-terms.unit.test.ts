import { describe, expect, it } from 'vitest';
import { defaultCalendars, defaultPolicies } from '@aftersales/sla';
import { slaTermsFor, termIds } from './sla-terms';

describe('slaTermsFor', () => {
  const premium = { id: 'contract-premium', version: 3, body: defaultPolicies['contract-premium']! };
  const always = { id: '24x7', version: 2, body: defaultCalendars['24x7']! };

  it('takes the policy and calendar versions given, on the site time zone, and says which they were', () => {
    const terms = slaTermsFor({ slaPolicyId: 'contract-premium', calendarId: '24x7', responseMode: 'nbd', locationClass: 'elsewhere', timeZone: 'Europe/Berlin' }, premium, always);
    expect(terms.policy).toBe(premium.body);
    expect(terms.calendar).toEqual({ kind: '24x7', timeZone: 'Europe/Berlin' });
    expect(terms).toMatchObject({ responseMode: 'nbd', locationClass: 'elsewhere', calendarId: '24x7', calendarVersion: 2, policyVersion: 3 });
  });

  it('keeps the calendar zone without a site zone, and on-site without a response mode', () => {
    const terms = slaTermsFor({ slaPolicyId: null, calendarId: null, responseMode: null, locationClass: null, timeZone: null }, premium, always);
    expect(terms.calendar).toBe(always.body);
    expect(terms.responseMode).toBe('on-site');
  });

  it('reads the standard paid terms when the entitlement names none', () => {
    expect(termIds({ slaPolicyId: null, calendarId: null })).toEqual({ policyId: 'paid-standard', calendarId: 'business-hours' });
    expect(termIds({ slaPolicyId: 'warranty-standard', calendarId: '24x7' })).toEqual({ policyId: 'warranty-standard', calendarId: '24x7' });
  });
});
