import { describe, expect, it } from 'vitest';
import { serviceRequestRegisteredV1 } from '@aftersales/contracts';
import type { ContractDoc, CustomerDoc, MachineDoc } from '../store/installed-base-models';
import { assessRegistration, entitlementSummary, lineageOf, unknownMachineEntitlement, type AssessmentInput, type KnownFixCandidate } from './assessment';

const at = new Date('2026-06-15T10:00:00Z');
const hour = 3_600_000;

const customer: CustomerDoc = {
  _id: 'C-1',
  name: 'Acme Cutting',
  class: 'key_account',
  dealerId: null,
  sites: [{ id: 'S-1', name: 'Plant', address: '1 Road', city: 'Shanghai', locationClass: 'provincial-capital', coordinates: null, timeZone: 'Asia/Shanghai' }],
};

function machine(serial: string, overrides: Partial<MachineDoc> = {}): MachineDoc {
  return { _id: serial, customerId: 'C-1', model: 'FL-3015', productLine: 'laser', status: 'active', parentSerial: null, warranty: null, siteId: 'S-1', ...overrides };
}

const cutter = machine('CUT-1', { warranty: { type: 'standard', start: new Date('2026-01-01T00:00:00Z'), end: new Date('2027-01-01T00:00:00Z') } });
const source = machine('SRC-1', { parentSerial: 'CUT-1', model: 'LS-6000' });
const diode = machine('DIODE-1', { parentSerial: 'SRC-1', model: 'D-1' });

const contract: ContractDoc = {
  _id: 'SC-1',
  customerId: 'C-1',
  name: 'Full service',
  type: 'premium',
  status: 'active',
  coveredSerials: ['CUT-1'],
  start: new Date('2026-01-01T00:00:00Z'),
  end: new Date('2027-01-01T00:00:00Z'),
  responseMode: 'on-site',
  slaPolicyId: 'contract-premium',
  calendarId: '24x7',
  covers: { parts: true, labour: true, travel: true },
  createdAt: at,
  createdBy: 'test',
};

const fix = (id: string, title: string, models: string[] = ['FL-3015']): KnownFixCandidate => ({ id, version: 1, title, symptom: title, models });

function input(overrides: Partial<AssessmentInput> = {}): AssessmentInput {
  return {
    at,
    serialNumber: 'CUT-1',
    symptom: 'No laser output, alarm E-1023',
    raisedAt: at,
    customer,
    machine: cutter,
    lineage: { ancestors: [], problem: null },
    contracts: [],
    openRequests: [],
    knownFixCandidates: [],
    ...overrides,
  };
}

describe('lineageOf', () => {
  it('walks parent first, root last', () => {
    expect(lineageOf(diode, [cutter, source]).ancestors.map((m) => m._id)).toEqual(['SRC-1', 'CUT-1']);
    expect(lineageOf(diode, [cutter, source]).problem).toBeNull();
  });
  it('keeps the ancestors up to a missing parent and says where it broke', () => {
    const lineage = lineageOf(diode, [source]);
    expect(lineage.ancestors.map((m) => m._id)).toEqual(['SRC-1']);
    expect(lineage.problem).toMatch(/SRC-1 names parent CUT-1/);
  });
  it('reports a loop instead of walking forever', () => {
    const a = machine('A', { parentSerial: 'B' });
    const b = machine('B', { parentSerial: 'A' });
    const lineage = lineageOf(a, [b]);
    expect(lineage.ancestors.map((m) => m._id)).toEqual(['B']);
    expect(lineage.problem).toMatch(/cycle: A -> B -> A/);
  });
});

