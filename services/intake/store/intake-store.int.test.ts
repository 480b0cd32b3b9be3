import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { namespacedTopic, topics, validateEvent, type DeviceAlarmRaisedV1 } from '@aftersales/contracts';
import { connectMongo, PlatformError, UnprocessableError } from '@aftersales/platform';
import { testLogger, uniqueName, utcDayAt } from '@aftersales/platform/testing';
import type { RegistrationInput } from '../domain/registration';
import { createAlarmIntake } from './alarms';
import { loadDescendants, loadLineage } from './installed-base';
import { upsertKnownFix } from './known-fixes';
import { createIntakeModels, type AlarmDoc, type ContractDoc, type CustomerDoc, type IntakeModels, type MachineDoc, type ServiceRequestDoc } from './models';
import { alarmsOfRequest, buildReadModelsOnce, buildRequestAlarmsOnce, noteOpenRequest, readModelsOf } from './read-models';
import { createRegistrar, type Registrar } from './registrar';
import { recordServiceHistory, serviceHistoryOf } from './service-history';

const stack = inject('stack');
const ns = uniqueName('intake-store');
const day = 86_400_000;
// Instants as offsets from today at 10:00 UTC (hours before or after it).
const anchor = utcDayAt(0, '10:00');
const at = (hours: number) => new Date(anchor.getTime() + hours * 3_600_000);
let clock = anchor;

let mongo: Connection;
let models: IntakeModels;
let registrar: Registrar;
const deps = { topic: (name: string) => namespacedTopic(ns, name), nudgeOutbox: () => undefined, now: () => new Date(clock), logger: testLogger() };

const customer: CustomerDoc = {
  _id: 'C-1',
  name: 'Acme Cutting',
  class: 'key_account',
  dealerId: null,
  contacts: [{ name: 'Ada', phone: '+86 21 5555 0101', siteId: 'S-1' }],
  sites: [{ id: 'S-1', name: 'Plant', address: '1 Road', city: 'Shanghai', locationClass: 'provincial-capital', coordinates: null, timeZone: 'Asia/Shanghai' }],
};
const machine = (serial: string, overrides: Partial<MachineDoc> = {}): MachineDoc => ({
  _id: serial,
  customerId: 'C-1',
  siteId: 'S-1',
  model: 'FL-3015',
  productLine: 'laser-cutting',
  status: 'active',
  parentSerial: null,
  warranty: null,
  ...overrides,
});
const machines: MachineDoc[] = [
  machine('CUT-1', { warranty: { type: 'standard', start: at(-165 * 24 - 10), end: at(200 * 24 - 10) } }),
  machine('SRC-1', { parentSerial: 'CUT-1', model: 'LS-6000' }),
  machine('DIODE-1', { parentSerial: 'SRC-1', model: 'D-1' }),
  machine('DIODE-2', { parentSerial: 'SRC-1', model: 'D-1' }),
  // Not under the contract: its laser source inherits its warranty.
  machine('CUT-2', { warranty: { type: 'extended', start: null, end: at(200 * 24 - 10) } }),
  machine('SRC-2', { parentSerial: 'CUT-2', model: 'LS-6000' }),
  machine('ORPHAN-1', { parentSerial: 'GONE-1' }),
  machine('OLD-1'),
];
const contract: ContractDoc = {
  _id: 'SC-1',
  customerId: 'C-1',
  name: 'Cutter full service',
  type: 'premium',
  status: 'active',
  coveredSerials: ['CUT-1'],
  start: at(-165 * 24 - 10),
  end: at(16 * 24 - 10),
  responseMode: 'on-site',
  slaPolicyId: 'contract-premium',
  calendarId: '24x7',
  covers: { parts: true, labour: true, travel: true },
  createdAt: clock,
  createdBy: 'test',
};

function registration(overrides: Partial<RegistrationInput> = {}): RegistrationInput {
  return {
    customerId: 'C-1',
    contact: { name: 'Ada', phone: '+86 21 5555 0101' },
    channel: 'phone',
    serialNumber: 'CUT-1',
    symptom: 'No laser output, alarm E-1023',
    neededBy: new Date(clock.getTime() + 2 * day),
    ...overrides,
  };
}

const command = (input: RegistrationInput, idempotencyKey: string | null = null) => ({
  input,
  idempotencyKey,
  checkFingerprint: true,
  registeredBy: 'agent-1',
  correlationId: 'corr-1',
  causationId: 'req-1',
  scope: { kind: 'all' } as const,
});

