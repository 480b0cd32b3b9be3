import { describe, expect, it } from 'vitest';
import { businessHoursCalendar, defaultPolicies } from '@aftersales/sla';
import { checkCalendar, checkPolicy } from './managed-terms';

describe('managed SLA terms are checked before a version is stored', () => {
  const standard = defaultPolicies['warranty-standard']!;

  it('takes every shipped policy and calendar as they are', () => {
    for (const policy of Object.values(defaultPolicies)) expect(checkPolicy(policy), policy.id).toEqual([]);
    expect(checkCalendar(businessHoursCalendar)).toEqual([]);
  });

  it('names the field of a wrong shape: a missing tier, a negative target, an unknown action, an unknown field', () => {
    const { P4: _p4, ...threeTiers } = standard.tiers;
    expect(checkPolicy({ ...standard, tiers: threeTiers })).toEqual([expect.objectContaining({ field: 'tiers.P4' })]);
    const negative = { ...standard, tiers: { ...standard.tiers, P1: { ...standard.tiers.P1, firstResponseMs: -1 } } };
    expect(checkPolicy(negative).map((p) => p.field)).toEqual(['tiers.P1.firstResponseMs']);
    const unknownAction = { ...standard, escalation: { ...standard.escalation, P2: [{ action: 'call-the-ceo', afterBreachMs: 0 }] } };
    expect(checkPolicy(unknownAction).map((p) => p.field)).toEqual(['escalation.P2[0].action']);
    expect(checkPolicy({ ...standard, colour: 'red' }).map((p) => p.message).join()).toContain('colour');
  });

  it('names what the clocks cannot use: a ladder out of time order', () => {
    const ladder = [{ action: 'notify-supervisor', afterBreachMs: 60_000 }, { action: 'reassign', afterBreachMs: 0 }];
    expect(checkPolicy({ ...standard, escalation: { ...standard.escalation, P1: ladder } }).map((p) => p.field)).toEqual(['escalation.P1.1.afterBreachMs']);
  });

  it('names the calendar field that is wrong', () => {
    expect(checkCalendar({ ...businessHoursCalendar, week: { ...businessHoursCalendar.week, 1: [{ start: '25:00', end: '12:00' }] } }).map((p) => p.field)).toContain('week.1[0].start');
  });
});
