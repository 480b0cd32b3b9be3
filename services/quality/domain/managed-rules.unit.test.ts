import { describe, expect, it } from 'vitest';
import { checkEightDRules, checkRecurrenceRule, shippedEightDRules, shippedRecurrenceRules } from './managed-rules';

describe('quality rules as data', () => {
  it('the shipped values pass their own checks', () => {
    for (const [id, body] of Object.entries(shippedRecurrenceRules)) expect(checkRecurrenceRule(body, id)).toEqual([]);
    expect(checkEightDRules(shippedEightDRules.default)).toEqual([]);
  });

  it('the default needs every threshold; a product line only what differs', () => {
    expect(checkRecurrenceRule({ sameModelCount: 2 }, 'default').map((p) => p.field)).toContain('sameModelWindowDays');
    expect(checkRecurrenceRule({ sameModelCount: 2 }, 'fiber-laser-cutting')).toEqual([]);
    expect(checkRecurrenceRule({ sameModelCount: 1 }, 'fiber-laser-cutting').map((p) => p.field)).toEqual(['sameModelCount']);
    expect(checkRecurrenceRule({ severeTiers: ['P5'] }, 'x').map((p) => p.field)).toEqual(['severeTiers[0]']);
    expect(checkRecurrenceRule({ sameModelcount: 2 }, 'x').map((p) => p.field)).toEqual(['sameModelcount']);
  });

  it('8D rules name the discipline or chain level at fault', () => {
    const good = shippedEightDRules.default!;
    expect(checkEightDRules({ ...good, dueHours: { ...good.dueHours, D4: 0 } }).map((p) => p.field)).toEqual(['dueHours.D4']);
    expect(checkEightDRules({ ...good, escalationChain: [{ to: 'a', afterHours: 10 }, { to: 'b', afterHours: 5 }] }).map((p) => p.field)).toEqual(['escalationChain']);
    expect(checkEightDRules({ ...good, escalationChain: [] }).map((p) => p.field)).toEqual(['escalationChain']);
  });
});