beforeAll(async () => {
  mongo = await connectMongo(stack.mongoUrl, ns);
  models = createIntakeModels(mongo);
  await Promise.all(Object.values(models).map((m) => m.init()));
  await models.customers.collection.insertOne(customer as never);
  await models.machines.collection.insertMany(machines as never[]);
  await models.contracts.collection.insertOne(contract as never);
  // The contract was stored as before the read models existed: the service's start builds them.
  await buildReadModelsOnce(readModelsOf(models), models.serviceRequests.collection as never, models.contracts.collection as never, clock);
  await readModelsOf(models).machineLinks.buildOnce(clock);
  registrar = createRegistrar(deps, models);
});

afterAll(async () => {
  await mongo?.dropDatabase();
  await mongo?.close();
});

describe('request alarm lists on FerretDB', () => {
  it('lists the alarms stored before the lists existed once, at the first start that has them', async () => {
    const alarm = (n: number, requestId: string): AlarmDoc => ({ _id: `DEV-${n}`, serialNumber: 'CUT-1', alarmCode: 'E-1', severity: 'minor', message: 'm', raisedAt: at(-n), receivedAt: at(0), via: 'kafka', serviceRequestId: requestId, outcome: n === 3 ? 'opened' : 'linked' });
    await models.alarms.collection.insertMany([alarm(1, 'SR-A'), alarm(2, 'SR-B'), alarm(3, 'SR-A')] as never[]);
    expect(await buildRequestAlarmsOnce(readModelsOf(models), models.alarms.collection as never, clock)).toBe(true);
    expect((await alarmsOfRequest(readModelsOf(models), 'SR-A')).map((a) => a._id)).toEqual(['DEV-3', 'DEV-1']);
    expect((await alarmsOfRequest(readModelsOf(models), 'SR-B')).map((a) => a._id)).toEqual(['DEV-2']);
    expect(await buildRequestAlarmsOnce(readModelsOf(models), models.alarms.collection as never, clock)).toBe(false);
  });
});

describe('installed-base tree on FerretDB', () => {
  it('loads ancestors parent first and descendants level by level', async () => {
    const diode = (await models.machines.findById('DIODE-1').lean<MachineDoc>())!;
    expect((await loadLineage(models, diode)).ancestors.map((m) => m._id)).toEqual(['SRC-1', 'CUT-1']);
    expect((await loadDescendants(models, 'CUT-1')).map((m) => m._id)).toEqual(['SRC-1', 'DIODE-1', 'DIODE-2']);
  });
  it('reports a missing parent instead of losing it silently', async () => {
    const orphan = (await models.machines.findById('ORPHAN-1').lean<MachineDoc>())!;
    expect(await loadLineage(models, orphan)).toMatchObject({ ancestors: [], problem: expect.stringMatching(/GONE-1/) });
  });
});

