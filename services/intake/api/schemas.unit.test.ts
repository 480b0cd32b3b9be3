import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { contractBody } from './contracts';
import { timeZone } from '@aftersales/platform';
import { customerBody } from './customers';
import { machineBody } from './machines';

/** The field a 4xx would name: the first issue's path, as the platform's validator reports it. */
function fieldOf(schema: z.ZodType, value: unknown): string | null {
  const result = schema.safeParse(value);
  if (result.success) return null;
  const issue = result.error.issues[0]!;
  return [...issue.path.map(String), ...(issue.code === 'unrecognized_keys' ? issue.keys.slice(0, 1) : [])].join('.');
}

const site = { name: 'Plant', address: '1 Road', city: 'Shanghai', locationClass: 'provincial-capital', timeZone: 'Asia/Shanghai' };
const customer = { name: 'Acme', class: 'standard', sites: [{ id: 'S-1', ...site }], contacts: [{ name: 'Ada', phone: '123', siteId: 'S-1' }] };
const machine = { serialNumber: 'M-1', customerId: 'C-1', model: 'FL', productLine: 'laser' };
const contract = {
  customerId: 'C-1',
  name: 'Full',
  type: 'premium',
  coveredSerials: ['M-1'],
  start: '2026-01-01',
  end: '2027-01-01',
  responseMode: 'on-site',
  slaPolicyId: 'contract-premium',
  calendarId: '24x7',
  covers: { parts: true, labour: true, travel: false },
};

describe('customer body', () => {
  it('accepts a customer with sites and contacts', () => {
    expect(fieldOf(customerBody, customer)).toBeNull();
  });
  it.each([
    [{ class: 'gold' }, 'class'],
    [{ class: 'indirect' }, 'dealerId'],
    [{ dealerId: 'DLR-1' }, 'dealerId'],
    [{ sites: [{ ...site, locationClass: 'village' }] }, 'sites.0.locationClass'],
    [{ sites: [{ ...site, timeZone: 'Mars/Olympus' }] }, 'sites.0.timeZone'],
    [{ sites: [{ ...site, id: 'S-1' }, { ...site, id: 'S-1' }] }, 'sites.1.id'],
    [{ contacts: [{ name: 'Ada', email: 'no' }] }, 'contacts.0.email'],
    [{ contacts: [{ name: 'Ada', siteId: 'S-9' }] }, 'contacts.0.siteId'],
    [{ vip: true }, 'vip'],
  ])('names the field of %j', (override, field) => {
    expect(fieldOf(customerBody, { ...customer, ...override })).toBe(field);
  });
  it('knows IANA zones by their current names', () => {
    for (const zone of ['Asia/Shanghai', 'UTC', 'Europe/Berlin', 'Asia/Kolkata', 'Europe/Kyiv']) expect(timeZone.safeParse(zone).success).toBe(true);
    for (const zone of ['Shanghai', ' Asia/Shanghai', 'Mars/Olympus', 'utc']) expect(timeZone.safeParse(zone).success).toBe(false);
  });
});

describe('machine body', () => {
  it('accepts a minimal machine and fills the status', () => {
    expect(machineBody.parse(machine).status).toBe('active');
  });
  it.each([
    [{ status: 'broken' }, 'status'],
    [{ installDate: '2026-02-01', commissioningDate: '2026-01-01' }, 'commissioningDate'],
    [{ warranty: { type: 'standard', start: '2026-01-01', end: '2025-01-01' } }, 'warranty.end'],
    [{ warranty: { type: 'standard', end: 'soon' } }, 'warranty.end'],
    [{ parentSerial: 'M-1' }, 'parentSerial'],
    [{ serialNumber: 'has space' }, 'serialNumber'],
  ])('names the field of %j', (override, field) => {
    expect(fieldOf(machineBody, { ...machine, ...override })).toBe(field);
  });
});

describe('contract body', () => {
  it('accepts a list of machines or all of them', () => {
    expect(fieldOf(contractBody, contract)).toBeNull();
    expect(fieldOf(contractBody, { ...contract, coveredSerials: 'all' })).toBeNull();
  });
  it.each([
    [{ end: '2025-01-01' }, 'end'],
    [{ responseMode: 'carrier-pigeon' }, 'responseMode'],
    [{ coveredSerials: ['M-1', 'M-1'] }, 'coveredSerials.1'],
    [{ coveredSerials: [] }, 'coveredSerials'],
    [{ covers: { parts: true } }, 'covers.labour'],
    [{ type: 'gold' }, 'type'],
  ])('names the field of %j', (override, field) => {
    expect(fieldOf(contractBody, { ...contract, ...override })).toBe(field);
  });
});
