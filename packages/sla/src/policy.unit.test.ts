import { describe, expect, it } from 'vitest';
import { businessHoursCalendar, defaultPolicies } from './default-policies';
import { clockTargets, dueEscalationSteps, nextEscalationAt, raiseTier, validatePolicy, type SlaPolicy } from './policy';

const hour = 3_600_000;
const standard = defaultPolicies['warranty-standard']!;
// Tuesday 2026-11-24 10:00 in Shanghai.
const tuesdayMorning = new Date('2026-11-24T02:00:00Z');

describe('clockTargets', () => {
  it('gives the on-site target by location class, falling back to the default', () => {
    const facts = { responseMode: 'on-site' as const, calendar: businessHoursCalendar, startedAt: tuesdayMorning };
    expect(clockTargets(standard, 'P1', { ...facts, locationClass: 'provincial-capital' })).toEqual([
      { name: 'first-response', targetMs: 1 * hour },
      { name: 'on-site', targetMs: 4 * hour },
      { name: 'resolution', targetMs: 24 * hour },
    ]);
    expect(clockTargets(standard, 'P1', { ...facts, locationClass: 'elsewhere' })[1]).toEqual({ name: 'on-site', targetMs: 12 * hour });
    expect(clockTargets(standard, 'P1', { ...facts, locationClass: null })[1]).toEqual({ name: 'on-site', targetMs: 12 * hour });
  });

  it('turns next-business-day into the business time up to the end of the next business day', () => {
    // From Tuesday 10:00: the rest of Tuesday (2 h + 4.5 h) and all of Wednesday (3.5 h + 4.5 h) = 14.5 h.
    const targets = clockTargets(standard, 'P3', { responseMode: 'on-site', locationClass: null, calendar: businessHoursCalendar, startedAt: tuesdayMorning });
    expect(targets[1]).toEqual({ name: 'on-site', targetMs: 14.5 * hour });
  });

  it('skips a holiday for NBD: from the eve of New Year the next business day is Monday 4 January', () => {
    // Thursday 2026-12-31 16:00 Shanghai; Friday 1 January is a holiday, then a weekend: on site by Monday 17:30.
    const eve = new Date('2026-12-31T08:00:00Z');
    const [, onSite] = clockTargets(standard, 'P1', { responseMode: 'nbd', locationClass: 'provincial-capital', calendar: businessHoursCalendar, startedAt: eve });
    expect(onSite).toEqual({ name: 'on-site', targetMs: 1.5 * hour + 8 * hour });
  });

  it('runs no on-site clock for remote-only entitlement', () => {
    const names = clockTargets(standard, 'P2', { responseMode: 'remote', locationClass: null, calendar: businessHoursCalendar, startedAt: tuesdayMorning }).map((t) => t.name);
    expect(names).toEqual(['first-response', 'resolution']);
  });
});

describe('escalation ladder', () => {
  const ladder = standard.escalation.P1;
  const breachedAt = new Date('2026-11-24T03:00:00Z');

  it('releases the steps in order as their time comes', () => {
    expect(dueEscalationSteps(ladder, breachedAt, 0, breachedAt).map((s) => s.action)).toEqual(['notify-supervisor']);
    expect(dueEscalationSteps(ladder, breachedAt, 1, new Date(breachedAt.getTime() + 29 * 60_000))).toEqual([]);
    expect(dueEscalationSteps(ladder, breachedAt, 1, new Date(breachedAt.getTime() + 61 * 60_000)).map((s) => s.action)).toEqual(['reassign', 'tell-customer']);
    expect(dueEscalationSteps(ladder, breachedAt, 4, new Date(breachedAt.getTime() + 10 * hour))).toEqual([]);
  });

  it('says when the next step is due, and null once the ladder is done', () => {
    expect(nextEscalationAt(ladder, breachedAt, 1)).toEqual(new Date(breachedAt.getTime() + 30 * 60_000));
    expect(nextEscalationAt(ladder, breachedAt, ladder.length)).toBeNull();
  });

  it('raises a tier by one, never above P1', () => {
    expect([raiseTier('P4'), raiseTier('P3'), raiseTier('P2'), raiseTier('P1')]).toEqual(['P3', 'P2', 'P1', 'P1']);
  });
});

describe('validatePolicy', () => {
  it('accepts every default policy', () => {
    for (const policy of Object.values(defaultPolicies)) expect(validatePolicy(policy), policy.id).toEqual([]);
  });

  it('names the fields of a broken policy', () => {
    const broken: SlaPolicy = {
      ...standard,
      warnAtRatio: 1.2,
      tiers: { ...standard.tiers, P2: { ...standard.tiers.P2, firstResponseMs: 0 } },
      escalation: { ...standard.escalation, P1: [{ action: 'reassign', afterBreachMs: 60_000 }, { action: 'notify-supervisor', afterBreachMs: 0 }] },
    };
    expect(validatePolicy(broken).map((p) => p.field)).toEqual(['warnAtRatio', 'escalation.P1.1.afterBreachMs', 'tiers.P2.firstResponseMs']);
  });
});
