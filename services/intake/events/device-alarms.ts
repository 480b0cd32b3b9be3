import type { KnownEvent } from '@aftersales/contracts';
import { applyOnce, type ConsumedEvent, type Platform } from '@aftersales/platform';
import type { AlarmIntake } from '../store/alarms';

export const deviceAlarmConsumer = 'intake-device-alarms';

/**
 * A machine's alarm from devices.alarms.v1 becomes a service request (or joins the open one for
 * the same code). The alarm intake is idempotent by the device's event id on its own; the inbox
 * makes a re-delivered Kafka message a cheap skip. An alarm for a serial not in the installed
 * base fails permanently and is parked on the dead-letter topic with the reason.
 */
export function createDeviceAlarmHandler(platform: Pick<Platform, 'mongo' | 'logger'>, alarms: AlarmIntake) {
  return async ({ event }: ConsumedEvent): Promise<void> => {
    const { data } = event as KnownEvent<'device.alarm-raised@1'>;
    await applyOnce(platform.mongo, deviceAlarmConsumer, event.id, async () => {
      const result = await alarms.receive(data, { via: 'kafka', correlationId: event.correlationId, causationId: event.id });
      platform.logger.info({ deviceEventId: data.deviceEventId, serialNumber: data.serialNumber, ...result, record: undefined }, 'device alarm received');
    });
  };
}
