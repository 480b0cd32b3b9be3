import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contractsNaming, machineBody, machineDraftProblems, machineRows, searchOutcome, warrantyState, type MachineDraft } from './installed-base';

const m = (serialNumber: string, parentSerial: string | null = null) => ({ serialNumber, parentSerial });

describe('the machine tree as rows', () => {
  it('puts what is inside a machine right under it, one level deeper', () => {
    const rows = machineRows([m('SN-1'), m('SN-2'), m('SN-1-LS', 'SN-1'), m('SN-1-LS-D', 'SN-1-LS')]);
    expect(rows.map((r) => `${r.depth}:${r.machine.serialNumber}`)).toEqual(['0:SN-1', '1:SN-1-LS', '2:SN-1-LS-D', '0:SN-2']);
  });

  it('shows a machine whose parent is elsewhere, or a loop, as roots', () => {
    expect(machineRows([m('A', 'GONE')]).map((r) => r.depth)).toEqual([0]);
    expect(machineRows([m('A', 'B'), m('B', 'A')]).map((r) => r.machine.serialNumber)).toEqual(['A', 'B']);
  });

  it('lists every machine exactly once, whatever the parent links', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.option(fc.integer({ min: 0, max: 25 }))), { maxLength: 30 }), (links) => {
        const unique = [...new Map(links.map(([s, p]) => [`S${s}`, m(`S${s}`, p === null ? null : `S${p}`)])).values()];
        const rows = machineRows(unique);
        expect(rows.map((r) => r.machine.serialNumber).sort()).toEqual(unique.map((u) => u.serialNumber).sort());
        // A child is one level under the row it follows its parent in.
        for (const row of rows) if (row.depth > 0) expect(rows.some((p) => p.machine.serialNumber === row.machine.parentSerial && p.depth === row.depth - 1)).toBe(true);
      }),
    );
  });
});

describe('a warranty at an instant', () => {
  const at = '2026-06-01T00:00:00.000Z';
  it('is none, not started, active or expired', () => {
    expect(warrantyState(null, at)).toBe('none');
    expect(warrantyState({ start: '2026-07-01T00:00:00.000Z', end: '2027-07-01T00:00:00.000Z' }, at)).toBe('not-started');
    expect(warrantyState({ start: null, end: '2026-06-01T00:00:01.000Z' }, at)).toBe('active');
    // The end is the first instant after the last covered day: at it, the warranty is over.
    expect(warrantyState({ start: null, end: at }, at)).toBe('expired');
  });
});

describe('contracts that name a machine', () => {
  const contracts = [
    { id: 'ALL', coveredSerials: 'all' as const },
    { id: 'ONE', coveredSerials: ['SN-1'] },
    { id: 'OTHER', coveredSerials: ['SN-9'] },
  ];
  it('are the customer-wide ones, those listing it and those listing a machine it is inside', () => {
    expect(contractsNaming('SN-1', [], contracts).map((c) => c.id)).toEqual(['ALL', 'ONE']);
    expect(contractsNaming('SN-1-LS', ['SN-1'], contracts).map((c) => c.id)).toEqual(['ALL', 'ONE']);
    expect(contractsNaming('SN-2', [], contracts).map((c) => c.id)).toEqual(['ALL']);
  });
});

describe('what a search shows', () => {
  it('opens the customer whose id was typed', () => {
    expect(searchOutcome('CUST-1', 200, { status: 200, ids: [] })).toEqual({ kind: 'customer', id: 'CUST-1' });
  });
  it('lists name matches when the id is unknown, and says not found when nothing matches', () => {
    expect(searchOutcome('Harbin', 404, { status: 200, ids: ['CUST-2'] })).toEqual({ kind: 'matches', ids: ['CUST-2'] });
    expect(searchOutcome('CUST-9', 404, { status: 200, ids: [] })).toEqual({ kind: 'not-found' });
    expect(searchOutcome('Harbin Sheet', null, { status: 200, ids: [] })).toEqual({ kind: 'not-found' });
  });
  it('reports a refusal or an outage rather than "not found"', () => {
    expect(searchOutcome('CUST-1', 503, { status: 200, ids: [] })).toEqual({ kind: 'error', status: 503 });
    expect(searchOutcome('x', null, { status: 403, ids: [] })).toEqual({ kind: 'error', status: 403 });
  });
});

describe('a new machine', () => {
  const draft: MachineDraft = { serialNumber: ' SN-77 ', siteId: 'S1', model: 'PB-1303', productLine: 'press-brake', installDate: '2026-03-01', warrantyType: '', warrantyEnd: '2028-02-28' };
  it('is ready when the ids follow the rule and the warranty ends after installation', () => {
    expect(machineDraftProblems(draft)).toEqual([]);
    expect(machineDraftProblems({ ...draft, serialNumber: '-x', model: '', warrantyEnd: '2026-02-01' })).toEqual(['serialNumber', 'model', 'warrantyEnd']);
  });
  it('is sent with calendar days and a standard warranty from installation', () => {
    expect(machineBody(draft, 'CUST-2')).toEqual({
      serialNumber: 'SN-77', customerId: 'CUST-2', siteId: 'S1', model: 'PB-1303', productLine: 'press-brake', installDate: '2026-03-01', commissioningDate: '2026-03-01',
      warranty: { type: 'standard', start: '2026-03-01', end: '2028-02-28' },
    });
    expect(machineBody({ ...draft, installDate: '', warrantyEnd: '' }, 'CUST-2').warranty).toBeNull();
  });
});
