/**
 * Proactive visits to key accounts: how often (an ISO-8601 duration), who qualifies, which machines,
 * and the planned-maintenance request each visit opens. Pure; the API turns the spec into a
 * Temporal Schedule and the worker's activity registers the requests.
 */
import type { CalendarSpec, Month, ScheduleSpec } from '@temporalio/client';
import type { CustomerClass, CustomerDoc, MachineDoc } from '../store/installed-base-models';
import { contactFor, siteOf } from './installed-base';
import type { RegistrationInput } from './registration';

const second = 1_000;
const day = 86_400 * second;

/** Customer classes a schedule of proactive visits is offered to. */
export const proactiveVisitClasses = ['vip', 'key_account'] as const satisfies readonly CustomerClass[];

export function eligibleForProactiveVisits(customerClass: string): boolean {
  return (proactiveVisitClasses as readonly string[]).includes(customerClass);
}

/**
 * How often a customer is visited. Days and weeks are a fixed length (a Temporal interval);
 * months are calendar months (a Temporal calendar spec), since P1M is not always 30 days.
 */
export type VisitInterval = { kind: 'fixed'; text: string; ms: number } | { kind: 'months'; text: string; months: number };

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/** Month counts that repeat on the same months every year, so a calendar spec can name them. */
export const monthSteps = [1, 2, 3, 4, 6, 12] as const;
export const minVisitIntervalMs = day;
export const maxVisitIntervalDays = 1_830;

const isoDuration = /^P(?:(\d{1,4})Y)?(?:(\d{1,4})M)?(?:(\d{1,4})W)?(?:(\d{1,5})D)?(?:T(?:(\d{1,6})H)?(?:(\d{1,7})M)?(?:(\d{1,9})S)?)?$/;

/** Reads an ISO-8601 duration (P90D, P2W, P1M, P1Y, P1DT12H) as a visit interval of at least a day. */
export function parseVisitInterval(raw: string): Parsed<VisitInterval> {
  const text = raw.trim().toUpperCase();
  const match = isoDuration.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) return { ok: false, message: 'an ISO-8601 duration such as P90D, P2W or P3M' };
  const [years, months, weeks, days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number, number];
  const calendarMonths = years * 12 + months;
  const fixedMs = (((weeks * 7 + days) * 24 + hours) * 60 + minutes) * 60 * second + seconds * second;
  if (calendarMonths === 0 && fixedMs === 0) return { ok: false, message: 'must be longer than zero' };
  if (calendarMonths > 0 && fixedMs > 0) return { ok: false, message: 'give months and years (P3M, P1Y) or days and weeks (P90D), not both' };
  if (calendarMonths > 0) {
    if (!(monthSteps as readonly number[]).includes(calendarMonths)) {
      return { ok: false, message: `${calendarMonths} months does not repeat on the same months each year; use 1, 2, 3, 4, 6 or 12 months, or days (e.g. P${calendarMonths * 30}D)` };
    }
    return { ok: true, value: { kind: 'months', text, months: calendarMonths } };
  }
  if (fixedMs < minVisitIntervalMs) return { ok: false, message: 'at least one day (P1D)' };
  if (fixedMs > maxVisitIntervalDays * day) return { ok: false, message: `at most P${maxVisitIntervalDays}D` };
  return { ok: true, value: { kind: 'fixed', text, ms: fixedMs } };
}

/** The latest day of the month every month has: a monthly visit on the 31st would skip most months. */
export const lastMonthlyVisitDay = 28;

function addMonthsUtc(at: Date, months: number): Date {
  const result = new Date(at);
  result.setUTCDate(Math.min(at.getUTCDate(), lastMonthlyVisitDay));
  result.setUTCMonth(result.getUTCMonth() + months);
  return result;
}

/**
 * The first visit: `startAt` when given, else one interval from now. Whole seconds, since
 * Temporal rounds its intervals to seconds. A monthly schedule needs a day every month has.
 */
export function firstVisitAt(interval: VisitInterval, now: Date, startAt?: Date): Parsed<Date> {
  if (startAt && interval.kind === 'months' && startAt.getUTCDate() > lastMonthlyVisitDay) {
    return { ok: false, message: `a monthly schedule needs a day of the month from 1 to ${lastMonthlyVisitDay} (UTC), so that every month has it` };
  }
  const first = startAt ?? (interval.kind === 'fixed' ? new Date(now.getTime() + interval.ms) : addMonthsUtc(now, interval.months));
  return { ok: true, value: new Date(Math.floor(first.getTime() / second) * second) };
}

const monthNames: readonly Month[] = ['JANUARY', 'FEBRUARY', 'MARCH', 'APRIL', 'MAY', 'JUNE', 'JULY', 'AUGUST', 'SEPTEMBER', 'OCTOBER', 'NOVEMBER', 'DECEMBER'];

