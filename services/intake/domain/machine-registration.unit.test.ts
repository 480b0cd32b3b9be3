import { validateEvent } from '@aftersales/contracts';
import { describe, expect, it } from 'vitest';
import type { MachineDoc } from '../store/installed-base-models';
import { machineRegisteredEvent } from './machine-registration';

const now = new Date();
const installed = new Date(now.getTime() - 30 * 86_400_000);
const machine: MachineDoc = { _id: 'SN-9', customerId: 'C-1', siteId: 'C-1-S1', model: 'FL-3015', productLine: 'laser-cutting', status: 'active', installDate: installed, parentSerial: null, supplierOrDealer: 'factory', createdAt: now };

describe('machineRegisteredEvent', () => {
  it('announces the machine keyed by its serial, with the dealer serving the customer', () => {
    const event = machineRegisteredEvent(machine, { dealerId: 'DLR-1' }, { eventId: 'evt-1', now, correlationId: 'corr-1' });
    expect(event).toMatchObject({ type: 'machine.registered', version: 1, subject: 'SN-9', correlationId: 'corr-1', occurredAt: now.toISOString() });
    expect(event.data).toEqual({ serialNumber: 'SN-9', customerId: 'C-1', siteId: 'C-1-S1', model: 'FL-3015', productLine: 'laser-cutting', installedAt: installed.toISOString(), registeredAt: now.toISOString(), dealerId: 'DLR-1' });
    expect(validateEvent(JSON.parse(JSON.stringify(event)))).toMatchObject({ ok: true });
  });

  it('carries null for what the record does not know', () => {
    const { siteId: _s, installDate: _i, ...bare } = machine;
    const event = machineRegisteredEvent(bare, { dealerId: null }, { eventId: 'evt-2', now, correlationId: 'corr-2' });
    expect(event.data).toMatchObject({ siteId: null, installedAt: null, dealerId: null });
  });
});
