import { describe, expect, it } from 'vitest';
import { decideScreening, type ScreeningContext, type ScreeningDecision, type ScreeningInput } from './screening';
import { defaultPriorityTable, type PriorityTable } from './priority';

const at = new Date('2026-06-15T10:00:00Z');
const context = (overrides: Partial<ScreeningContext> = {}): ScreeningContext => ({
  requestId: 'SR-2',
  serialNumber: 'CUT-1',
  customerClass: 'standard',
  entitlement: { source: { kind: 'warranty', warrantyType: 'standard', fromSerial: 'CUT-1' }, contract: null },
  suggestedDuplicateOf: null,
  screenedBy: 'agent-7',
  at,
  ...overrides,
});

function errorsOf(decision: ScreeningDecision) {
  if (decision.ok) throw new Error(`expected errors, got ${JSON.stringify(decision.screening)}`);
  return decision.errors.map((e) => [e.field, e.code]);
}

function screeningOf(decision: ScreeningDecision) {
  if (!decision.ok) throw new Error(`expected a screening, got ${JSON.stringify(decision.errors)}`);
  return decision.screening;
}

describe('decideScreening: valid', () => {
  it('classifies and gives a priority tier from the default table', () => {
    const s = screeningOf(decideScreening({ outcome: 'valid', faultCategory: 'optical', severity: 'critical', note: '  no beam  ' }, context()));
    expect(s).toMatchObject({ outcome: 'valid', faultCategory: 'optical', severity: 'critical', requestId: 'SR-2', screenedBy: 'agent-7', screenedAt: at, note: 'no beam', suggestion: 'none' });
    expect(s.outcome === 'valid' && s.priority).toMatchObject({ tier: 'P1', row: 'critical-entitled' });
  });

  it('uses the customer class and the contract from the entitlement snapshot', () => {
    const premium = context({ customerClass: 'standard', entitlement: { source: { kind: 'contract', contractId: 'SC-1' }, contract: { type: 'premium' } } });
    const s = screeningOf(decideScreening({ outcome: 'valid', faultCategory: 'mechanical', severity: 'minor' }, premium));
    expect(s.outcome === 'valid' && s.priority).toMatchObject({ tier: 'P2', raises: ['vip-or-premium'] });
  });

  it('uses a table passed in', () => {
    const allP4: PriorityTable = { ...defaultPriorityTable, rows: [], raises: [], otherwise: 'P4' };
    const s = screeningOf(decideScreening({ outcome: 'valid', faultCategory: 'mechanical', severity: 'critical' }, context({ table: allP4 })));
    expect(s.outcome === 'valid' && s.priority.tier).toBe('P4');
  });

  it('overrules a duplicate suggested at registration', () => {
    expect(screeningOf(decideScreening({ outcome: 'valid', faultCategory: 'mechanical', severity: 'major' }, context({ suggestedDuplicateOf: 'SR-1' }))).suggestion).toBe('overruled');
  });

  it('needs a fault category and a severity, naming both', () => {
    expect(errorsOf(decideScreening({ outcome: 'valid' }, context()))).toEqual([
      ['faultCategory', 'required'],
      ['severity', 'required'],
    ]);
  });

  it('refuses unknown values', () => {
    const d = decideScreening({ outcome: 'valid', faultCategory: 'gremlins', severity: 'Critical' }, context());
    expect(errorsOf(d)).toEqual([
      ['faultCategory', 'unknown-value'],
      ['severity', 'unknown-value'],
    ]);
    expect(!d.ok && d.errors[0]!.message).toBe('faultCategory: "gremlins" is not a known fault category');
  });

  it('refuses fields that belong to an invalid outcome', () => {
    expect(errorsOf(decideScreening({ outcome: 'valid', faultCategory: 'mechanical', severity: 'major', reason: 'misuse', duplicateOf: 'SR-1' }, context()))).toEqual([
      ['reason', 'not-allowed'],
      ['duplicateOf', 'not-allowed'],
    ]);
  });
});

describe('decideScreening: outcome', () => {
  it.each([undefined, null])('requires an outcome (%s)', (outcome) => {
    expect(errorsOf(decideScreening({ outcome }, context()))).toEqual([['outcome', 'required']]);
  });
  it('refuses an unknown outcome', () => {
    expect(errorsOf(decideScreening({ outcome: 'maybe' }, context()))).toEqual([['outcome', 'unknown-value']]);
  });
  it('refuses a note that is not text or too long, together with the other errors', () => {
    expect(errorsOf(decideScreening({ outcome: 'valid', note: 'x'.repeat(2001) }, context()))).toEqual([
      ['note', 'invalid'],
      ['faultCategory', 'required'],
      ['severity', 'required'],
    ]);
    expect(errorsOf(decideScreening({ outcome: 'invalid', reason: 'misuse', note: 42 }, context()))).toEqual([['note', 'invalid']]);
  });
});

