/**
 * A machine's own alarm as a service request: nobody phoned, so the contact comes from the site
 * or the customer, the symptom from the alarm, and the time the customer needs it solved from the
 * alarm's severity. Pure; the store decides whether the alarm opens a request or joins one.
 */
import type { AlarmSeverity, DeviceAlarmRaisedV1 } from '@aftersales/contracts';
import type { CustomerDoc, MachineDoc } from '../store/installed-base-models';
import { contactFor, siteOf } from './installed-base';
import { earliestRaisedAt, type RegistrationInput } from './registration';

const hour = 60 * 60 * 1000;

/** How long after an alarm the customer needs the machine back, by severity (nobody told us; this is the default promise). */
export const alarmResolutionTargets: Readonly<Record<AlarmSeverity, number>> = {
  critical: 24 * hour,
  major: 48 * hour,
  minor: 5 * 24 * hour,
  warning: 10 * 24 * hour,
};

/** The idempotency key of the request an alarm opens: a re-delivered alarm finds its request by it. */
export function alarmIdempotencyKey(deviceEventId: string): string {
  return `alarm:${deviceEventId}`;
}

/** A device event id seen before with another machine or alarm code names a different alarm: the gateway reused the id. */
export function alarmIdReused(alarm: Pick<DeviceAlarmRaisedV1, 'serialNumber' | 'alarmCode'>, first: { serialNumber: string; alarmCode: string | null }): boolean {
  return alarm.serialNumber !== first.serialNumber || (first.alarmCode !== null && alarm.alarmCode !== first.alarmCode);
}

export function alarmSymptom(alarm: Pick<DeviceAlarmRaisedV1, 'alarmCode' | 'message' | 'severity'>): string {
  return `Alarm ${alarm.alarmCode} (${alarm.severity}): ${alarm.message}`.slice(0, 4000);
}

/**
 * The registration an alarm stands for. A device clock ahead of ours would make `raisedAt` lie in
 * the future, and one never set reads 1970: registration refuses both, so either is taken as now,
 * since a machine's alarm is never turned away for its clock (the device's own time stays on the
 * alarm record).
 */
export function alarmRegistration(alarm: DeviceAlarmRaisedV1, customer: CustomerDoc, machine: MachineDoc, now: Date): RegistrationInput {
  const reported = new Date(alarm.raisedAt);
  const raisedAt = reported.getTime() > now.getTime() || reported.getTime() < earliestRaisedAt.getTime() ? new Date(now) : reported;
  return {
    customerId: customer._id,
    contact: contactFor(customer, siteOf(customer, machine)?.id ?? null),
    channel: 'alarm',
    serialNumber: machine._id,
    symptom: alarmSymptom(alarm),
    raisedAt,
    neededBy: new Date(raisedAt.getTime() + alarmResolutionTargets[alarm.severity]),
  };
}
