import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dayEndIn, dayStartIn } from '@aftersales/sla';
import { api, ServiceProcess, tokenFor } from './support/services';
import { uniqueNamespace } from './support/wait';

const day = 86_400_000;
const zone = 'Asia/Shanghai';
/** The calendar day in Shanghai `offsetDays` from now (the server's clock is this machine's). */
const shanghaiDay = (offsetDays: number) => new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(Date.now() + offsetDays * day));

/**
 * A service contract's life through intake's API: signed with days read in the customer's site's
 * zone (the last day covered in full), amended from an instant (a request registered before keeps
 * version 1, one after gets version 2), suspended and resumed, renewed, terminated; each refusal
 * names its field.
 */
describe('a service contract that changes', () => {
  const stack = inject('stack');
  const ns = uniqueNamespace('contract-life');
  let intake: ServiceProcess;
  let manager: string;
  let agent: string;
  const contract = (action = '') => `/v1/service-contracts/SC-LIFE${action}`;

  async function register(symptom: string) {
    const body = { customerId: 'CUST-LIFE', contact: { name: 'Li Wei', phone: '+86 21 5555 0101' }, channel: 'phone', serialNumber: 'CUT-LIFE-1', symptom, neededBy: new Date(Date.now() + 2 * day).toISOString() };
    const created = await api(intake, 'POST', '/v1/service-requests', { token: agent, body });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body as { id: string; entitlement: { source: { kind: string }; responseMode: string; quoteRequired: boolean; reason: string; contract: { id: string; version: number } | null } };
  }
  type ContractAnswer = { end: string; inForce: { status: string }; error: { field: string } };
  async function change(action: string, body: unknown, status = 200): Promise<ContractAnswer> {
    const answer = await api(intake, 'POST', contract(`/${action}`), { token: manager, body });
    expect(answer.status, JSON.stringify(answer.body)).toBe(status);
    return answer.body as unknown as ContractAnswer;
  }
  const readContract = async () => (await api(intake, 'GET', contract(), { token: agent })).body as unknown as ContractAnswer;

  beforeAll(async () => {
    intake = await ServiceProcess.start('intake', ns, stack);
    [manager, agent] = await Promise.all([tokenFor('manager'), tokenFor('agent')]);
    const site = { id: 'SITE-SH', name: 'Songjiang plant', address: '88 Rongle East Road', city: 'Shanghai', locationClass: 'provincial-capital', coordinates: { lat: 31.03, lon: 121.22 }, timeZone: zone };
    expect((await api(intake, 'POST', '/v1/customers', { token: agent, body: { id: 'CUST-LIFE', name: 'Jiangnan Precision', class: 'key_account', sites: [site] } })).status).toBe(201);
    expect((await api(intake, 'POST', '/v1/machines', { token: agent, body: { serialNumber: 'CUT-LIFE-1', customerId: 'CUST-LIFE', siteId: 'SITE-SH', model: 'FL-3015', productLine: 'fiber-laser-cutting' } })).status).toBe(201);
  });
  afterAll(async () => {
    await intake?.stop();
  });

  it('reads a date-only start and end as whole days of the site, the last one included', async () => {
    const [first, last] = [shanghaiDay(-10), shanghaiDay(30)];
    const created = await api(intake, 'POST', '/v1/service-contracts', {
      token: manager,
      body: { id: 'SC-LIFE', customerId: 'CUST-LIFE', name: 'Full service', type: 'premium', coveredSerials: 'all', start: first, end: last, responseMode: 'on-site', slaPolicyId: 'contract-premium', calendarId: '24x7', covers: { parts: true, labour: true, travel: true } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ timeZone: zone, start: dayStartIn(first, zone)!.toISOString(), end: dayEndIn(last, zone)!.toISOString(), inForce: { version: 1, status: 'active' } });
    const request = await register('Burr on the cut edge');
    expect(request.entitlement.contract).toMatchObject({ id: 'SC-LIFE', version: 1 });
    expect(request.entitlement.reason).toContain(`from ${first} to ${last}`);
  });

  it("refuses covered serials that are unknown or another customer's, naming the item", async () => {
    const body = (coveredSerials: string[]) => ({ customerId: 'CUST-LIFE', name: 'Listed machines', type: 'basic', coveredSerials, start: shanghaiDay(0), end: shanghaiDay(30), responseMode: 'nbd', slaPolicyId: 'contract-premium', calendarId: '24x7', covers: { parts: true, labour: true, travel: true } });
    const unknown = await api(intake, 'POST', '/v1/service-contracts', { token: manager, body: body(['CUT-LIFE-1', 'CUT-NOWHERE']) });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error).toMatchObject({ field: 'coveredSerials.1' });
    expect((await api(intake, 'POST', '/v1/customers', { token: agent, body: { id: 'CUST-OTHER', name: 'Another plant', class: 'standard', sites: [] } })).status).toBe(201);
    expect((await api(intake, 'POST', '/v1/machines', { token: agent, body: { serialNumber: 'CUT-OTHER-1', customerId: 'CUST-OTHER', model: 'FL-3015', productLine: 'fiber-laser-cutting' } })).status).toBe(201);
    const theirs = await api(intake, 'POST', '/v1/service-contracts', { token: manager, body: body(['CUT-OTHER-1']) });
    expect(theirs.status).toBe(422);
    expect(theirs.body.error).toMatchObject({ field: 'coveredSerials.0' });
    expect(String((theirs.body.error as { message: string }).message)).toContain('belongs to another customer');
  });

  it('amends from an instant: a request before keeps version 1, a request after is served under version 2', async () => {
    const before = await register('Chiller alarm before the amendment');
    const amended = await change('amendments', { effectiveFrom: new Date().toISOString(), changes: { responseMode: 'nbd', covers: { parts: true, labour: true, travel: false } }, reason: 'travel billed from now on, agreed with the customer' });
    expect(amended).toMatchObject({ version: 2, inForce: { version: 2, terms: { responseMode: 'nbd' } }, history: [{ version: 2, kind: 'amended', reason: 'travel billed from now on, agreed with the customer' }] });
    const after = await register('Chiller alarm after the amendment');
    expect(after.entitlement).toMatchObject({ responseMode: 'nbd', quoteRequired: true, contract: { id: 'SC-LIFE', version: 2 } });
    expect(after.entitlement.reason).toContain('(version 2)');
    const kept = await api(intake, 'GET', `/v1/service-requests/${before.id}`, { token: agent });
    expect(kept.body.entitlement).toMatchObject({ responseMode: 'on-site', contract: { version: 1 } });
  });

  it('suspends cover until resumed, one suspension at a time', async () => {
    await change('suspensions', { from: new Date().toISOString(), reason: 'invoices unpaid for 90 days' });
    expect((await readContract()).inForce.status).toBe('suspended');
    expect((await register('Door interlock while suspended')).entitlement.source.kind).not.toBe('contract');
    const again = await change('suspensions', { from: new Date().toISOString(), reason: 'twice' }, 409);
    expect(again.error.field).toBe('from');
    await change('resumptions', { at: new Date().toISOString(), reason: 'paid' });
    expect((await register('Door interlock after resuming')).entitlement.contract).toMatchObject({ id: 'SC-LIFE', version: 2 });
  });

  it('renews to a later last day, and refuses an earlier one naming end', async () => {
    const renewed = await change('renewals', { end: shanghaiDay(400), reason: 'renewed for a year' });
    expect(renewed.end).toBe(dayEndIn(shanghaiDay(400), zone)!.toISOString());
    expect((await change('renewals', { end: shanghaiDay(100), reason: 'shorter' }, 422)).error.field).toBe('end');
  });

  it('terminates: no cover from the effective instant, and no change after', async () => {
    await change('terminations', { effective: new Date().toISOString(), reason: 'customer sold the plant' });
    expect((await readContract()).inForce.status).toBe('terminated');
    expect((await register('Axis drift after termination')).entitlement.source.kind).not.toBe('contract');
    expect((await change('amendments', { effectiveFrom: new Date().toISOString(), changes: { name: 'x' }, reason: 'too late' }, 409)).error.field).toBe('status');
  });

  it.each([
    { action: 'amendments', body: { effectiveFrom: '2027-01-01', changes: { colour: 'red' }, reason: 'x' }, status: 400, field: 'changes.colour', token: 'manager' },
    { action: 'amendments', body: { effectiveFrom: '2027-01-01', changes: { name: 'x' } }, status: 400, field: 'reason', token: 'manager' },
    { action: 'suspensions', body: { from: 'tomorrow', reason: 'x' }, status: 400, field: 'from', token: 'manager' },
    { action: 'terminations', body: { effective: '2027-01-01', reason: 'x' }, status: 403, field: 'authorization', token: 'agent' },
  ])('$action: $status naming $field', async ({ action, body, status, field, token }) => {
    const answer = await api(intake, 'POST', contract(`/${action}`), { token: token === 'agent' ? agent : manager, body });
    expect(answer.status, JSON.stringify(answer.body)).toBe(status);
    expect((answer.body as unknown as ContractAnswer).error.field).toBe(field);
  });

  it('answers 404 naming id for a contract that does not exist', async () => {
    const answer = await api(intake, 'POST', '/v1/service-contracts/SC-NONE/suspensions', { token: manager, body: { from: new Date().toISOString(), reason: 'x' } });
    expect([answer.status, (answer.body as unknown as ContractAnswer).error.field]).toEqual([404, 'id']);
  });
});
