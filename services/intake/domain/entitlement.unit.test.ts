import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compareContracts, defaultEntitlementPolicy, resolveEntitlement, type EntitlementMachine, type EntitlementQuery, type ServiceContract } from './entitlement';

const customer = { id: 'C-1' };
const at = new Date('2026-06-15T10:00:00Z');
const year = (from: string, to: string) => ({ start: new Date(from), end: new Date(to) });

const cutter: EntitlementMachine = { serial: 'CUT-1', customerId: 'C-1', warranty: { type: 'standard', start: new Date('2026-01-01T00:00:00Z'), end: new Date('2027-01-01T00:00:00Z') } };
const source: EntitlementMachine = { serial: 'SRC-1', customerId: 'C-1', warranty: null };
const diode: EntitlementMachine = { serial: 'DIODE-1', customerId: 'C-1', warranty: null };
const bare: EntitlementMachine = { serial: 'OLD-1', customerId: 'C-1', warranty: null };

function contract(overrides: Partial<ServiceContract> = {}): ServiceContract {
  return {
    id: 'SC-1',
    customerId: 'C-1',
    name: 'Full service',
    type: 'standard',
    status: 'active',
    coveredSerials: ['CUT-1'],
    ...year('2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z'),
    responseMode: 'on-site',
    slaPolicyId: 'sla-gold',
    calendarId: 'cal-24x7',
    covers: { parts: true, labour: true, travel: true },
    ...overrides,
  };
}

function query(overrides: Partial<EntitlementQuery> = {}): EntitlementQuery {
  return { customer, machine: cutter, machineAncestors: [], contracts: [], at, ...overrides };
}

describe('resolveEntitlement: service contracts', () => {
  it('a contract that lists the machine and is active rules, with its terms copied', () => {
    const e = resolveEntitlement(query({ contracts: [contract()] }));
    expect(e.source).toEqual({ kind: 'contract', contractId: 'SC-1' });
    expect(e).toMatchObject({ responseMode: 'on-site', slaPolicyId: 'sla-gold', calendarId: 'cal-24x7', quoteRequired: false, warranty: null, passedOver: [] });
    expect(e.covers).toEqual({ parts: true, labour: true, travel: true });
    expect(e.contract).toMatchObject({ id: 'SC-1', name: 'Full service', type: 'standard', coveredSerials: ['CUT-1'] });
    expect(e.reason).toMatch(/service contract SC-1 "Full service" \(standard\) covers CUT-1/);
  });

  it('a contract for all of the customer\'s machines covers this one', () => {
    expect(resolveEntitlement(query({ machine: bare, contracts: [contract({ coveredSerials: 'all' })] })).source.kind).toBe('contract');
  });

  it('an all-machines contract does not reach a machine owned by another customer', () => {
    const foreign = { ...bare, customerId: 'C-2' };
    expect(resolveEntitlement(query({ machine: foreign, contracts: [contract({ coveredSerials: 'all' })] })).source.kind).toBe('none');
  });

  it('applies from its start instant', () => {
    const c = contract();
    expect(resolveEntitlement(query({ contracts: [c], at: c.start })).source.kind).toBe('contract');
    expect(resolveEntitlement(query({ machine: bare, contracts: [contract({ coveredSerials: 'all' })], at: new Date(c.start.getTime() - 1) })).source.kind).toBe('none');
  });

  it('no longer applies at its end instant (end is exclusive), and the warranty takes over', () => {
    const c = contract({ ...year('2025-01-01T00:00:00Z', '2026-06-15T10:00:00Z') });
    expect(resolveEntitlement(query({ contracts: [c], at: new Date(c.end.getTime() - 1) })).source.kind).toBe('contract');
    const e = resolveEntitlement(query({ contracts: [c], at: c.end }));
    expect(e.source).toEqual({ kind: 'warranty', warrantyType: 'standard', fromSerial: 'CUT-1' });
  });

  it('an expired contract does not apply', () => {
    const e = resolveEntitlement(query({ machine: bare, contracts: [contract({ coveredSerials: 'all', ...year('2024-01-01T00:00:00Z', '2025-01-01T00:00:00Z') })] }));
    expect(e.source.kind).toBe('none');
  });

  it.each(['draft', 'suspended', 'expired', 'cancelled'] as const)('a %s contract does not apply even within its dates', (status) => {
    expect(resolveEntitlement(query({ machine: bare, contracts: [contract({ coveredSerials: 'all', status })] })).source.kind).toBe('none');
  });

  it('a contract for another machine does not apply', () => {
    expect(resolveEntitlement(query({ machine: bare, contracts: [contract({ coveredSerials: ['CUT-9'] })] })).source.kind).toBe('none');
  });

  it('a contract of another customer does not apply, even when it lists the serial', () => {
    expect(resolveEntitlement(query({ machine: bare, contracts: [contract({ customerId: 'C-2', coveredSerials: ['OLD-1'] })] })).source.kind).toBe('none');
  });

  it('a contract that lists a machine covers the components inside it', () => {
    const e = resolveEntitlement(query({ machine: diode, machineAncestors: [source, cutter], contracts: [contract()] }));
    expect(e.source).toEqual({ kind: 'contract', contractId: 'SC-1' });
    expect(e.reason).toMatch(/covers DIODE-1 through CUT-1/);
  });

  it('a contract rules over an active warranty', () => {
    expect(resolveEntitlement(query({ contracts: [contract({ covers: { parts: false, labour: true, travel: false } })] })).source.kind).toBe('contract');
  });

  it('a contract that leaves something chargeable needs a quote', () => {
    const e = resolveEntitlement(query({ contracts: [contract({ covers: { parts: false, labour: true, travel: true } })] }));
    expect(e.quoteRequired).toBe(true);
  });
});

