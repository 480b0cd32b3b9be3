import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { CustomerDoc, MachineDoc } from '../store/models';
import { customerView, machineView } from './responses';
import { presentCustomer, presentMachine } from './views';

/** What a client receives: the presented view after JSON (dates become ISO strings). */
const overTheWire = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

const customer: CustomerDoc = {
  _id: 'CUST-1',
  name: 'Acme',
  class: 'key_account',
  dealerId: null,
  contacts: [{ name: 'Ada', phone: '+86 21 5555 0101', siteId: 'CUST-1-S1' }],
  sites: [{ id: 'CUST-1-S1', name: 'Plant', address: '1 Road', city: 'Shanghai', locationClass: 'provincial-capital', coordinates: null, timeZone: 'Asia/Shanghai' }],
  createdAt: new Date(Date.now() - 86_400_000),
  createdBy: 'someone',
};

const machine: MachineDoc = {
  _id: 'SN-1',
  customerId: 'CUST-1',
  siteId: 'CUST-1-S1',
  model: 'FL-3015',
  productLine: 'fiber-laser-cutting',
  status: 'active',
  installDate: new Date(Date.now() - 400 * 86_400_000),
  commissioningDate: null,
  warranty: { type: 'standard', start: null, end: new Date(Date.now() + 300 * 86_400_000) },
  supplierOrDealer: null,
  parentSerial: null,
};

describe('intake response schemas against the presenters', () => {
  it('accept a customer and a machine as presented, old records without the later fields included', () => {
    expect(customerView.safeParse(overTheWire(presentCustomer(customer))).error).toBeUndefined();
    const { contacts: _c, sites: _s, createdAt: _a, ...older } = customer;
    expect(customerView.safeParse(overTheWire(presentCustomer(older as CustomerDoc))).error).toBeUndefined();
    expect(machineView.safeParse(overTheWire(presentMachine(machine))).error).toBeUndefined();
    // The first demo data set stored only an end date: read as a standard warranty.
    const { warranty: _w, ...endOnly } = machine;
    expect(machineView.safeParse(overTheWire(presentMachine({ ...endOnly, warrantyEnd: new Date(Date.now() + 86_400_000) }))).error).toBeUndefined();
  });

  it('refuse a field the presenter does not send, a value outside an enum, and a missing null', () => {
    // zod strips an unknown key when parsing; the document (io: output) closes the object for the fuzzer.
    expect(z.toJSONSchema(customerView, { io: 'output' })).toMatchObject({ additionalProperties: false });
    expect(machineView.safeParse({ ...(overTheWire(presentMachine(machine)) as object), status: 'scrapped' }).success).toBe(false);
    const { dealerId: _d, ...withoutDealer } = overTheWire(presentCustomer(customer)) as Record<string, unknown>;
    expect(customerView.safeParse(withoutDealer).success).toBe(false);
  });
});