describe('decideScreening: invalid', () => {
  it.each(['answered-on-phone', 'misuse', 'not-our-product'] as const)('closes as invalid with reason %s', (reason) => {
    expect(screeningOf(decideScreening({ outcome: 'invalid', reason }, context()))).toMatchObject({ outcome: 'invalid', reason, note: null, suggestion: 'none' });
  });

  it('needs a reason', () => {
    expect(errorsOf(decideScreening({ outcome: 'invalid' }, context()))).toEqual([['reason', 'required']]);
  });

  it('refuses an unknown reason', () => {
    expect(errorsOf(decideScreening({ outcome: 'invalid', reason: 'spam' }, context()))).toEqual([['reason', 'unknown-value']]);
  });

  it('refuses a classification on an invalid request', () => {
    expect(errorsOf(decideScreening({ outcome: 'invalid', reason: 'misuse', faultCategory: 'mechanical', severity: 'minor' }, context()))).toEqual([
      ['faultCategory', 'not-allowed'],
      ['severity', 'not-allowed'],
    ]);
  });

  it('refuses duplicateOf with another reason', () => {
    expect(errorsOf(decideScreening({ outcome: 'invalid', reason: 'misuse', duplicateOf: 'SR-1' }, context()))).toEqual([['duplicateOf', 'not-allowed']]);
  });
});

describe('decideScreening: duplicate', () => {
  const target = { id: 'SR-1', serialNumber: 'CUT-1' };

  it('links to the original and confirms the registration\'s suggestion', () => {
    const s = screeningOf(decideScreening({ outcome: 'invalid', reason: 'duplicate', duplicateOf: 'SR-1' }, context({ suggestedDuplicateOf: 'SR-1', duplicateTarget: target })));
    expect(s).toMatchObject({ outcome: 'invalid', reason: 'duplicate', duplicateOf: 'SR-1', suggestion: 'confirmed' });
  });

  it('overrules the suggestion when the agent names another original', () => {
    const s = screeningOf(decideScreening({ outcome: 'invalid', reason: 'duplicate', duplicateOf: 'SR-1' }, context({ suggestedDuplicateOf: 'SR-0' })));
    expect(s.suggestion).toBe('overruled');
  });

  it('without a suggestion, records none', () => {
    expect(screeningOf(decideScreening({ outcome: 'invalid', reason: 'duplicate', duplicateOf: 'SR-1' }, context())).suggestion).toBe('none');
  });

  it('needs duplicateOf', () => {
    const d = decideScreening({ outcome: 'invalid', reason: 'duplicate' }, context());
    expect(errorsOf(d)).toEqual([['duplicateOf', 'required']]);
    expect(!d.ok && d.errors[0]!.message).toBe('duplicateOf: reason duplicate needs the id of the original request');
  });

  it.each([['', 'invalid'], ['  ', 'invalid'], [17, 'invalid'], ['SR-2', 'invalid']] as const)('refuses duplicateOf %j', (duplicateOf, code) => {
    expect(errorsOf(decideScreening({ outcome: 'invalid', reason: 'duplicate', duplicateOf }, context()))).toEqual([['duplicateOf', code]]);
  });

  it('refuses an original that does not exist', () => {
    expect(errorsOf(decideScreening({ outcome: 'invalid', reason: 'duplicate', duplicateOf: 'SR-404' }, context({ duplicateTarget: null })))).toEqual([['duplicateOf', 'unknown-value']]);
  });

  it('refuses an original on another machine', () => {
    const d = decideScreening({ outcome: 'invalid', reason: 'duplicate', duplicateOf: 'SR-1' }, context({ duplicateTarget: { id: 'SR-1', serialNumber: 'CUT-9' } }));
    expect(errorsOf(d)).toEqual([['duplicateOf', 'invalid']]);
    expect(!d.ok && d.errors[0]!.message).toMatch(/about machine CUT-9, not CUT-1/);
  });

  it('refuses a looked-up request that is not the one named', () => {
    expect(errorsOf(decideScreening({ outcome: 'invalid', reason: 'duplicate', duplicateOf: 'SR-1' }, context({ duplicateTarget: { id: 'SR-3', serialNumber: 'CUT-1' } })))).toEqual([['duplicateOf', 'invalid']]);
  });

  it('reports duplicateOf together with a stray classification', () => {
    const input: ScreeningInput = { outcome: 'invalid', reason: 'duplicate', severity: 'major' };
    expect(errorsOf(decideScreening(input, context()))).toEqual([
      ['severity', 'not-allowed'],
      ['duplicateOf', 'required'],
    ]);
  });
});