describe('resolveEntitlement: overlapping contracts', () => {
  const remote = contract({ id: 'SC-R', responseMode: 'remote' });
  const nbd = contract({ id: 'SC-N', responseMode: 'nbd' });
  const onSiteLabour = contract({ id: 'SC-L', covers: { parts: false, labour: true, travel: false } });
  const onSiteFull = contract({ id: 'SC-F' });
  const onSiteFullNewer = contract({ id: 'SC-G', ...year('2026-03-01T00:00:00Z', '2027-01-01T00:00:00Z') });

  it('the higher response mode wins', () => {
    expect(resolveEntitlement(query({ contracts: [remote, nbd] })).source).toEqual({ kind: 'contract', contractId: 'SC-N' });
    expect(resolveEntitlement(query({ contracts: [nbd, onSiteLabour] })).source).toEqual({ kind: 'contract', contractId: 'SC-L' });
  });
  it('then the wider coverage', () => {
    expect(resolveEntitlement(query({ contracts: [onSiteLabour, onSiteFull] })).source).toEqual({ kind: 'contract', contractId: 'SC-F' });
  });
  it('then the later start', () => {
    const e = resolveEntitlement(query({ contracts: [onSiteFull, onSiteFullNewer] }));
    expect(e.source).toEqual({ kind: 'contract', contractId: 'SC-G' });
    expect(e.passedOver).toEqual(['SC-F']);
    expect(e.reason).toMatch(/chosen over SC-F/);
  });
  it('then the smaller id', () => {
    const twin = contract({ id: 'SC-0' });
    expect(resolveEntitlement(query({ contracts: [onSiteFull, twin] })).source).toEqual({ kind: 'contract', contractId: 'SC-0' });
  });
  it('passes over in the order of the rule', () => {
    expect(resolveEntitlement(query({ contracts: [remote, onSiteLabour, nbd, onSiteFull] })).passedOver).toEqual(['SC-L', 'SC-N', 'SC-R']);
  });
  it('the choice does not depend on the order contracts arrive in', () => {
    const modes = ['on-site', 'nbd', 'remote'] as const;
    const arbitraryContract = fc.record({
      id: fc.constantFrom('A', 'B', 'C', 'D', 'E', 'F'),
      responseMode: fc.constantFrom(...modes),
      startDay: fc.integer({ min: 1, max: 28 }),
      parts: fc.boolean(),
      labour: fc.boolean(),
      travel: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.uniqueArray(arbitraryContract, { minLength: 1, maxLength: 6, selector: (c) => c.id }), (specs) => {
        const contracts = specs.map((s) =>
          contract({ id: s.id, responseMode: s.responseMode, start: new Date(Date.UTC(2026, 0, s.startDay)), covers: { parts: s.parts, labour: s.labour, travel: s.travel } }),
        );
        const forward = resolveEntitlement(query({ contracts }));
        const backward = resolveEntitlement(query({ contracts: [...contracts].reverse() }));
        expect(backward.source).toEqual(forward.source);
        expect(backward.passedOver).toEqual(forward.passedOver);
        // The winner is never beaten by another matching contract.
        const winner = contracts.find((c) => c.id === (forward.source as { contractId: string }).contractId)!;
        for (const c of contracts) expect(compareContracts(winner, c)).toBeLessThanOrEqual(0);
      }),
    );
  });
});

