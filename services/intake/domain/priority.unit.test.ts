import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  checkPriorityTable,
  customerClasses,
  defaultPriorityTable,
  entitlementFacts,
  faultCategories,
  isFaultCategory,
  isSeverity,
  priorityTier,
  priorityTiers,
  raiseTier,
  severities,
  type PriorityFacts,
  type PriorityTable,
} from './priority';
import { serviceContractTypes } from './entitlement';

const facts = (overrides: Partial<PriorityFacts> = {}): PriorityFacts => ({
  severity: 'major',
  faultCategory: 'mechanical',
  customerClass: 'standard',
  entitlement: 'warranty',
  contractType: null,
  ...overrides,
});

describe('default priority table', () => {
  it.each([
    ['critical', 'warranty', 'P1', 'critical-entitled'],
    ['critical', 'contract', 'P1', 'critical-entitled'],
    ['critical', 'none', 'P2', 'critical-paid'],
    ['major', 'contract', 'P2', 'major-entitled'],
    ['major', 'none', 'P3', 'major-paid'],
    ['minor', 'warranty', 'P3', 'minor'],
    ['question', 'contract', 'P4', 'question'],
  ] as const)('%s under %s is %s by row %s', (severity, entitlement, tier, row) => {
    const d = priorityTier(defaultPriorityTable, facts({ severity, entitlement, contractType: entitlement === 'contract' ? 'standard' : null }));
    expect(d).toMatchObject({ tier, baseTier: tier, row, raises: [] });
  });

  it('a safety fault is P1 even when minor and paid', () => {
    expect(priorityTier(defaultPriorityTable, facts({ severity: 'minor', faultCategory: 'safety', entitlement: 'none' }))).toMatchObject({ tier: 'P1', row: 'safety' });
  });

  it('a safety question is still a question', () => {
    expect(priorityTier(defaultPriorityTable, facts({ severity: 'question', faultCategory: 'safety' })).row).toBe('question');
  });

  it('an indirect customer\'s minor fault goes to P4 (dealer first line)', () => {
    expect(priorityTier(defaultPriorityTable, facts({ severity: 'minor', customerClass: 'indirect' }))).toMatchObject({ tier: 'P4', row: 'minor-indirect' });
  });

  it('a VIP customer raises by one tier', () => {
    const d = priorityTier(defaultPriorityTable, facts({ severity: 'major', customerClass: 'vip', entitlement: 'none' }));
    expect(d).toMatchObject({ tier: 'P2', baseTier: 'P3', row: 'major-paid', raises: ['vip-or-premium'] });
    expect(d.explanation).toBe('P3 by row major-paid (major fault, paid work), raised to P2 by vip-or-premium (VIP customer or premium contract)');
  });

  it('a premium contract raises by one tier', () => {
    expect(priorityTier(defaultPriorityTable, facts({ severity: 'minor', entitlement: 'contract', contractType: 'premium' })).tier).toBe('P2');
  });

  it('a VIP customer with a premium contract is raised once, not twice', () => {
    expect(priorityTier(defaultPriorityTable, facts({ severity: 'minor', customerClass: 'vip', entitlement: 'contract', contractType: 'premium' })).tier).toBe('P2');
  });

  it('raising never goes above P1, and the explanation says it was capped', () => {
    const d = priorityTier(defaultPriorityTable, facts({ severity: 'critical', customerClass: 'vip' }));
    expect(d).toMatchObject({ tier: 'P1', baseTier: 'P1', raises: ['vip-or-premium'] });
    expect(d.explanation).toMatch(/capped at P1$/);
  });

  it('a key account is not raised by the default table', () => {
    expect(priorityTier(defaultPriorityTable, facts({ customerClass: 'key_account' })).raises).toEqual([]);
  });

  it('passes its own check', () => {
    expect(checkPriorityTable(defaultPriorityTable)).toEqual([]);
  });
});

describe('priorityTier over any table', () => {
  const table: PriorityTable = {
    rows: [
      { id: 'first', when: { severity: ['major'] }, tier: 'P3', why: 'first' },
      { id: 'second', when: { severity: ['major'], customerClass: ['standard'] }, tier: 'P1', why: 'shadowed' },
      { id: 'any-critical', when: { severity: ['critical'] }, tier: 'P2', why: 'critical' },
    ],
    raises: [
      { id: 'vip', whenAny: [{ customerClass: ['vip'] }], by: 1, why: 'vip' },
      { id: 'paid-safety', whenAny: [{ faultCategory: ['safety'], entitlement: ['none'] }], by: 2, why: 'safety' },
    ],
    otherwise: 'P4',
  };

  it('the first matching row wins, even when a later one would give a higher tier', () => {
    expect(priorityTier(table, facts({ severity: 'major' }))).toMatchObject({ tier: 'P3', row: 'first' });
  });
  it('falls back to the table\'s otherwise tier when no row matches', () => {
    const d = priorityTier(table, facts({ severity: 'minor' }));
    expect(d).toMatchObject({ tier: 'P4', row: 'otherwise' });
    expect(d.explanation).toMatch(/no row matched/);
  });
  it('a condition with several fields needs all of them', () => {
    expect(priorityTier(table, facts({ severity: 'minor', faultCategory: 'safety', entitlement: 'warranty' })).raises).toEqual([]);
    expect(priorityTier(table, facts({ severity: 'minor', faultCategory: 'safety', entitlement: 'none' }))).toMatchObject({ tier: 'P2', raises: ['paid-safety'] });
  });
  it('raises add up and are capped at P1', () => {
    expect(priorityTier(table, facts({ severity: 'major', customerClass: 'vip', faultCategory: 'safety', entitlement: 'none' }))).toMatchObject({ tier: 'P1', baseTier: 'P3', raises: ['vip', 'paid-safety'] });
  });
  it('raiseTier clamps both ways', () => {
    expect(raiseTier('P2', 5)).toBe('P1');
    expect(raiseTier('P3', -5)).toBe('P4');
    expect(raiseTier('P4', 0)).toBe('P4');
  });
});