describe('registration on FerretDB', () => {
  it('stores the entitlement from the contract, then the parent\u2019s warranty, then none, each with its event in the outbox', async () => {
    const byContract = await registrar.register(command(registration()));
    const byParent = await registrar.register(command(registration({ serialNumber: 'SRC-2', symptom: 'diode overheating' })));
    const paid = await registrar.register(command(registration({ serialNumber: 'OLD-1', symptom: 'spindle noise' })));
    expect(byContract.record.entitlement).toMatchObject({ source: { kind: 'contract', contractId: 'SC-1' }, quoteRequired: false });
    expect(byParent.record.entitlement).toMatchObject({ source: { kind: 'warranty', warrantyType: 'extended', fromSerial: 'CUT-2' }, warranty: { inherited: true } });
    expect(paid.record.entitlement).toMatchObject({ source: { kind: 'none' }, quoteRequired: true });

    const stored = (await models.serviceRequests.findById(byContract.record._id).lean<ServiceRequestDoc>())!;
    expect(stored).toMatchObject({ siteId: 'S-1', locationClass: 'provincial-capital', timeZone: 'Asia/Shanghai', machineKnown: true, flags: [] });
    expect(stored.outbox).toHaveLength(1);
    const event = stored.outbox![0]!;
    expect(event.topic).toBe(namespacedTopic(ns, topics.serviceRequests));
    expect(validateEvent(JSON.parse(JSON.stringify(event.event)))).toMatchObject({ ok: true, event: { data: { entitlement: { source: 'contract', contractId: 'SC-1' } } } });
  });

  it('draws another id when the one drawn is already taken (two registrations, one draw)', async () => {
    let draws = 0;
    const unlucky = createRegistrar(deps, models, () => (++draws <= 2 ? new Uint8Array([1, 2, 3, 4, 5, 6]) : new Uint8Array([7, 8, 9, 10, 11, 12])));
    const first = await unlucky.register(command(registration({ symptom: 'first of the day' }), 'draw-1'));
    const second = await unlucky.register(command(registration({ symptom: 'second, same draw' }), 'draw-2'));
    expect(second).toMatchObject({ created: true });
    expect(second.record._id).not.toBe(first.record._id);
    expect(draws).toBe(3);
    const stored = await models.serviceRequests.find({ _id: { $in: [first.record._id, second.record._id] } }).lean<ServiceRequestDoc[]>();
    expect(stored.map((r) => r.symptom).sort()).toEqual(['first of the day', 'second, same draw']);
  });

  it('keeps the frozen entitlement when the contract changes later', async () => {
    const { record } = await registrar.register(command(registration({ symptom: 'cutting head collision' })));
    await models.contracts.updateOne({ _id: 'SC-1' }, { $set: { covers: { parts: false, labour: false, travel: false } } });
    try {
      const stored = (await models.serviceRequests.findById(record._id).lean<ServiceRequestDoc>())!;
      expect(stored.entitlement?.covers).toEqual({ parts: true, labour: true, travel: true });
      expect(stored.entitlement?.contract?.covers).toEqual({ parts: true, labour: true, travel: true });
    } finally {
      await models.contracts.updateOne({ _id: 'SC-1' }, { $set: { covers: contract.covers } });
    }
  });

  it('names an open request on the same machine with a similar symptom as duplicateOf, with the score', async () => {
    const first = await registrar.register(command(registration({ serialNumber: 'SRC-1', symptom: 'Laser source gives no output, alarm 1023 on the panel' })));
    const second = await registrar.register(command(registration({ serialNumber: 'SRC-1', channel: 'email', symptom: 'no output from laser source' })));
    expect(first.record.duplicateOf).toBeNull();
    expect(second.record.duplicateOf).toBe(first.record._id);
    expect(second.record.duplicateMatch).toMatchObject({ measure: 'overlap', sharedWords: expect.arrayContaining(['laser', 'output']) });
    // A closed request is no longer a candidate: the workflow's sync closes the record and takes it
    // out of its machine's open requests (the keyed read model registration reads).
    for (const { record } of [first, second]) {
      await models.serviceRequests.updateOne({ _id: record._id }, { $set: { status: 'closed' } });
      await noteOpenRequest(readModelsOf(models), { ...record, status: 'closed' });
    }
    const third = await registrar.register(command(registration({ serialNumber: 'SRC-1', symptom: 'no output from laser source' })));
    expect(third.record.duplicateOf).toBeNull();
  });

  it('answers a repeated Idempotency-Key with the first request, refuses it with another body, and stores one record under concurrency', async () => {
    const key = `agent-1:${ns}-key`;
    const results = await Promise.all([1, 2, 3].map(() => registrar.register(command(registration({ symptom: 'hydraulic leak at the pallet changer' }), key))));
    expect(new Set(results.map((r) => r.record._id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await models.serviceRequests.countDocuments({ idempotencyKey: key })).toBe(1);
    const reused = await registrar.register(command(registration({ symptom: 'something else' }), key)).catch((e: unknown) => e);
    expect(reused).toBeInstanceOf(PlatformError);
    expect(reused).toMatchObject({ status: 422, field: 'Idempotency-Key' });
  });

  it('registers a serial not in the installed base only when the agent confirms, flagged', async () => {
    await expect(registrar.register(command(registration({ serialNumber: 'NEW-1' })))).rejects.toMatchObject({ status: 422, field: 'serialNumber' });
    const { record } = await registrar.register(command(registration({ serialNumber: 'NEW-1', acceptUnknownSerial: true })));
    expect(record).toMatchObject({ machineKnown: false, machine: null, flags: ['machine-unknown'], entitlement: { source: { kind: 'none' } }, siteId: 'S-1' });
  });

  it('refuses a dealer registering for a customer it does not serve, naming customerId', async () => {
    await expect(registrar.register({ ...command(registration()), scope: { kind: 'dealer', dealerId: 'DLR-9' } })).rejects.toMatchObject({ status: 403, field: 'customerId' });
  });
});

describe('device alarms on FerretDB', () => {
  const alarm = (deviceEventId: string, overrides: Partial<DeviceAlarmRaisedV1> = {}): DeviceAlarmRaisedV1 => ({
    deviceEventId,
    serialNumber: 'DIODE-2',
    alarmCode: 'T-77',
    severity: 'major',
    message: 'Diode temperature high',
    raisedAt: new Date(clock.getTime() - 60_000).toISOString(),
    ...overrides,
  });
  const receipt = { via: 'kafka' as const, correlationId: 'c', causationId: 'e' };

  it('opens one request per alarm, whatever the deliveries, and links repeats of the same code', async () => {
    const intake = createAlarmIntake(deps, models, registrar);
    const first = await intake.receive(alarm(`${ns}-a1`), receipt);
    const again = await intake.receive(alarm(`${ns}-a1`), receipt);
    const repeat = await intake.receive(alarm(`${ns}-a2`), receipt);
    const other = await intake.receive(alarm(`${ns}-a3`, { alarmCode: 'F-12', message: 'Fan stopped' }), receipt);
    expect(first).toMatchObject({ outcome: 'opened', replayed: false });
    expect(again).toMatchObject({ outcome: 'opened', replayed: true, serviceRequestId: first.serviceRequestId });
    expect(repeat).toMatchObject({ outcome: 'linked', replayed: false, serviceRequestId: first.serviceRequestId });
    expect(other.outcome).toBe('opened');
    expect(other.serviceRequestId).not.toBe(first.serviceRequestId);
    expect(await models.serviceRequests.countDocuments({ serialNumber: 'DIODE-2', channel: 'alarm' })).toBe(2);
    const opened = (await models.serviceRequests.findById(first.serviceRequestId).lean<ServiceRequestDoc>())!;
    expect(opened).toMatchObject({ channel: 'alarm', idempotencyKey: `alarm:${ns}-a1`, contact: { name: 'Ada' }, alarm: { alarmCode: 'T-77', severity: 'major' } });
    expect(await models.alarms.countDocuments({ serviceRequestId: first.serviceRequestId })).toBe(2);
  });

  it('refuses an alarm from a serial not in the installed base, permanently', async () => {
    const intake = createAlarmIntake(deps, models, registrar);
    const error = await intake.receive(alarm(`${ns}-x`, { serialNumber: 'NOPE-1' }), receipt).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnprocessableError);
    expect(error).toMatchObject({ field: 'serialNumber', retriable: false });
  });
});

describe('known fixes and service history on FerretDB', () => {
  const article = (version: number, title = `Burr v${version}`) => ({
    articleId: 'KB-9',
    version,
    title,
    models: ['FL-3015'],
    symptom: 'burr on cut edge',
    cause: 'nozzle',
    fix: 'centre the nozzle',
    parts: [],
    publishedAt: at(-14 * 24 - 10).toISOString(),
  });

  it('keeps the highest version, whatever the order and the repeats', async () => {
    expect(await upsertKnownFix(models, article(2), 'e2', clock)).toBe('inserted');
    expect(await upsertKnownFix(models, article(1), 'e1', clock)).toBe('kept');
    expect(await upsertKnownFix(models, article(2, 'changed'), 'e2b', clock)).toBe('kept');
    expect(await upsertKnownFix(models, article(3), 'e3', clock)).toBe('updated');
    expect(await models.knownFixes.findById('KB-9').lean()).toMatchObject({ version: 3, title: 'Burr v3', eventId: 'e3' });
  });

  it('records a history entry once per source id and reads newest first', async () => {
    const entry = (id: string, at: string) => ({
      _id: id,
      serialNumber: 'CUT-1',
      customerId: 'C-1',
      at: new Date(at),
      kind: 'repair' as const,
      summary: `repair ${id}`,
      parts: [{ partNumber: 'P-1', quantity: 1 }],
      engineer: 'eng-1',
      serviceRequestId: null,
      workOrderId: null,
      source: { service: 'dispatch', eventId: id, reportedBy: null },
    });
    expect(await recordServiceHistory(models, entry('h1', at(-45 * 24 - 10).toISOString()), clock)).toEqual({ stored: true });
    expect(await recordServiceHistory(models, { ...entry('h1', at(-45 * 24 - 10).toISOString()), summary: 'again' }, clock)).toEqual({ stored: false });
    await recordServiceHistory(models, entry('h2', at(-14 * 24 - 10).toISOString()), clock);
    const history = await serviceHistoryOf(models, 'CUT-1');
    expect(history.map((h) => [h._id, h.summary])).toEqual([
      ['h2', 'repair h2'],
      ['h1', 'repair h1'],
    ]);
    clock = new Date(clock.getTime() + 1_000);
  });
});