describe('resolveEntitlement: dates in the reason', () => {
  it('are the days of the site’s zone, not UTC’s', () => {
    // Ends at UTC midnight of New Year's Day: the last covered day is New Year's Eve in UTC, but in
    // Shanghai (UTC+8) the cover runs to 08:00 on New Year's Day, so that is its last day there.
    const utcMidnight = { ...cutter, warranty: { type: 'standard', start: null, end: new Date('2027-01-01T00:00:00Z') } };
    expect(resolveEntitlement(query({ machine: utcMidnight })).reason).toMatch(/runs until 2026-12-31/);
    expect(resolveEntitlement(query({ machine: utcMidnight, timeZone: 'Asia/Shanghai' })).reason).toMatch(/runs until 2027-01-01/);
  });

  it('name the last covered day: a period ending at the first instant of a day ended the day before', () => {
    const endsAtShanghaiMidnight = { ...cutter, warranty: { type: 'standard', start: null, end: new Date('2026-12-31T16:00:00Z') } };
    expect(resolveEntitlement(query({ machine: endsAtShanghaiMidnight, timeZone: 'Asia/Shanghai' })).reason).toMatch(/runs until 2026-12-31/);
  });
});

describe('resolveEntitlement: warranty', () => {
  it('the machine\'s own active warranty applies when no contract does', () => {
    const e = resolveEntitlement(query());
    expect(e.source).toEqual({ kind: 'warranty', warrantyType: 'standard', fromSerial: 'CUT-1' });
    expect(e).toMatchObject({ ...defaultEntitlementPolicy.warrantyTerms.standard, quoteRequired: false, contract: null });
    expect(e.warranty).toMatchObject({ type: 'standard', fromSerial: 'CUT-1', inherited: false });
    expect(e.reason).toMatch(/no active service contract.*standard warranty of CUT-1 runs until 2026-12-31/);
  });

  it('a component without its own warranty inherits its parent\'s', () => {
    const e = resolveEntitlement(query({ machine: source, machineAncestors: [cutter] }));
    expect(e.source).toEqual({ kind: 'warranty', warrantyType: 'standard', fromSerial: 'CUT-1' });
    expect(e.warranty?.inherited).toBe(true);
    expect(e.reason).toMatch(/inherited from CUT-1 \(SRC-1 has no warranty of its own\)/);
  });

  it('a component inherits its grandparent\'s warranty when the parent has none', () => {
    expect(resolveEntitlement(query({ machine: diode, machineAncestors: [source, cutter] })).source).toEqual({ kind: 'warranty', warrantyType: 'standard', fromSerial: 'CUT-1' });
  });

  it('the nearest ancestor with a warranty decides, not the root', () => {
    const sourceWithSupplierWarranty = { ...source, warranty: { type: 'supplier', start: null, end: new Date('2028-01-01T00:00:00Z') } };
    const e = resolveEntitlement(query({ machine: diode, machineAncestors: [sourceWithSupplierWarranty, cutter] }));
    expect(e.source).toEqual({ kind: 'warranty', warrantyType: 'supplier', fromSerial: 'SRC-1' });
    expect(e).toMatchObject({ responseMode: 'nbd', covers: { parts: true, labour: true, travel: false }, quoteRequired: true });
  });

  it('a component\'s own expired warranty is not replaced by its parent\'s', () => {
    const expired = { ...source, warranty: { type: 'supplier', start: null, end: new Date('2026-01-01T00:00:00Z') } };
    const e = resolveEntitlement(query({ machine: expired, machineAncestors: [cutter] }));
    expect(e.source.kind).toBe('none');
    expect(e.reason).toMatch(/supplier warranty of SRC-1 ended 2025-12-31/);
  });

  it('a warranty ends at its end instant and starts at its start instant', () => {
    const w = cutter.warranty!;
    expect(resolveEntitlement(query({ at: w.start! })).source.kind).toBe('warranty');
    expect(resolveEntitlement(query({ at: new Date(w.start!.getTime() - 1) })).reason).toMatch(/only starts 2026-01-01/);
    expect(resolveEntitlement(query({ at: new Date(w.end.getTime() - 1) })).source.kind).toBe('warranty');
    expect(resolveEntitlement(query({ at: w.end })).source.kind).toBe('none');
  });

  it('an unknown warranty type gets the default warranty terms and says so', () => {
    const odd = { ...bare, warranty: { type: 'promo-2026', start: null, end: new Date('2027-01-01T00:00:00Z') } };
    const e = resolveEntitlement(query({ machine: odd }));
    expect(e.source).toEqual({ kind: 'warranty', warrantyType: 'promo-2026', fromSerial: 'OLD-1' });
    expect(e.slaPolicyId).toBe(defaultEntitlementPolicy.unknownWarrantyTerms.slaPolicyId);
    expect(e.reason).toMatch(/not in the policy/);
  });
});

