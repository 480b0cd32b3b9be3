import { describe, expect, it } from 'vitest';
import { checkActsFor } from './work-orders';

describe('checkActsFor', () => {
  const workOrder = { _id: 'WO-1', engineerId: 'ENG-SH-01' };
  it('lets an engineer act on their own work order only, naming engineerId otherwise', () => {
    expect(() => checkActsFor({ sub: 'ENG-SH-01', roles: ['engineer'] }, workOrder)).not.toThrow();
    expect(() => checkActsFor({ sub: 'ENG-SZ-02', roles: ['engineer'] }, workOrder)).toThrow(expect.objectContaining({ status: 403, field: 'engineerId' }));
    expect(() => checkActsFor({ sub: 'ENG-SZ-02', roles: ['engineer'] }, { ...workOrder, engineerId: null })).toThrow(/assigned to nobody/);
  });
  it('lets dispatchers, managers and depot staff act on any', () => {
    for (const role of ['dispatcher', 'manager', 'depot'] as const) expect(() => checkActsFor({ sub: 'someone', roles: [role] }, workOrder)).not.toThrow();
    expect(() => checkActsFor({ sub: 'someone', roles: ['engineer', 'dispatcher'] }, workOrder)).not.toThrow();
  });
});