describe('checkPriorityTable', () => {
  it('names every problem with its place', () => {
    const broken = {
      rows: [
        { id: 'a', when: { severity: ['catastrophic'] }, tier: 'P0', why: '' },
        { id: 'a', when: { customerClass: [] }, tier: 'P2', why: '' },
      ],
      raises: [{ id: 'r', whenAny: [], by: 0.5, why: '' }],
      otherwise: 'P9',
    } as unknown as PriorityTable;
    expect(checkPriorityTable(broken)).toEqual([
      'rows[0].when.severity: unknown value "catastrophic"',
      'rows[0].tier: unknown tier "P0"',
      'rows[1].id: duplicate id a',
      'rows[1].when.customerClass: an empty list never matches; leave the field out instead',
      'raises[0].whenAny: no condition, the raise never applies',
      'raises[0].by: must be a whole number of tiers, at least 1',
      'otherwise: unknown tier "P9"',
    ]);
  });
});

describe('screening values', () => {
  it('knows severities and fault categories, and nothing else', () => {
    for (const s of severities) expect(isSeverity(s)).toBe(true);
    for (const c of faultCategories) expect(isFaultCategory(c)).toBe(true);
    for (const bad of ['Critical', 'urgent', '', null, undefined, 3, {}]) {
      expect(isSeverity(bad)).toBe(false);
      expect(isFaultCategory(bad)).toBe(false);
    }
  });
  it('reads the contract type from an entitlement snapshot', () => {
    expect(entitlementFacts({ source: { kind: 'contract', contractId: 'SC-1' }, contract: { type: 'premium' } })).toEqual({ entitlement: 'contract', contractType: 'premium' });
    expect(entitlementFacts({ source: { kind: 'none' }, contract: null })).toEqual({ entitlement: 'none', contractType: null });
  });
});

describe('properties', () => {
  const arbitraryFacts = fc.record({
    severity: fc.constantFrom(...severities),
    faultCategory: fc.constantFrom(...faultCategories),
    customerClass: fc.constantFrom(...customerClasses),
    entitlement: fc.constantFrom('contract' as const, 'warranty' as const, 'none' as const),
    contractType: fc.constantFrom(null, ...serviceContractTypes),
  });
  const tier = fc.constantFrom(...priorityTiers);
  const arbitraryTable: fc.Arbitrary<PriorityTable> = fc.record({
    rows: fc.array(
      fc.record({ id: fc.uuid(), when: fc.record({ severity: fc.subarray([...severities], { minLength: 1 }), customerClass: fc.subarray([...customerClasses], { minLength: 1 }) }, { requiredKeys: [] }), tier, why: fc.constant('') }),
      { maxLength: 6 },
    ),
    raises: fc.array(fc.record({ id: fc.uuid(), whenAny: fc.constant([{ customerClass: ['vip' as const] }]), by: fc.integer({ min: 1, max: 4 }), why: fc.constant('') }), { maxLength: 3 }),
    otherwise: tier,
  });
  const rank = (t: string) => priorityTiers.indexOf(t as (typeof priorityTiers)[number]);

  it('always returns a tier in P1..P4, never below its base tier', () => {
    fc.assert(
      fc.property(arbitraryTable, arbitraryFacts, (table, f) => {
        const d = priorityTier(table, f);
        expect(priorityTiers).toContain(d.tier);
        expect(rank(d.tier)).toBeLessThanOrEqual(rank(d.baseTier));
      }),
    );
  });

  it('raising is monotone: a higher base tier or one more raise never gives a lower tier', () => {
    fc.assert(
      fc.property(tier, tier, fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 }), (a, b, by, more) => {
        const [high, low] = rank(a) <= rank(b) ? [a, b] : [b, a];
        expect(rank(raiseTier(high, by))).toBeLessThanOrEqual(rank(raiseTier(low, by)));
        expect(rank(raiseTier(a, by + more))).toBeLessThanOrEqual(rank(raiseTier(a, by)));
      }),
    );
  });

  it('becoming VIP never lowers the tier under the default table', () => {
    fc.assert(
      fc.property(arbitraryFacts, (f) => {
        const asVip = priorityTier(defaultPriorityTable, { ...f, customerClass: 'vip' });
        const asStandard = priorityTier(defaultPriorityTable, { ...f, customerClass: 'standard' });
        expect(rank(asVip.tier)).toBeLessThanOrEqual(rank(asStandard.tier));
      }),
    );
  });
});