describe('resolveEntitlement: none', () => {
  it('no contract and no warranty anywhere in the tree is paid work with a quote', () => {
    const e = resolveEntitlement(query({ machine: diode, machineAncestors: [source, bare] }));
    expect(e).toMatchObject({ source: { kind: 'none' }, quoteRequired: true, contract: null, warranty: null, ...defaultEntitlementPolicy.paidTerms });
    expect(e.reason).toMatch(/no warranty on DIODE-1 or any machine it is part of; paid service, quote required/);
  });

  it('refuses an invalid date', () => {
    expect(() => resolveEntitlement(query({ at: new Date('nonsense') }))).toThrow(RangeError);
  });
});

describe('resolveEntitlement: snapshot', () => {
  it('is frozen and does not change when the contract is edited later', () => {
    const c = contract();
    const e = resolveEntitlement(query({ contracts: [c] }));
    c.slaPolicyId = 'sla-bronze';
    c.covers.parts = false;
    c.end.setTime(0);
    (c.coveredSerials as string[]).push('CUT-2');
    expect(e.contract).toMatchObject({ slaPolicyId: 'sla-gold', covers: { parts: true }, end: new Date('2027-01-01T00:00:00Z'), coveredSerials: ['CUT-1'] });
    expect(e.covers.parts).toBe(true);
    expect(Object.isFrozen(e) && Object.isFrozen(e.covers) && Object.isFrozen(e.contract)).toBe(true);
  });

  it('keeps its own dates: a snapshot date cannot be set', () => {
    const e = resolveEntitlement(query({ contracts: [contract()] }));
    expect(() => e.contract!.end.setTime(0)).toThrow(/frozen/);
    expect(() => e.at.setUTCFullYear(2000)).toThrow(/frozen/);
    expect(e.contract!.end.toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(e.contract!.end).toBeInstanceOf(Date);
    const warranted = resolveEntitlement(query({ contracts: [] }));
    expect(() => warranted.warranty?.end.setDate(1)).toThrow(/frozen/);
  });

  it('survives a JSON round trip with the same terms', () => {
    const e = resolveEntitlement(query({ contracts: [contract()] }));
    expect(JSON.parse(JSON.stringify(e))).toMatchObject({ source: e.source, covers: e.covers, slaPolicyId: 'sla-gold', contract: { end: '2027-01-01T00:00:00.000Z' } });
  });
});
