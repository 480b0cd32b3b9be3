import { describe, expect, it } from 'vitest';
import { validateEvent } from '../registry';

function envelope(type: string, data: Record<string, unknown>) {
  return { id: 'evt-1', type, version: 1, source: 'test', occurredAt: new Date().toISOString(), subject: 'S-1', correlationId: 'S-1', causationId: null, data };
}
const reasonOf = (type: string, data: Record<string, unknown>) => {
  const read = validateEvent(envelope(type, data));
  return read.ok ? 'accepted' : read.reason;
};
const now = new Date().toISOString();

describe('service-request.surveyed@1', () => {
  const survey = { requestId: 'SR-1', customerId: 'C-1', score: 4, comment: null, answeredAt: now };
  it('accepts a score of 1 to 5 and refuses anything else, naming the field', () => {
    for (const score of [1, 5]) expect(reasonOf('service-request.surveyed', { ...survey, score })).toBe('accepted');
    for (const score of [0, 6, 2.5]) expect(reasonOf('service-request.surveyed', { ...survey, score })).toMatch(/data: score: /);
  });
});

describe('machine.registered@1', () => {
  const machine = { serialNumber: 'SN-1', customerId: 'C-1', siteId: null, model: 'M-1', productLine: 'laser', installedAt: null, registeredAt: now, dealerId: null };
  it('needs when intake recorded it', () => {
    expect(reasonOf('machine.registered', machine)).toBe('accepted');
    expect(reasonOf('machine.registered', { ...machine, registeredAt: undefined })).toMatch(/data: registeredAt: /);
  });
});

describe('service-request.registered@1 customerClass', () => {
  const registered = { requestId: 'SR-1', customerId: 'C-1', contact: { name: 'Ada' }, channel: 'phone', serialNumber: 'SN-1', symptom: 'x', raisedAt: now, neededBy: now };
  it('is optional and one of the four classes', () => {
    expect(reasonOf('service-request.registered', registered)).toBe('accepted');
    expect(reasonOf('service-request.registered', { ...registered, customerClass: 'key_account' })).toBe('accepted');
    expect(reasonOf('service-request.registered', { ...registered, customerClass: 'gold' })).toMatch(/data: customerClass: /);
  });
});

describe('case-cost.allocated@1', () => {
  const line = { lineId: 'labour', kind: 'labour', costCentre: 'factory', amountCents: 0, inWarranty: true, reason: 'in warranty' };
  const allocation = { requestId: 'SR-1', revision: 1, allocatedAt: now, currency: 'EUR', lines: [line] };
  it('refuses a revision below 1, a negative amount and a currency that is not an ISO code', () => {
    expect(reasonOf('case-cost.allocated', allocation)).toBe('accepted');
    expect(reasonOf('case-cost.allocated', { ...allocation, revision: 0 })).toMatch(/data: revision: /);
    expect(reasonOf('case-cost.allocated', { ...allocation, lines: [{ ...line, amountCents: -1 }] })).toMatch(/data: lines\.0\.amountCents: /);
    expect(reasonOf('case-cost.allocated', { ...allocation, currency: 'eur' })).toMatch(/data: currency: /);
  });
});
