import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildEvent, type KnownEvent } from '@aftersales/contracts';
import { createEventProducer, createKafka, signToken, type EventProducer } from '@aftersales/platform';
import { testLogger } from '@aftersales/platform/testing';
import { deleteTopicsWithPrefix } from './support/kafka';
import { dropNamespaceDatabases } from './support/mongo';
import { api, ServiceProcess, testJwtSecret, tokenFor } from './support/services';
import { terminateWorkflows } from './support/temporal';
import { eventually, uniqueNamespace } from './support/wait';

const day = 86_400_000;
const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

/** A dealer's token carries its dealer id; support/services signs role-only tokens, so this one is signed here with the same secret. */
function dealerToken(dealerId: string): Promise<string> {
  return signToken({ sub: `test-${dealerId}`, roles: ['dealer'], dealerId }, { secret: testJwtSecret, issuer: 'aftersales-test' });
}

/**
 * Intake as the hotline uses it, as its own process on the real servers: build a customer, its
 * site, a machine tree and a contract over HTTP; register and see entitlement (contract, parent's
 * warranty, none), a duplicate suggestion and known fixes at once; dealers confined to their own
 * customers; a machine's alarm over Kafka opening exactly one request.
 */
describe('intake registration end to end', () => {
  const stack = inject('stack');
  const ns = uniqueNamespace('intake-reg');
  let intake: ServiceProcess;
  let producer: EventProducer;
  let agent: string;
  let manager: string;
  let platformToken: string;
  let dealerA: string;
  let dealerB: string;

  const site = { id: 'SITE-SH', name: 'Songjiang plant', address: '88 Rongle East Road', city: 'Shanghai', locationClass: 'provincial-capital', coordinates: { lat: 31.03, lon: 121.22 }, timeZone: 'Asia/Shanghai' };
  const warranty = (startOffset: number, endOffset: number) => ({ type: 'standard', start: iso(startOffset), end: iso(endOffset) });
  const registration = (serialNumber: string, symptom: string, overrides: Record<string, unknown> = {}) => ({
    customerId: 'CUST-E2E',
    contact: { name: 'Li Wei', phone: '+86 21 5555 0101' },
    channel: 'phone',
    serialNumber,
    symptom,
    neededBy: iso(2 * day),
    ...overrides,
  });

  async function post(path: string, token: string, body: unknown, status = 201) {
    const response = await api(intake, 'POST', path, { token, body });
    expect(response.status, `${path}: ${JSON.stringify(response.body)}`).toBe(status);
    return response.body;
  }

  async function publishAlarm(event: KnownEvent<'device.alarm-raised@1'>) {
    await producer.publish([{ topic: `${ns}.devices.alarms.v1`, event }]);
  }

  function alarm(deviceEventId: string, alarmCode: string) {
    return buildEvent(
      'device.alarm-raised@1',
      { deviceEventId, serialNumber: 'CUT-E2E-1', alarmCode, severity: 'critical', message: 'Laser source reports no output', raisedAt: iso(-60_000) },
      { id: randomUUID(), occurredAt: new Date(), source: 'device-gateway', subject: 'CUT-E2E-1', correlationId: deviceEventId, causationId: null },
    );
  }

  beforeAll(async () => {
    intake = await ServiceProcess.start('intake', ns, stack);
    [agent, manager, platformToken, dealerA, dealerB] = await Promise.all([tokenFor('agent'), tokenFor('manager'), tokenFor('platform'), dealerToken('DLR-A'), dealerToken('DLR-B')]);
    producer = await createEventProducer(createKafka({ brokers: stack.kafkaBrokers, clientId: ns, logger: testLogger() }));

    // The installed base, over HTTP as a back office would build it.
    await post('/v1/dealers', manager, { id: 'DLR-A', name: 'Dealer A', region: 'North' });
    await post('/v1/dealers', manager, { id: 'DLR-B', name: 'Dealer B', region: 'South' });
    await post('/v1/customers', agent, { id: 'CUST-E2E', name: 'Jiangnan Precision', class: 'key_account', sites: [site], contacts: [{ name: 'Li Wei', phone: '+86 21 5555 0101', siteId: 'SITE-SH' }] });
    await post('/v1/machines', agent, { serialNumber: 'CUT-E2E-1', customerId: 'CUST-E2E', siteId: 'SITE-SH', model: 'FL-3015', productLine: 'fiber-laser-cutting', installDate: iso(-200 * day), commissioningDate: iso(-190 * day), warranty: warranty(-190 * day, 175 * day) });
    await post('/v1/machines', agent, { serialNumber: 'SRC-E2E-1', customerId: 'CUST-E2E', parentSerial: 'CUT-E2E-1', model: 'LS-6000', productLine: 'laser-source' });
    await post('/v1/machines', agent, { serialNumber: 'CUT-E2E-2', customerId: 'CUST-E2E', siteId: 'SITE-SH', model: 'FL-3015', productLine: 'fiber-laser-cutting', warranty: warranty(-800 * day, -70 * day) });
    await post('/v1/machines', agent, { serialNumber: 'CUT-E2E-3', customerId: 'CUST-E2E', siteId: 'SITE-SH', model: 'FL-4020', productLine: 'fiber-laser-cutting' });
    await post('/v1/service-contracts', manager, {
      id: 'SC-E2E',
      customerId: 'CUST-E2E',
      name: 'Premium 24x7',
      type: 'premium',
      coveredSerials: ['CUT-E2E-3'],
      start: iso(-30 * day),
      end: iso(335 * day),
      responseMode: 'on-site',
      slaPolicyId: 'contract-premium',
      calendarId: '24x7',
      covers: { parts: true, labour: true, travel: true },
    });
    // A known fix arrives as quality would publish it.
    const article = buildEvent(
      'article.published@1',
      { articleId: 'KB-E2E', version: 1, title: 'No laser output after fibre bend', models: ['LS-6000'], symptom: 'laser source no output, alarm E-1023', cause: 'fibre bent', fix: 'replace the fibre', parts: ['P-FIBRE'], publishedAt: iso(-day) },
      { id: randomUUID(), occurredAt: new Date(), source: 'quality', subject: 'KB-E2E', correlationId: 'KB-E2E', causationId: null },
    );
    await producer.publish([{ topic: `${ns}.quality.articles.v1`, event: article }]);
    await eventually('the known fix in intake', async () => {
      const found = await api(intake, 'GET', '/v1/known-fixes?model=LS-6000&q=no%20output', { token: agent });
      return (found.body.items as unknown[] | undefined)?.length ? true : undefined;
    });
  });

  afterAll(async () => {
    const all = intake ? await api(intake, 'GET', '/v1/service-requests?limit=500', { token: agent }) : null;
    await intake?.stop();
    await producer?.disconnect();
    await terminateWorkflows(stack, ((all?.body.items as { id: string }[] | undefined) ?? []).map((r) => r.id));
    await dropNamespaceDatabases(stack.mongoUrl, ns);
    await deleteTopicsWithPrefix(stack.kafkaBrokers, `${ns}.`);
  });

  it('shows the customer, its site, machines with their tree and today\u2019s entitlement, and contracts in one read', async () => {
    const customer = await api(intake, 'GET', '/v1/customers/CUST-E2E', { token: agent });
    expect(customer.status).toBe(200);
    expect(customer.body).toMatchObject({ id: 'CUST-E2E', class: 'key_account', sites: [{ id: 'SITE-SH', locationClass: 'provincial-capital', timeZone: 'Asia/Shanghai' }] });
    const machines = customer.body.machines as { serialNumber: string; ancestors: string[]; entitlementNow: { source: { kind: string } } }[];
    expect(machines.map((m) => [m.serialNumber, m.entitlementNow.source.kind])).toEqual([
      ['CUT-E2E-1', 'warranty'],
      ['CUT-E2E-2', 'none'],
      ['CUT-E2E-3', 'contract'],
      ['SRC-E2E-1', 'warranty'],
    ]);
    expect(customer.body.contracts).toMatchObject([{ id: 'SC-E2E', coveredSerials: ['CUT-E2E-3'] }]);

    const cutter = await api(intake, 'GET', '/v1/machines/CUT-E2E-1', { token: agent });
    expect(cutter.body).toMatchObject({ serialNumber: 'CUT-E2E-1', ancestors: [], children: [{ serialNumber: 'SRC-E2E-1', siteId: 'SITE-SH', children: [] }], site: { id: 'SITE-SH' } });
    const source = await api(intake, 'GET', '/v1/machines/SRC-E2E-1', { token: agent });
    expect(source.body).toMatchObject({ ancestors: [{ serialNumber: 'CUT-E2E-1' }], entitlementNow: { source: { kind: 'warranty', fromSerial: 'CUT-E2E-1' } } });
    const history = await api(intake, 'GET', '/v1/machines/SRC-E2E-1/service-history', { token: agent });
    expect(history.body).toEqual({ serialNumber: 'SRC-E2E-1', items: [] });
  });

  it('sites added to one customer at once all stay; a site id it already has is refused with the field', async () => {
    await post('/v1/customers', agent, { id: 'CUST-SITES', name: 'Many plants', class: 'standard', sites: [{ ...site, id: 'PLANT-0' }] });
    const added = await Promise.all([1, 2, 3, 4, 5].map((n) => api(intake, 'POST', '/v1/customers/CUST-SITES/sites', { token: agent, body: { ...site, id: `PLANT-${n}`, name: `Plant ${n}` } })));
    expect(added.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    const customer = await api(intake, 'GET', '/v1/customers/CUST-SITES', { token: agent });
    expect((customer.body.sites as { id: string }[]).map((s) => s.id).sort()).toEqual(['PLANT-0', 'PLANT-1', 'PLANT-2', 'PLANT-3', 'PLANT-4', 'PLANT-5']);
    const again = await api(intake, 'POST', '/v1/customers/CUST-SITES/sites', { token: agent, body: { ...site, id: 'PLANT-3' } });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: { field: 'id' } });
  });

  it('registration answers the entitlement at once: contract, then the parent\u2019s warranty, then none with a quote', async () => {
    const byContract = await post('/v1/service-requests', agent, registration('CUT-E2E-3', 'Cutting head collision, Z axis stuck'));
    const byParent = await post('/v1/service-requests', agent, registration('SRC-E2E-1', 'Laser source gives no output, alarm E-1023'));
    const paid = await post('/v1/service-requests', agent, registration('CUT-E2E-2', 'Chain conveyor jammed'));
    expect(byContract).toMatchObject({
      status: 'registered',
      machineKnown: true,
      customer: { name: 'Jiangnan Precision', class: 'key_account' },
      siteId: 'SITE-SH',
      locationClass: 'provincial-capital',
      timeZone: 'Asia/Shanghai',
      entitlement: { source: { kind: 'contract', contractId: 'SC-E2E' }, slaPolicyId: 'contract-premium', calendarId: '24x7', quoteRequired: false },
      duplicateOf: null,
    });
    expect(byParent).toMatchObject({
      machine: { model: 'LS-6000', parentSerial: 'CUT-E2E-1', ancestors: ['CUT-E2E-1'] },
      entitlement: { source: { kind: 'warranty', warrantyType: 'standard', fromSerial: 'CUT-E2E-1' }, warranty: { inherited: true }, quoteRequired: false },
      knownFixes: [{ articleId: 'KB-E2E', version: 1 }],
    });
    expect(paid).toMatchObject({ entitlement: { source: { kind: 'none' }, quoteRequired: true, reason: expect.stringMatching(/warranty of CUT-E2E-2 ended/) } });

    // Stored as answered: the snapshot is on the record.
    const stored = await api(intake, 'GET', `/v1/service-requests/${byParent.id as string}`, { token: agent });
    expect(stored.body.entitlement).toEqual(byParent.entitlement);
  });

  it('a second similar call on the same machine names the open request as duplicateOf, with the score', async () => {
    const second = await post('/v1/service-requests', agent, registration('SRC-E2E-1', 'no output from the laser source', { channel: 'email' }));
    const first = await api(intake, 'GET', '/v1/service-requests?serial=SRC-E2E-1', { token: agent });
    const original = (first.body.items as { id: string; channel: string }[]).find((r) => r.channel === 'phone')!;
    expect(second.duplicateOf).toBe(original.id);
    expect(second.duplicateMatch).toMatchObject({ measure: 'overlap', score: expect.any(Number), sharedWords: expect.arrayContaining(['laser', 'output', 'sourc']) });
    expect((second.duplicateMatch as { score: number }).score).toBeGreaterThanOrEqual(0.6);

    // What the agent sees while typing the serial: its open requests, read by key, the same as the filter's open ones.
    const openOnly = await api(intake, 'GET', '/v1/service-requests?serial=SRC-E2E-1&open=true', { token: agent });
    const ids = (items: unknown) => (items as { id: string }[]).map((r) => r.id).sort();
    expect(ids(openOnly.body.items)).toEqual(ids((first.body.items as { id: string; status: string }[]).filter((r) => !['closed', 'followed-up', 'cancelled', 'screened-invalid'].includes(r.status))));
    expect(ids(openOnly.body.items)).toEqual(expect.arrayContaining([original.id, second.id as string]));
    // Without a serial, open=true narrows the filter: open ones only.
    const openAnywhere = await api(intake, 'GET', '/v1/service-requests?open=true&customerId=CUST-E2E', { token: agent });
    expect(openAnywhere.status).toBe(200);
    expect((openAnywhere.body.items as { status: string }[]).filter((r) => ['closed', 'followed-up', 'cancelled', 'screened-invalid'].includes(r.status))).toEqual([]);
    expect(ids(openAnywhere.body.items)).toEqual(expect.arrayContaining([original.id, second.id as string]));
  });

  it('dealers register their own end users and machines, and see nothing of another dealer\u2019s', async () => {
    const customer = await post('/v1/customers', dealerA, { id: 'CUST-DA', name: 'End user of A', class: 'indirect', dealerId: 'DLR-A', sites: [{ ...site, id: 'SITE-DA', locationClass: 'elsewhere' }] });
    expect(customer).toMatchObject({ dealerId: 'DLR-A' });
    const machine = await post('/v1/machines', dealerA, { serialNumber: 'PB-DA-1', customerId: 'CUST-DA', siteId: 'SITE-DA', model: 'PB-1303', productLine: 'press-brake', warranty: warranty(-day, 300 * day) });
    expect(machine).toMatchObject({ supplierOrDealer: 'DLR-A' });
    expect((await api(intake, 'GET', '/v1/customers/CUST-DA', { token: dealerA })).status).toBe(200);

    // Dealer B: reads hide (404), writes naming A's customer are refused (403 naming the field).
    expect((await api(intake, 'GET', '/v1/customers/CUST-DA', { token: dealerB })).body.error).toMatchObject({ code: 'not_found', field: 'id' });
    expect((await api(intake, 'GET', '/v1/customers/CUST-E2E', { token: dealerB })).status).toBe(404);
    expect((await api(intake, 'GET', '/v1/machines/PB-DA-1', { token: dealerB })).status).toBe(404);
    expect((await api(intake, 'GET', '/v1/entitlements?serial=PB-DA-1', { token: dealerB })).status).toBe(404);
    const listB = await api(intake, 'GET', '/v1/customers', { token: dealerB });
    expect(listB.body.items).toEqual([]);
    expect(((await api(intake, 'GET', '/v1/customers', { token: dealerA })).body.items as { id: string }[]).map((c) => c.id)).toEqual(['CUST-DA']);
    const foreignMachine = await api(intake, 'POST', '/v1/machines', { token: dealerB, body: { serialNumber: 'PB-DB-1', customerId: 'CUST-DA', model: 'PB', productLine: 'press-brake' } });
    expect(foreignMachine.status).toBe(403);
    expect(foreignMachine.body.error).toMatchObject({ code: 'forbidden', field: 'customerId' });
    const foreignRequest = await api(intake, 'POST', '/v1/service-requests', { token: dealerB, body: registration('PB-DA-1', 'Ram does not return', { customerId: 'CUST-DA', channel: 'dealer' }) });
    expect(foreignRequest.status).toBe(403);
    expect(foreignRequest.body.error?.field).toBe('customerId');
    const posing = await api(intake, 'POST', '/v1/customers', { token: dealerB, body: { name: 'Not mine', class: 'indirect', dealerId: 'DLR-A' } });
    expect(posing.body.error).toMatchObject({ code: 'forbidden', field: 'dealerId' });

    // Dealer A registers a request for its own customer and reads it; B cannot.
    const own = await post('/v1/service-requests', dealerA, registration('PB-DA-1', 'Ram does not return', { customerId: 'CUST-DA', channel: 'dealer' }));
    expect(own).toMatchObject({ locationClass: 'elsewhere', entitlement: { source: { kind: 'warranty' } } });
    expect((await api(intake, 'GET', `/v1/service-requests/${own.id as string}`, { token: dealerA })).status).toBe(200);
    expect((await api(intake, 'GET', `/v1/service-requests/${own.id as string}`, { token: dealerB })).status).toBe(404);
    expect((await api(intake, 'GET', '/v1/service-requests?serial=PB-DA-1', { token: dealerB })).body.items).toEqual([]);
    expect((await api(intake, 'GET', '/v1/service-requests?serial=PB-DA-1&open=true', { token: dealerB })).body.items).toEqual([]);
    expect(((await api(intake, 'GET', '/v1/service-requests?serial=PB-DA-1&open=true', { token: dealerA })).body.items as { id: string }[]).map((r) => r.id)).toEqual([own.id]);

    // Dealer A reports a part replacement once, however often it sends the report; B cannot.
    const report = { reportId: 'RPT-1', at: iso(-3_600_000), summary: 'Replaced the hydraulic valve', parts: [{ partNumber: 'P-VALVE-3', quantity: 1 }] };
    expect((await api(intake, 'POST', '/v1/machines/PB-DA-1/part-replacements', { token: dealerA, body: report })).status).toBe(201);
    expect((await api(intake, 'POST', '/v1/machines/PB-DA-1/part-replacements', { token: dealerA, body: report })).status).toBe(200);
    expect((await api(intake, 'POST', '/v1/machines/PB-DA-1/part-replacements', { token: dealerB, body: report })).status).toBe(404);
    const history = await api(intake, 'GET', '/v1/machines/PB-DA-1/service-history', { token: dealerA });
    expect(history.body.items).toMatchObject([{ kind: 'part-replacement', summary: 'Replaced the hydraulic valve', source: { reportedBy: 'dealer:DLR-A' } }]);
  });

  it('an alarm published twice on Kafka opens exactly one request; a repeat of its code joins it', async () => {
    const event = alarm(`${ns}-alarm-1`, 'E-1023');
    await publishAlarm(event);
    await publishAlarm(event);
    await publishAlarm(alarm(`${ns}-alarm-2`, 'E-1023')); // the same fault raised again: linked, not opened
    await publishAlarm(alarm(`${ns}-marker`, 'M-0')); // same machine, same partition, handled after the three above

    const requests = await eventually('the marker alarm\u2019s request', async () => {
      const list = await api(intake, 'GET', '/v1/service-requests?serial=CUT-E2E-1', { token: agent });
      const items = list.body.items as { id: string; channel: string; alarm?: { alarmCode: string } }[];
      return items.some((r) => r.alarm?.alarmCode === 'M-0') ? items : undefined;
    });
    const opened = requests.filter((r) => r.channel === 'alarm' && r.alarm?.alarmCode === 'E-1023');
    expect(opened).toHaveLength(1);
    const read = await api(intake, 'GET', `/v1/service-requests/${opened[0]!.id}`, { token: agent });
    expect(read.body).toMatchObject({ channel: 'alarm', customerId: 'CUST-E2E', contact: { name: 'Li Wei' }, entitlement: { source: { kind: 'warranty' } }, siteId: 'SITE-SH' });
    expect((read.body.alarms as { deviceEventId: string; outcome: string }[]).map((a) => [a.deviceEventId, a.outcome])).toEqual([
      [`${ns}-alarm-1`, 'opened'],
      [`${ns}-alarm-2`, 'linked'],
    ]);

    // The same channel over HTTP: opened once, then answered as a replay.
    const body = { deviceEventId: `${ns}-http-1`, serialNumber: 'CUT-E2E-2', alarmCode: 'H-1', severity: 'minor', message: 'Door interlock open', raisedAt: iso(-60_000) };
    const first = await api(intake, 'POST', '/v1/device-alarms', { token: platformToken, body });
    const again = await api(intake, 'POST', '/v1/device-alarms', { token: platformToken, body });
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body).toMatchObject({ outcome: 'opened', replayed: true, serviceRequestId: first.body.serviceRequestId });
    expect((await api(intake, 'POST', '/v1/device-alarms', { token: agent, body })).status).toBe(403);
    // The same event id for another machine or code is another alarm under a reused id, not a replay.
    const otherMachine = await api(intake, 'POST', '/v1/device-alarms', { token: platformToken, body: { ...body, serialNumber: 'CUT-E2E-1' } });
    expect([otherMachine.status, otherMachine.body.error?.field]).toEqual([409, 'deviceEventId']);
    const otherCode = await api(intake, 'POST', '/v1/device-alarms', { token: platformToken, body: { ...body, alarmCode: 'H-2' } });
    expect([otherCode.status, otherCode.body.error?.field]).toEqual([409, 'deviceEventId']);
  });

  it('a step on a cancelled request is refused for good, naming the status; on a request that does not exist it is 404', async () => {
    const created = await post('/v1/service-requests', agent, registration('CUT-E2E-2', 'Cancelled before anyone came'));
    const id = created.id as string;
    // The workflow starts from the registered event: until then the step asks to try again.
    await eventually('the cancellation', async () => {
      const r = await api(intake, 'POST', `/v1/service-requests/${id}/cancellation`, { token: agent, body: { reason: 'customer fixed it' } });
      return r.status === 200 ? true : undefined;
    });
    const refused = await eventually('the record cancelled', async () => {
      const r = await api(intake, 'POST', `/v1/service-requests/${id}/first-response`, { token: agent, body: {} });
      return r.body.error?.field === 'status' ? r : undefined;
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error?.message).toMatch(/cancelled/);
    expect(refused.body.error?.message).not.toMatch(/try again/);
    const missing = await api(intake, 'POST', '/v1/service-requests/SR-00000000-NOPE/first-response', { token: agent, body: {} });
    expect([missing.status, missing.body.error?.field]).toEqual([404, 'id']);
  });

  it.each([
    { method: 'POST', path: '/v1/machines', body: { serialNumber: 'BAD-1', customerId: 'CUST-E2E', model: 'M', productLine: 'p', installDate: '2026-02-01', commissioningDate: '2026-01-01' }, status: 400, field: 'commissioningDate' },
    { method: 'POST', path: '/v1/machines', body: { serialNumber: 'BAD-1', customerId: 'CUST-E2E', model: 'M', productLine: 'p', status: 'exploded' }, status: 400, field: 'status' },
    { method: 'POST', path: '/v1/machines', body: { serialNumber: 'BAD-1', customerId: 'CUST-NOPE', model: 'M', productLine: 'p' }, status: 422, field: 'customerId' },
    { method: 'POST', path: '/v1/machines', body: { serialNumber: 'BAD-1', customerId: 'CUST-E2E', model: 'M', productLine: 'p', parentSerial: 'PB-DA-1' }, status: 422, field: 'parentSerial' },
    { method: 'POST', path: '/v1/machines', body: { serialNumber: 'BAD-1', customerId: 'CUST-E2E', model: 'M', productLine: 'p', siteId: 'SITE-NOPE' }, status: 422, field: 'siteId' },
    { method: 'POST', path: '/v1/machines', body: { serialNumber: 'CUT-E2E-1', customerId: 'CUST-E2E', model: 'M', productLine: 'p' }, status: 409, field: 'serialNumber' },
    { method: 'POST', path: '/v1/customers', body: { name: 'X', class: 'indirect' }, status: 400, field: 'dealerId' },
    { method: 'POST', path: '/v1/customers', body: { name: 'X', class: 'standard', sites: [{ ...site, timeZone: 'Shanghai' }] }, status: 400, field: 'sites.0.timeZone' },
    { method: 'POST', path: '/v1/customers', body: { id: 'CUST-E2E', name: 'X', class: 'standard' }, status: 409, field: 'id' },
    { method: 'POST', path: '/v1/service-contracts', body: { customerId: 'CUST-E2E', name: 'X', type: 'basic', coveredSerials: 'all', start: '2026-01-01', end: '2025-01-01', responseMode: 'nbd', slaPolicyId: 'paid-standard', calendarId: 'business-hours', covers: { parts: true, labour: true, travel: true } }, status: 400, field: 'end' },
    { method: 'POST', path: '/v1/contracts', body: { customerId: 'CUST-E2E', name: 'X', type: 'basic', coveredSerials: ['PB-DA-1'], start: '2026-01-01', end: '2027-01-01', responseMode: 'nbd', slaPolicyId: 'paid-standard', calendarId: 'business-hours', covers: { parts: true, labour: true, travel: true } }, status: 422, field: 'coveredSerials.0' },
    { method: 'POST', path: '/v1/service-requests', body: registration('NOPE-1', 'no output'), status: 422, field: 'serialNumber' },
    { method: 'POST', path: '/v1/service-requests', body: registration('NOPE-1', 'no output', { channel: 'dealer', acceptUnknownSerial: true }), status: 422, field: 'acceptUnknownSerial' },
    { method: 'POST', path: '/v1/service-requests', body: registration('PB-DA-1', 'no output'), status: 422, field: 'serialNumber' },
    { method: 'POST', path: '/v1/device-alarms', body: { deviceEventId: 'x', serialNumber: 'CUT-E2E-1', alarmCode: 'E', severity: 'apocalyptic', message: 'm', raisedAt: iso(0) }, status: 400, field: 'severity' },
    { method: 'POST', path: '/v1/device-alarms', body: { deviceEventId: 'x', serialNumber: 'NOPE-1', alarmCode: 'E', severity: 'minor', message: 'm', raisedAt: iso(0) }, status: 422, field: 'serialNumber' },
    { method: 'GET', path: '/v1/entitlements', body: undefined, status: 400, field: 'serial' },
    { method: 'GET', path: '/v1/known-fixes', body: undefined, status: 400, field: 'q' },
    { method: 'POST', path: '/v1/customers', body: { name: 'x'.repeat(200_000), class: 'standard' }, status: 413, field: 'body' },
    // What the fuzzer found: one identifier rule at registration, in the installed base and in paths.
    { method: 'POST', path: '/v1/service-requests', body: registration('SN 0001', 'no output'), status: 400, field: 'serialNumber' },
    { method: 'POST', path: '/v1/service-requests', body: registration('SN-\u0000', 'no output', { acceptUnknownSerial: true }), status: 400, field: 'serialNumber' },
    { method: 'POST', path: '/v1/service-requests', body: registration('CUT-E2E-1', 'no output', { customerId: 'CUST-\u{1F600}' }), status: 400, field: 'customerId' },
    { method: 'POST', path: '/v1/machines', body: { serialNumber: 'BAD-\u0007', customerId: 'CUST-E2E', model: 'M', productLine: 'p' }, status: 400, field: 'serialNumber' },
    { method: 'POST', path: '/v1/machines', body: { serialNumber: 'BAD-2', customerId: 'CUST-E2E', model: 'M\u{1F600}', productLine: 'p' }, status: 400, field: 'model' },
    { method: 'GET', path: '/v1/machines/SN%200001', body: undefined, status: 400, field: 'serial' },
    { method: 'GET', path: '/v1/service-requests/SR%01', body: undefined, status: 400, field: 'id' },
    { method: 'POST', path: '/v1/service-requests/SR%F0%9F%98%80/first-response', body: {}, status: 400, field: 'id' },
    { method: 'POST', path: '/v1/device-alarms', body: { deviceEventId: 'x y', serialNumber: 'CUT-E2E-1', alarmCode: 'E', severity: 'minor', message: 'm', raisedAt: iso(0) }, status: 400, field: 'deviceEventId' },
    { method: 'DELETE', path: '/v1/machines/CUT-E2E-1', body: undefined, status: 405, field: 'method' },
  ] as { method: string; path: string; body: unknown; status: number; field: string }[])('$method $path: $status naming $field', async ({ method, path, body, status, field }) => {
    const token = path.includes('contracts') ? manager : path.includes('device-alarms') ? platformToken : agent;
    const response = await api(intake, method, path, { token, ...(body === undefined ? {} : { body }) });
    expect(response.status, JSON.stringify(response.body)).toBe(status);
    expect(response.body.error?.field).toBe(field);
    if (status === 405) expect(response.headers.get('allow')).toBe('GET, HEAD');
  });

  it('a caller confirming an unknown serial is not turned away: registered, flagged, paid until the machine is known', async () => {
    const created = await post('/v1/service-requests', agent, registration('PLATE-UNREADABLE-7', 'Machine stopped, operator cannot read the serial well', { acceptUnknownSerial: true }));
    expect(created).toMatchObject({ machineKnown: false, machine: null, flags: ['machine-unknown'], entitlement: { source: { kind: 'none' }, quoteRequired: true }, siteId: 'SITE-SH' });
  });

  it('documents the new operations in its OpenAPI document', async () => {
    const openapi = await api(intake, 'GET', '/openapi.json');
    const paths = Object.keys(openapi.body.paths as Record<string, unknown>);
    for (const path of ['/v1/customers', '/v1/customers/{id}', '/v1/machines', '/v1/machines/{serial}', '/v1/machines/{serial}/service-history', '/v1/service-contracts', '/v1/contracts', '/v1/entitlements', '/v1/known-fixes', '/v1/device-alarms', '/v1/dealers']) {
      expect(paths).toContain(path);
    }
  });
});
