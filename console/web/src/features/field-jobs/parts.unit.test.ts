import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { partsToCarry, reservedAsUsed, type Reservation } from './parts';

describe('parts to carry', () => {
  it('sums reserved units per part across reservations and stocks, skipping released ones', () => {
    const reservations: Reservation[] = [
      { id: 'R1', status: 'active', lines: [{ partNumber: 'P-LENS-B', quantity: 1, locationId: 'REG-EAST' }, { partNumber: 'P-NOZZLE-15', quantity: 2, locationId: 'REG-EAST' }] },
      { id: 'R2', status: 'active', lines: [{ partNumber: 'P-LENS-B', quantity: 1, locationId: 'CENTRAL' }] },
      { id: 'R3', status: 'released', lines: [{ partNumber: 'P-GONE', quantity: 5, locationId: 'CENTRAL' }] },
    ];
    expect(partsToCarry(reservations, ['P-SEAL-9'], ['P-NOZZLE-15'])).toEqual([
      { partNumber: 'P-LENS-B', quantity: 2, locations: ['REG-EAST', 'CENTRAL'], reserved: true, containment: false, inVan: false },
      { partNumber: 'P-NOZZLE-15', quantity: 2, locations: ['REG-EAST'], reserved: true, containment: false, inVan: true },
      { partNumber: 'P-SEAL-9', quantity: null, locations: [], reserved: false, containment: true, inVan: false },
    ]);
  });

  it('the reserved units are the parts used to start from; containment-only parts are not', () => {
    const lines = partsToCarry([{ id: 'R1', status: 'consumed', lines: [{ partNumber: 'P-1', quantity: 3, locationId: 'L' }] }], ['P-2'], []);
    expect(reservedAsUsed(lines)).toEqual([{ partNumber: 'P-1', quantity: 3 }]);
  });

  it('never loses or invents a unit', () => {
    const line = fc.record({ partNumber: fc.constantFrom('P-1', 'P-2', 'P-3'), quantity: fc.integer({ min: 1, max: 50 }), locationId: fc.constantFrom('A', 'B') });
    const reservation = fc.record({ id: fc.string(), status: fc.constantFrom('active', 'consumed', 'released'), lines: fc.array(line, { maxLength: 5 }) });
    fc.assert(
      fc.property(fc.array(reservation, { maxLength: 6 }), (reservations) => {
        const kept = reservations.filter((r) => r.status !== 'released').flatMap((r) => r.lines);
        const total = partsToCarry(reservations, [], []).reduce((sum, l) => sum + (l.quantity ?? 0), 0);
        expect(total).toBe(kept.reduce((sum, l) => sum + l.quantity, 0));
      }),
    );
  });
});
