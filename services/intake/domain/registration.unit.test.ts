import { describe, expect, it } from 'vitest';
import { validateEvent } from '@aftersales/contracts';
import { UnprocessableError } from '@aftersales/platform';
import type { CustomerDoc, MachineDoc } from '../store/installed-base-models';
import { assessRegistration } from './assessment';
import { checkRegistration, earliestRaisedAt, implausibleRaisedAt, raisedAtClockSkewMs, registerServiceRequest, type RegistrationInput } from './registration';

const now = new Date('2026-06-15T10:00:00Z');
const customer: CustomerDoc = { _id: 'C-1', name: 'Acme', class: 'vip', dealerId: null, sites: [] };
const machine: MachineDoc = { _id: 'CUT-1', customerId: 'C-1', model: 'FL-3015', productLine: 'laser', status: 'active', parentSerial: null, warranty: null };
const input = (overrides: Partial<RegistrationInput> = {}): RegistrationInput => ({
  customerId: 'C-1',
  contact: { name: 'Ada', phone: '+1 555 0100' },
  channel: 'phone',
  serialNumber: 'CUT-1',
  symptom: 'no laser output',
  neededBy: new Date('2026-06-16T10:00:00Z'),
  ...overrides,
});

function refusal(fn: () => void): UnprocessableError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UnprocessableError);
    return error as UnprocessableError;
  }
  throw new Error('expected a refusal');
}

describe('checkRegistration: serial numbers not in the installed base', () => {
  it('refuses an unknown serial by default, naming serialNumber and the way to register anyway', () => {
    const error = refusal(() => checkRegistration(input({ serialNumber: 'NEW-1' }), customer, null, now));
    expect(error.field).toBe('serialNumber');
    expect(error.message).toContain('acceptUnknownSerial');
  });
  it('accepts it on a person\u2019s channel when the agent confirms', () => {
    for (const channel of ['phone', 'email', 'portal', 'app', 'chat'] as const) {
      expect(() => checkRegistration(input({ serialNumber: 'NEW-1', channel, acceptUnknownSerial: true }), customer, null, now)).not.toThrow();
    }
  });
  it('refuses it for a dealer or an alarm even when confirmed', () => {
    for (const channel of ['dealer', 'alarm'] as const) {
      expect(refusal(() => checkRegistration(input({ serialNumber: 'NEW-1', channel, acceptUnknownSerial: true }), customer, null, now)).field).toBe('acceptUnknownSerial');
    }
  });
  it('still refuses another customer\u2019s machine', () => {
    expect(refusal(() => checkRegistration(input({ acceptUnknownSerial: true }), customer, { ...machine, customerId: 'C-2' }, now)).field).toBe('serialNumber');
  });
});

describe('checkRegistration: when the request was raised', () => {
  const badInput = (fn: () => void) => {
    try {
      fn();
    } catch (error) {
      expect(error).toMatchObject({ status: 400, code: 'invalid_input', field: 'raisedAt' });
      return (error as Error).message;
    }
    throw new Error('expected a refusal');
  };
  it('refuses an instant before 2000 (a typed year 0020, a clock never set) with 400 naming raisedAt, before looking at the customer', () => {
    expect(badInput(() => checkRegistration(input({ raisedAt: new Date('0020-06-15T10:00:00Z') }), null, null, now))).toMatch(/^raisedAt: .*2000-01-01/);
    badInput(() => checkRegistration(input({ raisedAt: new Date('1999-12-31T23:59:59Z') }), customer, machine, now));
  });
  it('refuses one more than a minute ahead of the server clock, and takes a small skew', () => {
    badInput(() => checkRegistration(input({ raisedAt: new Date(now.getTime() + 61_000) }), customer, machine, now));
    expect(() => checkRegistration(input({ raisedAt: new Date(now.getTime() + 30_000) }), customer, machine, now)).not.toThrow();
  });
  it('takes any instant from 2000 until now', () => {
    for (const raisedAt of [earliestRaisedAt, new Date('2013-03-01T08:00:00Z'), now]) expect(() => checkRegistration(input({ raisedAt }), customer, machine, now)).not.toThrow();
  });
  it('implausibleRaisedAt says why, or null', () => {
    expect(implausibleRaisedAt(new Date(earliestRaisedAt.getTime() - 1), now)).toMatch(/on or after/);
    expect(implausibleRaisedAt(new Date(now.getTime() + raisedAtClockSkewMs + 1), now)).toMatch(/ahead of the server's clock/);
    expect(implausibleRaisedAt(new Date(now.getTime() + raisedAtClockSkewMs), now)).toBeNull();
  });
});

describe('registerServiceRequest', () => {
  const context = { requestId: 'SR-20260615-ABCDEF', now, registeredBy: 'agent-1', correlationId: 'corr', causationId: 'req', idempotencyKey: null, eventId: 'evt-1' };
  const assess = (m: MachineDoc | null, c = customer) =>
    assessRegistration({ at: now, serialNumber: 'CUT-1', symptom: 'no laser output', raisedAt: now, customer: c, machine: m, lineage: { ancestors: [], problem: null }, contracts: [], openRequests: [], knownFixCandidates: [] });

  it('stores the snapshot on the record and announces it in a valid registered event', () => {
    const { record, event } = registerServiceRequest(input(), context, assess(machine));
    expect(record).toMatchObject({ machineKnown: true, duplicateOf: null, entitlement: { source: { kind: 'none' } }, customer: { class: 'vip' }, flags: ['no-site'], alarm: null });
    expect(event.data).toMatchObject({ machineKnown: true, siteId: null, entitlement: { source: 'none', quoteRequired: true }, duplicateOf: null, dealerId: null, customerClass: 'vip' });
    expect(event.data.alarm).toBeUndefined();
    expect(validateEvent(JSON.parse(JSON.stringify(event)))).toMatchObject({ ok: true });
  });
  it('carries the alarm that opened the request', () => {
    const alarm = { deviceEventId: 'dev-1', alarmCode: 'E-1', severity: 'major' as const, message: 'm', raisedAt: now };
    const { record, event } = registerServiceRequest(input({ channel: 'alarm' }), context, assess(machine), alarm);
    expect(record.alarm).toEqual(alarm);
    expect(event.data.alarm).toEqual({ deviceEventId: 'dev-1', alarmCode: 'E-1', severity: 'major' });
  });
  it('names the customer\u2019s dealer, so spares can confine a dealer to its own cases', () => {
    const { event } = registerServiceRequest(input(), context, assess(machine, { ...customer, dealerId: 'DLR-1' }));
    expect(event.data.dealerId).toBe('DLR-1');
  });
  it('an unknown machine is registered with machineKnown false and the flag', () => {
    const { record, event } = registerServiceRequest(input({ acceptUnknownSerial: true }), context, assess(null));
    expect(record.flags).toContain('machine-unknown');
    expect(event.data.machineKnown).toBe(false);
  });
});
