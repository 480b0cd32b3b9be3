import { z } from 'zod';

export const alarmSeverities = ['critical', 'major', 'minor', 'warning'] as const;
export const alarmSeveritySchema = z.enum(alarmSeverities);
export type AlarmSeverity = z.infer<typeof alarmSeveritySchema>;

/**
 * device.alarm-raised v1: a connected machine reported an alarm. Published by the device gateway
 * on devices.alarms.v1 with the serial number as the key, so one machine's alarms stay in order.
 * `deviceEventId` is the gateway's own id of the alarm; a re-sent alarm carries the same one.
 */
export const deviceAlarmRaisedV1 = z.object({
  deviceEventId: z.string().min(1).max(200),
  serialNumber: z.string().min(1).max(64),
  alarmCode: z.string().min(1).max(64),
  severity: alarmSeveritySchema,
  message: z.string().min(1).max(2000),
  raisedAt: z.iso.datetime({ offset: true }),
});
export type DeviceAlarmRaisedV1 = z.infer<typeof deviceAlarmRaisedV1>;
