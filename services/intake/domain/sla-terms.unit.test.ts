import { describe, expect, it } from 'vitest';
import { defaultPolicies } from '@aftersales/sla';
import { slaTermsFor } from './sla-terms';

describe('slaTermsFor', () => {
  it('takes the policy and calendar the entitlement names, on the site time zone', () => {
    const terms = slaTermsFor({ slaPolicyId: 'contract-premium', calendarId: '24x7', responseMode: 'nbd', locationClass: 'elsewhere', timeZone: 'Europe/Berlin' });
    expect(terms.policy).toBe(defaultPolicies['contract-premium']);
    expect(terms.calendar).toEqual({ kind: '24x7', timeZone: 'Europe/Berlin' });
    expect(terms.responseMode).toBe('nbd');
    expect(terms.locationClass).toBe('elsewhere');
  });

  it('falls back to the standard paid terms for unknown or missing ids', () => {
    const terms = slaTermsFor({ slaPolicyId: 'no-such-policy', calendarId: null, responseMode: null, locationClass: null, timeZone: null });
    expect(terms.policy.id).toBe('paid-standard');
    expect(terms.calendar).toMatchObject({ kind: 'business', timeZone: 'Asia/Shanghai' });
    expect(terms.responseMode).toBe('on-site');
  });
});
