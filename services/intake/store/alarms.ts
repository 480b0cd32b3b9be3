import type { DeviceAlarmRaisedV1 } from '@aftersales/contracts';
import { ConflictError, isDuplicateKeyError, UnprocessableError } from '@aftersales/platform';
import { alarmIdempotencyKey, alarmIdReused, alarmRegistration } from '../domain/alarms';
import type { AlarmDoc, CustomerDoc, IntakeModels, MachineDoc, ServiceRequestDoc } from './models';
import { noteRequestAlarm, openAlarmRequest, readModelsOf } from './read-models';
import type { Registrar, RegistrarDeps } from './registrar';

export interface AlarmOutcome {
  /** opened: this alarm opened the request; linked: it joined an open request for the same alarm code. */
  outcome: 'opened' | 'linked';
  serviceRequestId: string;
  /** True when this alarm had been received before and nothing new was stored. */
  replayed: boolean;
  /** The request it opened (for `opened`). */
  record: ServiceRequestDoc | null;
}

export interface AlarmReceipt {
  via: 'kafka' | 'http';
  correlationId: string;
  causationId: string;
}

/**
 * A machine's alarm, received once whatever the number of deliveries:
 * 1. an alarm that already opened a request finds it by the request's idempotency key
 *    (`alarm:<deviceEventId>`), and one already linked finds its alarm record;
 * 2. the same alarm code on the same machine while an alarm request for it is open is linked to
 *    that request (an alarm record pointing at it), not opened twice;
 * 3. otherwise it registers a request like any channel (entitlement, duplicate suggestion, known fixes).
 * Each step is one single-document write keyed by the alarm's id; a crash between two of them is
 * repaired by the next delivery.
 */
/**
 * A re-sent alarm carries its id with the same machine and code; the same id with another machine
 * or code is a different alarm under a reused id, refused rather than answered as a replay of the
 * first (permanent: the consumer parks it on the dead-letter topic).
 */
function refuseReusedId(alarm: DeviceAlarmRaisedV1, first: { serialNumber: string; alarmCode: string | null }): void {
  if (alarmIdReused(alarm, first)) {
    throw new ConflictError(`deviceEventId: ${alarm.deviceEventId} was received for ${first.serialNumber} (alarm ${first.alarmCode ?? 'unknown'}), not for ${alarm.serialNumber} (alarm ${alarm.alarmCode})`, 'deviceEventId');
  }
}

export function createAlarmIntake(deps: RegistrarDeps, models: IntakeModels, registrar: Registrar) {
  async function recordAlarm(alarm: DeviceAlarmRaisedV1, receipt: AlarmReceipt, serviceRequestId: string, outcome: AlarmDoc['outcome']): Promise<AlarmDoc> {
    const doc: AlarmDoc = {
      _id: alarm.deviceEventId,
      serialNumber: alarm.serialNumber,
      alarmCode: alarm.alarmCode,
      severity: alarm.severity,
      message: alarm.message,
      raisedAt: new Date(alarm.raisedAt),
      receivedAt: deps.now(),
      via: receipt.via,
      serviceRequestId,
      outcome,
    };
    try {
      await models.alarms.collection.insertOne(doc as never);
      await noteRequestAlarm(readModelsOf(models), doc);
      return doc;
    } catch (error) {
      // Received twice at the same time: the first record stands (listed again, in case its writer died before).
      if (!isDuplicateKeyError(error)) throw error;
      const first = (await models.alarms.findById(alarm.deviceEventId).lean<AlarmDoc>()) ?? doc;
      refuseReusedId(alarm, first);
      await noteRequestAlarm(readModelsOf(models), first);
      return first;
    }
  }

  async function receive(alarm: DeviceAlarmRaisedV1, receipt: AlarmReceipt): Promise<AlarmOutcome> {
    const key = alarmIdempotencyKey(alarm.deviceEventId);
    const opened = await registrar.byKey(key);
    if (opened) {
      refuseReusedId(alarm, { serialNumber: opened.serialNumber, alarmCode: opened.alarm?.alarmCode ?? null });
      await recordAlarm(alarm, receipt, opened._id, 'opened');
      return { outcome: 'opened', serviceRequestId: opened._id, replayed: true, record: opened };
    }
    const seen = await models.alarms.findById(alarm.deviceEventId).lean<AlarmDoc>();
    if (seen) {
      refuseReusedId(alarm, seen);
      // A crash between the alarm's record and its request's list is repaired by this delivery.
      await noteRequestAlarm(readModelsOf(models), seen);
      return { outcome: seen.outcome, serviceRequestId: seen.serviceRequestId, replayed: true, record: null };
    }

    const machine = await models.machines.findById(alarm.serialNumber).lean<MachineDoc>();
    // Permanent: no machine, no customer to serve. The consumer parks it on the dead-letter topic with this reason.
    if (!machine) throw new UnprocessableError('serialNumber', `serialNumber: no machine with serial ${alarm.serialNumber} in the installed base`);

    // The machine's open requests by `_id` (a filter on the records would read them all on FerretDB v1).
    const openId = await openAlarmRequest(readModelsOf(models), alarm.serialNumber, alarm.alarmCode);
    if (openId) {
      const linked = await recordAlarm(alarm, receipt, openId, 'linked');
      deps.logger.info({ serviceRequestId: linked.serviceRequestId, deviceEventId: alarm.deviceEventId, alarmCode: alarm.alarmCode }, 'repeated alarm linked to its open request');
      return { outcome: linked.outcome, serviceRequestId: linked.serviceRequestId, replayed: false, record: null };
    }

    const customer = await models.customers.findById(machine.customerId).lean<CustomerDoc>();
    if (!customer) throw new UnprocessableError('serialNumber', `serialNumber: machine ${machine._id} names customer ${machine.customerId}, which does not exist`);
    const { created, record } = await registrar.register({
      input: alarmRegistration(alarm, customer, machine, deps.now()),
      idempotencyKey: key,
      checkFingerprint: false,
      registeredBy: `device:${alarm.serialNumber}`,
      correlationId: receipt.correlationId,
      causationId: receipt.causationId,
      scope: { kind: 'all' },
      alarm: { deviceEventId: alarm.deviceEventId, alarmCode: alarm.alarmCode, severity: alarm.severity, message: alarm.message, raisedAt: new Date(alarm.raisedAt) },
    });
    await recordAlarm(alarm, receipt, record._id, 'opened');
    return { outcome: 'opened', serviceRequestId: record._id, replayed: !created, record };
  }

  return { receive };
}

export type AlarmIntake = ReturnType<typeof createAlarmIntake>;