/**
 * When the schedule acts: from the first visit on, every interval. A fixed interval is aligned
 * on the first visit (Temporal counts intervals from the Unix epoch plus an offset); months are
 * the first visit's day and time in every Nth month, in UTC.
 */
export function visitScheduleSpec(interval: VisitInterval, firstVisit: Date): ScheduleSpec {
  if (interval.kind === 'fixed') {
    return { intervals: [{ every: interval.ms, offset: firstVisit.getTime() % interval.ms }], startAt: firstVisit };
  }
  const firstMonth = firstVisit.getUTCMonth();
  const calendar: CalendarSpec = {
    second: firstVisit.getUTCSeconds(),
    minute: firstVisit.getUTCMinutes(),
    hour: firstVisit.getUTCHours(),
    dayOfMonth: firstVisit.getUTCDate(),
    month: monthNames.filter((_, m) => (m - firstMonth + 12) % interval.months === 0),
    comment: `proactive visit every ${interval.text}`,
  };
  return { calendars: [calendar], startAt: firstVisit };
}

/** The machines a visit covers by default: active ones at the top of their tree (a visit to a machine covers the parts inside it). */
export function machinesForVisits(machines: readonly Pick<MachineDoc, '_id' | 'status' | 'parentSerial'>[]): string[] {
  return machines
    .filter((m) => m.status === 'active' && !m.parentSerial)
    .map((m) => m._id)
    .sort();
}

/** Why a requested list of serials cannot be scheduled for this customer, or null. */
export function serialsProblem(customerId: string, requested: readonly string[], machines: readonly Pick<MachineDoc, '_id' | 'customerId' | 'status'>[]): string | null {
  const seen = new Set<string>();
  for (const serial of requested) {
    if (seen.has(serial)) return `${serial} is listed twice`;
    seen.add(serial);
    const machine = machines.find((m) => m._id === serial);
    if (!machine || machine.customerId !== customerId) return `${serial} is not a machine of customer ${customerId}`;
    if (machine.status === 'decommissioned') return `${serial} is decommissioned`;
  }
  return null;
}

/** Why a scheduled visit can no longer open a request for this machine (the installed base changed since), or null. */
export function visitRefusal(customerId: string, serialNumber: string, customer: Pick<CustomerDoc, '_id' | 'class'> | null, machine: Pick<MachineDoc, '_id' | 'customerId' | 'status'> | null): string | null {
  if (!customer) return `customer ${customerId} does not exist`;
  if (!eligibleForProactiveVisits(customer.class)) return `customer ${customerId} is a ${customer.class} customer now; proactive visits are for ${proactiveVisitClasses.join(' and ')} customers`;
  if (!machine) return `no machine ${serialNumber} in the installed base`;
  if (machine.customerId !== customerId) return `machine ${serialNumber} belongs to customer ${machine.customerId} now`;
  if (machine.status === 'decommissioned') return `machine ${serialNumber} is decommissioned`;
  return null;
}

/** How long after the scheduled visit the customer needs the work done. */
export const plannedMaintenanceWindowMs = 14 * day;
export const plannedMaintenanceSymptom = 'Planned maintenance visit';

/** One request per schedule run and machine: a retried activity finds the request by this key. */
export function plannedMaintenanceKey(scheduleRunId: string, serialNumber: string): string {
  return `planned-maintenance:${scheduleRunId}:${serialNumber}`;
}

/**
 * The registration a visit stands for. Nobody phoned, so the contact comes from the machine's
 * site or the customer. The channel is `portal` (the v1 contract's channels are fixed); the
 * planned-maintenance flag on the record tells it from a fault report.
 */
export function plannedMaintenanceRegistration(input: {
  customer: Pick<CustomerDoc, '_id' | 'name' | 'contacts' | 'sites'>;
  machine: Pick<MachineDoc, '_id' | 'siteId'>;
  scheduledFor: Date;
  note: string | null;
  now: Date;
}): RegistrationInput {
  const { customer, machine, scheduledFor, note, now } = input;
  return {
    customerId: customer._id,
    contact: contactFor(customer, siteOf(customer, machine)?.id ?? null),
    channel: 'portal',
    serialNumber: machine._id,
    symptom: (note ? `${plannedMaintenanceSymptom}: ${note}` : plannedMaintenanceSymptom).slice(0, 4000),
    // A run retried after its nominal time still says when the visit was due, never a time to come.
    raisedAt: scheduledFor.getTime() < now.getTime() ? scheduledFor : now,
    neededBy: new Date(scheduledFor.getTime() + plannedMaintenanceWindowMs),
  };
}
