import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import type { RegisterCommand, RegisterResult } from '../store/registrar';
import type { CustomerDoc, MachineDoc, ServiceRequestDoc } from '../store/models';
import { createProactiveVisitActivities, type PlannedMaintenanceStore } from '../worker/proactive-visit-activities';
import {
  eligibleForProactiveVisits,
  firstVisitAt,
  machinesForVisits,
  parseVisitInterval,
  plannedMaintenanceKey,
  plannedMaintenanceRegistration,
  serialsProblem,
  visitRefusal,
  visitScheduleSpec,
  type VisitInterval,
} from './proactive-visits';

const day = 86_400_000;

function interval(text: string): VisitInterval {
  const parsed = parseVisitInterval(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

describe('parseVisitInterval', () => {
  it.each([
    ['P90D', 90 * day],
    ['P30D', 30 * day],
    ['P1D', day],
    ['P2W', 14 * day],
    ['PT24H', day],
    ['P1DT12H', 1.5 * day],
    [' p7d ', 7 * day],
  ])('reads %s as a fixed interval', (text, ms) => {
    expect(parseVisitInterval(text)).toEqual({ ok: true, value: { kind: 'fixed', text: text.trim().toUpperCase(), ms } });
  });

  it.each([
    ['P1M', 1],
    ['P3M', 3],
    ['P6M', 6],
    ['P1Y', 12],
    ['P12M', 12],
  ])('reads %s as calendar months', (text, months) => {
    expect(parseVisitInterval(text)).toMatchObject({ ok: true, value: { kind: 'months', months } });
  });

  it.each([
    ['', /ISO-8601 duration/],
    ['90 days', /ISO-8601 duration/],
    ['P', /ISO-8601 duration/],
    ['PT', /ISO-8601 duration/],
    ['P1.5D', /ISO-8601 duration/],
    ['-P1D', /ISO-8601 duration/],
    ['P0D', /longer than zero/],
    ['PT12H', /at least one day/],
    ['PT23H59M59S', /at least one day/],
    ['P1M15D', /not both/],
    ['P5M', /1, 2, 3, 4, 6 or 12 months/],
    ['P2Y', /1, 2, 3, 4, 6 or 12 months/],
    ['P9999D', /at most P1830D/],
  ])('refuses %j', (text, message) => {
    const parsed = parseVisitInterval(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(message);
  });
});

describe('eligibleForProactiveVisits', () => {
  it('offers visits to vip and key accounts only', () => {
    expect(eligibleForProactiveVisits('vip')).toBe(true);
    expect(eligibleForProactiveVisits('key_account')).toBe(true);
    expect(eligibleForProactiveVisits('standard')).toBe(false);
    expect(eligibleForProactiveVisits('indirect')).toBe(false);
    expect(eligibleForProactiveVisits('')).toBe(false);
  });
});

describe('first visit and schedule spec', () => {
  const now = new Date('2026-03-10T09:15:30.750Z');

  it('puts the first visit one interval from now, in whole seconds, and aligns the interval on it', () => {
    const every = interval('P30D');
    const first = firstVisitAt(every, now);
    expect(first).toEqual({ ok: true, value: new Date('2026-04-09T09:15:30.000Z') });
    if (!first.ok) return;
    const spec = visitScheduleSpec(every, first.value);
    const [only] = spec.intervals as { every: number; offset: number }[];
    // Temporal's interval times are epoch + n * every + offset: the first visit must be one of them.
    expect((first.value.getTime() - only!.offset) % only!.every).toBe(0);
    expect(only!.offset).toBeLessThan(only!.every);
    expect(spec.startAt).toEqual(first.value);
  });

  it('starts at startAt when given', () => {
    const startAt = new Date('2026-05-01T06:00:00Z');
    expect(firstVisitAt(interval('P90D'), now, startAt)).toEqual({ ok: true, value: startAt });
  });

  it('visits the same day of every Nth month for a month interval, clamped to a day every month has', () => {
    const first = firstVisitAt(interval('P3M'), new Date('2026-01-31T08:00:00Z'));
    expect(first).toEqual({ ok: true, value: new Date('2026-04-28T08:00:00Z') });
    if (!first.ok) return;
    const spec = visitScheduleSpec(interval('P3M'), first.value);
    expect(spec.calendars).toEqual([
      expect.objectContaining({ second: 0, minute: 0, hour: 8, dayOfMonth: 28, month: ['JANUARY', 'APRIL', 'JULY', 'OCTOBER'] }),
    ]);
    expect(visitScheduleSpec(interval('P1M'), first.value).calendars?.[0]?.month).toHaveLength(12);
    expect(visitScheduleSpec(interval('P1Y'), first.value).calendars?.[0]?.month).toEqual(['APRIL']);
  });

  it('refuses a monthly startAt on a day not every month has', () => {
    expect(firstVisitAt(interval('P1M'), now, new Date('2026-05-30T00:00:00Z'))).toMatchObject({ ok: false, message: /day of the month from 1 to 28/ });
    expect(firstVisitAt(interval('P30D'), now, new Date('2026-05-30T00:00:00Z')).ok).toBe(true);
  });
});

describe('machines to visit', () => {
  const machines = [
    { _id: 'SN-2', customerId: 'C1', status: 'active', parentSerial: null },
    { _id: 'SN-1', customerId: 'C1', status: 'active', parentSerial: null },
    { _id: 'SN-1-LS', customerId: 'C1', status: 'active', parentSerial: 'SN-1' },
    { _id: 'SN-3', customerId: 'C1', status: 'decommissioned', parentSerial: null },
    { _id: 'SN-4', customerId: 'C1', status: 'idle', parentSerial: null },
  ] as const satisfies readonly Pick<MachineDoc, '_id' | 'customerId' | 'status' | 'parentSerial'>[];

  it('defaults to the active machines at the top of their tree', () => {
    expect(machinesForVisits(machines)).toEqual(['SN-1', 'SN-2']);
  });

  it('names the first serial that cannot be scheduled', () => {
    expect(serialsProblem('C1', ['SN-1', 'SN-1-LS', 'SN-4'], machines)).toBeNull();
    expect(serialsProblem('C1', ['SN-1', 'SN-1'], machines)).toBe('SN-1 is listed twice');
    expect(serialsProblem('C1', ['SN-9'], machines)).toBe('SN-9 is not a machine of customer C1');
    expect(serialsProblem('C2', ['SN-1'], machines)).toBe('SN-1 is not a machine of customer C2');
    expect(serialsProblem('C1', ['SN-3'], machines)).toBe('SN-3 is decommissioned');
  });

  it('refuses a run for a machine or customer that changed since the schedule was made', () => {
    const customer = { _id: 'C1', class: 'key_account' as const };
    expect(visitRefusal('C1', 'SN-1', customer, machines[1])).toBeNull();
    expect(visitRefusal('C1', 'SN-1', null, machines[1])).toMatch(/does not exist/);
    expect(visitRefusal('C1', 'SN-1', { _id: 'C1', class: 'standard' }, machines[1])).toMatch(/standard customer now/);
    expect(visitRefusal('C1', 'SN-9', customer, null)).toMatch(/no machine SN-9/);
    expect(visitRefusal('C1', 'SN-3', customer, machines[3])).toMatch(/decommissioned/);
    expect(visitRefusal('C2', 'SN-1', { _id: 'C2', class: 'vip' }, machines[1])).toMatch(/belongs to customer C1 now/);
  });
});

describe('the planned-maintenance registration', () => {
  const customer: Pick<CustomerDoc, '_id' | 'name' | 'contacts' | 'sites'> = {
    _id: 'CUST-0001',
    name: 'Jiangnan Precision',
    contacts: [
      { name: 'Someone Else', phone: '+86 1' },
      { name: 'Li Wei', phone: '+86 21 5555 0101', siteId: 'S1' },
    ],
    sites: [{ id: 'S1', name: 'Plant', address: 'x', city: 'Shanghai', locationClass: 'provincial-capital', coordinates: null, timeZone: 'Asia/Shanghai' }],
  };
  const machine = { _id: 'SN-0001', siteId: 'S1' };

  it('is a portal request for the site contact, needed 14 days after the scheduled visit', () => {
    const scheduledFor = new Date('2026-04-09T09:15:30Z');
    const input = plannedMaintenanceRegistration({ customer, machine, scheduledFor, note: 'check the chiller', now: new Date('2026-04-09T09:15:31Z') });
    expect(input).toEqual({
      customerId: 'CUST-0001',
      contact: { name: 'Li Wei', phone: '+86 21 5555 0101' },
      channel: 'portal',
      serialNumber: 'SN-0001',
      symptom: 'Planned maintenance visit: check the chiller',
      raisedAt: scheduledFor,
      neededBy: new Date('2026-04-23T09:15:30Z'),
    });
    // Never raised in the future, even when the worker's clock is behind the schedule's.
    expect(plannedMaintenanceRegistration({ customer, machine, scheduledFor, note: null, now: new Date('2026-04-09T09:15:00Z') })).toMatchObject({
      symptom: 'Planned maintenance visit',
      raisedAt: new Date('2026-04-09T09:15:00Z'),
    });
  });

  it('has one idempotency key per run and machine', () => {
    expect(plannedMaintenanceKey('pv:C1-2026-04-09T09:15:30Z/run-1', 'SN-1')).toBe(plannedMaintenanceKey('pv:C1-2026-04-09T09:15:30Z/run-1', 'SN-1'));
    expect(plannedMaintenanceKey('pv:C1-2026-04-09T09:15:30Z/run-1', 'SN-1')).not.toBe(plannedMaintenanceKey('pv:C1-2026-04-09T09:15:31Z/run-2', 'SN-1'));
    expect(plannedMaintenanceKey('pv:C1-2026-04-09T09:15:30Z/run-1', 'SN-1')).not.toBe(plannedMaintenanceKey('pv:C1-2026-04-09T09:15:30Z/run-1', 'SN-2'));
  });
});

describe('openPlannedMaintenance (the activity, on stand-ins for the registrar and the store)', () => {
  /** A registrar with the real one's contract: a key it has seen answers the first request. */
  function fakeRegistrar() {
    const byKey = new Map<string, ServiceRequestDoc>();
    const commands: RegisterCommand[] = [];
    return {
      commands,
      records: byKey,
      async byKey(key: string) {
        return byKey.get(key) ?? null;
      },
      async register(command: RegisterCommand): Promise<RegisterResult> {
        commands.push(command);
        const earlier = command.idempotencyKey ? byKey.get(command.idempotencyKey) : undefined;
        if (earlier) return { created: false, record: earlier };
        const record = { _id: `SR-${byKey.size + 1}`, ...command.input, flags: command.flags ?? [] } as unknown as ServiceRequestDoc;
        byKey.set(command.idempotencyKey!, record);
        return { created: true, record };
      },
    };
  }

  function fakeStore(): PlannedMaintenanceStore {
    return {
      customer: async (id) => (id === 'CUST-0001' ? ({ _id: id, name: 'Jiangnan', class: 'key_account', dealerId: null, contacts: [{ name: 'Li Wei', phone: '+86' }] } as CustomerDoc) : null),
      machine: async (serial) => ({ _id: serial, customerId: 'CUST-0001', status: serial === 'SN-OLD' ? 'decommissioned' : 'active', parentSerial: null }) as MachineDoc,
      machinesOf: async () => [],
    };
  }

  const run = { customerId: 'CUST-0001', serialNumber: 'SN-0001', scheduledFor: '2026-04-09T09:15:30.000Z', scheduleRunId: 'pv:CUST-0001-2026-04-09T09:15:30Z/run-1', scheduleId: 'pv:CUST-0001', note: null };

  function activitiesOn(registrar: ReturnType<typeof fakeRegistrar>) {
    const activities = createProactiveVisitActivities({ registrar, store: fakeStore(), now: () => new Date('2026-04-09T09:15:31Z') });
    return { activities };
  }

  it('opens one flagged request, and a retry of the same run answers the first one', async () => {
    const registrar = fakeRegistrar();
    const { activities } = activitiesOn(registrar);
    const first = await activities.openPlannedMaintenance(run);
    expect(first).toEqual({ serialNumber: 'SN-0001', requestId: 'SR-1', created: true });
    expect(registrar.commands[0]).toMatchObject({
      idempotencyKey: plannedMaintenanceKey(run.scheduleRunId, 'SN-0001'),
      registeredBy: 'schedule:pv:CUST-0001',
      input: { channel: 'portal', symptom: 'Planned maintenance visit', neededBy: new Date('2026-04-23T09:15:30Z') },
    });
    expect(registrar.records.get(plannedMaintenanceKey(run.scheduleRunId, 'SN-0001'))?.flags).toEqual(['planned-maintenance']);

    const retried = await activities.openPlannedMaintenance(run);
    expect(retried).toEqual({ serialNumber: 'SN-0001', requestId: 'SR-1', created: false });
    expect(registrar.records.size).toBe(1);

    const nextRun = await activities.openPlannedMaintenance({ ...run, scheduleRunId: 'pv:CUST-0001-2026-05-09T09:15:30Z/run-2' });
    expect(nextRun).toMatchObject({ requestId: 'SR-2', created: true });
  });

  it('fails for good (non-retryable) for a machine that can no longer be visited', async () => {
    const { activities } = activitiesOn(fakeRegistrar());
    const failure = await activities.openPlannedMaintenance({ ...run, serialNumber: 'SN-OLD' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ nonRetryable: true, message: 'machine SN-OLD is decommissioned' });
  });
});