describe('assessRegistration', () => {
  it('a contract rules and is frozen with its terms; the site comes from the machine', () => {
    const result = assessRegistration(input({ contracts: [contract] }));
    expect(result.entitlement).toMatchObject({ source: { kind: 'contract', contractId: 'SC-1' }, slaPolicyId: 'contract-premium', quoteRequired: false });
    expect(result.site).toEqual({ siteId: 'S-1', city: 'Shanghai', coordinates: null, locationClass: 'provincial-capital', timeZone: 'Asia/Shanghai' });
    expect(result).toMatchObject({ machineKnown: true, flags: [], customer: { name: 'Acme Cutting', class: 'key_account', dealerId: null } });
  });
  it('a component without a warranty inherits its parent\u2019s when no contract applies', () => {
    const result = assessRegistration(input({ serialNumber: 'SRC-1', machine: source, lineage: { ancestors: [cutter], problem: null } }));
    expect(result.entitlement.source).toEqual({ kind: 'warranty', warrantyType: 'standard', fromSerial: 'CUT-1' });
    expect(result.entitlement.warranty?.inherited).toBe(true);
    expect(result.machine).toMatchObject({ model: 'LS-6000', parentSerial: 'CUT-1', ancestors: ['CUT-1'] });
  });
  it('no contract and no warranty: paid, quote required', () => {
    const result = assessRegistration(input({ machine: machine('CUT-1') }));
    expect(result.entitlement).toMatchObject({ source: { kind: 'none' }, quoteRequired: true });
  });
  it('reads a legacy warrantyEnd-only record as a standard warranty', () => {
    const legacy = machine('CUT-1', { warranty: undefined, warrantyEnd: new Date('2027-01-01T00:00:00Z') });
    expect(assessRegistration(input({ machine: legacy })).entitlement.source).toMatchObject({ kind: 'warranty', warrantyType: 'standard' });
  });
  it('an unknown machine is paid work, flagged, and consults no contract', () => {
    const result = assessRegistration(input({ serialNumber: 'NEW-9', machine: null, contracts: [{ ...contract, coveredSerials: 'all' }] }));
    expect(result.machineKnown).toBe(false);
    expect(result.machine).toBeNull();
    expect(result.entitlement).toMatchObject({ source: { kind: 'none' }, quoteRequired: true, serial: 'NEW-9' });
    expect(result.entitlement.reason).toMatch(/not in the installed base/);
    // One site: no doubt where the machine is.
    expect(result.site?.siteId).toBe('S-1');
    expect(result.flags).toEqual(['machine-unknown']);
  });
  it('flags a broken tree and a machine without a site', () => {
    const noSite = { ...customer, sites: [customer.sites![0]!, { ...customer.sites![0]!, id: 'S-2' }] };
    const result = assessRegistration(input({ customer: noSite, machine: machine('CUT-1', { siteId: null }), lineage: { ancestors: [], problem: 'missing parent' } }));
    expect(result.site).toBeNull();
    expect(result.flags).toEqual(['installed-base-inconsistent', 'no-site']);
  });
  it('names an open request on the same machine with a similar symptom as the duplicate, with its score', () => {
    const openRequests = [
      { id: 'SR-OLD', serialNumber: 'CUT-1', symptom: 'Laser gives no output since this morning, alarm E-1023', raisedAt: new Date(at.getTime() - hour) },
      { id: 'SR-OTHER', serialNumber: 'CUT-1', symptom: 'Chiller water temperature too high', raisedAt: new Date(at.getTime() - hour) },
    ];
    const result = assessRegistration(input({ openRequests }));
    expect(result.duplicate).toMatchObject({ duplicateOf: 'SR-OLD', measure: 'overlap' });
    expect(result.duplicate!.score).toBeGreaterThanOrEqual(0.6);
  });
  it('suggests at most three known fixes, the machine\u2019s model first', () => {
    const candidates = [fix('KB-1', 'No laser output'), fix('KB-2', 'Laser output low'), fix('KB-3', 'Alarm E-1023 laser', []), fix('KB-4', 'No output at all'), fix('KB-5', 'Chiller')];
    const result = assessRegistration(input({ knownFixCandidates: candidates }));
    expect(result.knownFixes).toHaveLength(3);
    expect(result.knownFixes[0]).toMatchObject({ articleId: 'KB-1', version: 1, title: 'No laser output' });
    expect(result.knownFixes.map((k) => k.articleId)).not.toContain('KB-5');
  });
});

describe('entitlementSummary', () => {
  it('carries the terms other services need, valid against the registered event', () => {
    const summary = entitlementSummary(assessRegistration(input({ contracts: [contract] })).entitlement);
    expect(summary).toEqual({
      source: 'contract',
      contractId: 'SC-1',
      responseMode: 'on-site',
      slaPolicyId: 'contract-premium',
      calendarId: '24x7',
      quoteRequired: false,
      covers: { parts: true, labour: true, travel: true },
      exclusions: { partNumbers: [], categories: [] },
      coversConsumables: false,
      warrantyEnd: null,
    });
    // What the cover is travels on: a parts-only warranty says so, with its end, and the contract's exclusions too.
    const partsOnly = machine('CUT-1', { warranty: { type: 'parts-only', start: new Date('2026-01-01T00:00:00Z'), end: new Date('2027-01-01T00:00:00Z') } });
    expect(entitlementSummary(assessRegistration(input({ machine: partsOnly })).entitlement)).toMatchObject({
      source: 'warranty',
      covers: { parts: true, labour: false, travel: false },
      warrantyEnd: '2027-01-01T00:00:00.000Z',
    });
    const excluding = { ...contract, exclusions: { partNumbers: ['NZ-15'], categories: ['consumable'] }, coversConsumables: false };
    expect(entitlementSummary(assessRegistration(input({ contracts: [excluding] })).entitlement)).toMatchObject({ exclusions: { partNumbers: ['NZ-15'], categories: ['consumable'] } });
    const none = entitlementSummary(unknownMachineEntitlement('C-1', 'X-1', at));
    expect(none).toMatchObject({ source: 'none', contractId: null, quoteRequired: true });
    expect(serviceRequestRegisteredV1.shape.entitlement.safeParse(summary).success).toBe(true);
  });
});
