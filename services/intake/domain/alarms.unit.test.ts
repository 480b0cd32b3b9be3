import { describe, expect, it } from 'vitest';
import type { DeviceAlarmRaisedV1 } from '@aftersales/contracts';
import type { CustomerDoc, MachineDoc } from '../store/installed-base-models';
import { alarmIdempotencyKey, alarmIdReused, alarmRegistration, alarmResolutionTargets, alarmSymptom } from './alarms';

const now = new Date('2026-06-15T10:00:00Z');
const site = { name: 'Plant', address: '1 Road', city: 'Shanghai', locationClass: 'provincial-capital' as const, coordinates: null, timeZone: 'Asia/Shanghai' };
const customer: CustomerDoc = {
  _id: 'C-1',
  name: 'Acme Cutting',
  class: 'standard',
  dealerId: null,
  sites: [{ id: 'S-1', ...site }, { id: 'S-2', ...site }],
  contacts: [
    { name: 'Head Office', email: 'office@example.com' },
    { name: 'Night Shift', phone: '+86 21 5555 0199', siteId: 'S-2' },
  ],
};
const machine: MachineDoc = { _id: 'CUT-1', customerId: 'C-1', siteId: 'S-2', model: 'FL-3015', productLine: 'laser', status: 'active', parentSerial: null };
const alarm: DeviceAlarmRaisedV1 = { deviceEventId: 'dev-1', serialNumber: 'CUT-1', alarmCode: 'E-1023', severity: 'critical', message: 'No laser output', raisedAt: '2026-06-15T09:30:00Z' };

describe('alarmRegistration', () => {
  it('registers on channel alarm for the machine\u2019s customer, with the contact at the machine\u2019s site', () => {
    expect(alarmRegistration(alarm, customer, machine, now)).toEqual({
      customerId: 'C-1',
      contact: { name: 'Night Shift', phone: '+86 21 5555 0199' },
      channel: 'alarm',
      serialNumber: 'CUT-1',
      symptom: 'Alarm E-1023 (critical): No laser output',
      raisedAt: new Date('2026-06-15T09:30:00Z'),
      neededBy: new Date(new Date('2026-06-15T09:30:00Z').getTime() + alarmResolutionTargets.critical),
    });
  });
  it('falls back to the customer\u2019s first contact, then to the customer itself', () => {
    expect(alarmRegistration(alarm, customer, { ...machine, siteId: 'S-1' }, now).contact).toEqual({ name: 'Head Office', email: 'office@example.com' });
    expect(alarmRegistration(alarm, { ...customer, contacts: [] }, machine, now).contact).toEqual({ name: 'Acme Cutting' });
  });
  it('clamps a device clock that runs ahead to now, so the alarm is never refused for it', () => {
    const ahead = alarmRegistration({ ...alarm, raisedAt: '2026-06-15T11:00:00Z' }, customer, machine, now);
    expect(ahead.raisedAt).toEqual(now);
    expect(ahead.neededBy.getTime()).toBeGreaterThan(now.getTime());
  });
  it('takes a clock never set (1970) as now too, which registration would refuse', () => {
    const unset = alarmRegistration({ ...alarm, raisedAt: '1970-01-01T00:00:05Z' }, customer, machine, now);
    expect(unset.raisedAt).toEqual(now);
  });
  it('gives less urgent severities more time', () => {
    const order = (['critical', 'major', 'minor', 'warning'] as const).map((severity) => alarmRegistration({ ...alarm, severity }, customer, machine, now).neededBy.getTime());
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });
});

describe('alarm names', () => {
  it('keys the request by the device event id', () => {
    expect(alarmIdempotencyKey('dev-1')).toBe('alarm:dev-1');
  });
  it('keeps the symptom within the registration limit', () => {
    expect(alarmSymptom({ alarmCode: 'E', severity: 'minor', message: 'x'.repeat(5000) })).toHaveLength(4000);
  });
});

describe('alarmIdReused', () => {
  const first = { serialNumber: 'SN-1', alarmCode: 'E-1023' };
  it('is a replay with the same machine and code', () => {
    expect(alarmIdReused({ serialNumber: 'SN-1', alarmCode: 'E-1023' }, first)).toBe(false);
  });
  it('is a reused id with another machine or another code', () => {
    expect(alarmIdReused({ serialNumber: 'SN-2', alarmCode: 'E-1023' }, first)).toBe(true);
    expect(alarmIdReused({ serialNumber: 'SN-1', alarmCode: 'E-9' }, first)).toBe(true);
  });
  it('compares the machine alone when the first code is not known', () => {
    expect(alarmIdReused({ serialNumber: 'SN-1', alarmCode: 'E-9' }, { serialNumber: 'SN-1', alarmCode: null })).toBe(false);
  });
});
