/**
 * The calendars and SLA policies the platform ships with; a manufacturer edits them as data.
 * Ids match the entitlement defaults in services/intake/domain/entitlement.ts.
 */
import type { BusinessCalendar, ServiceCalendar } from './calendar-model';
import type { EscalationStep, PriorityTier, SlaPolicy, TierTargets } from './policy';

const hour = 3_600_000;
const minute = 60_000;

const weekday = [
  { start: '08:30', end: '12:00' },
  { start: '13:00', end: '17:30' },
];

const closed = (from: string, days: number): string[] =>
  Array.from({ length: days }, (_, i) => new Date(Date.parse(`${from}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10));
const makeUp = (date: string, holiday: string) => ({ date, hours: weekday, reason: `make-up working day for ${holiday} (调休)` });

/**
 * China, business hours with a lunch break, with the public holidays and make-up working days
 * (调休) of 2026 as the State Council announced them (the same days as holidays/cn/2026.txt, which a
 * unit test holds this to). Later years arrive as imports of their notice's file; until one is
 * imported the calendar's owner is warned (see holidayHorizonShort), not left to a silent cliff.
 */
export const businessHoursCalendar: BusinessCalendar = {
  kind: 'business',
  timeZone: 'Asia/Shanghai',
  week: { 1: weekday, 2: weekday, 3: weekday, 4: weekday, 5: weekday, 6: [], 7: [] },
  holidays: [
    ...closed('2026-01-01', 3), ...closed('2026-02-15', 9), ...closed('2026-04-04', 3), ...closed('2026-05-01', 5),
    ...closed('2026-06-19', 3), ...closed('2026-09-25', 3), ...closed('2026-10-01', 7),
  ],
  exceptions: [
    makeUp('2026-01-04', '元旦'), makeUp('2026-02-14', '春节'), makeUp('2026-02-28', '春节'), makeUp('2026-05-09', '劳动节'),
    makeUp('2026-09-20', '国庆节'), makeUp('2026-10-10', '国庆节'),
  ],
};

export const alwaysOpenCalendar: ServiceCalendar = { kind: '24x7', timeZone: 'Asia/Shanghai' };

export const defaultCalendars: Readonly<Record<string, ServiceCalendar>> = {
  'business-hours': businessHoursCalendar,
  '24x7': alwaysOpenCalendar,
};

/** Respond within the hour, on site 4 h in provincial capitals and 12 h elsewhere (P1), as published promises read. */
const standardTiers: Record<PriorityTier, TierTargets> = {
  P1: { firstResponseMs: 1 * hour, onSite: { kind: 'duration', defaultMs: 12 * hour, byLocationClass: { 'provincial-capital': 4 * hour } }, resolutionMs: 24 * hour },
  P2: { firstResponseMs: 2 * hour, onSite: { kind: 'duration', defaultMs: 18 * hour, byLocationClass: { 'provincial-capital': 8 * hour } }, resolutionMs: 40 * hour },
  P3: { firstResponseMs: 4 * hour, onSite: { kind: 'next-business-day' }, resolutionMs: 72 * hour },
  P4: { firstResponseMs: 8 * hour, onSite: { kind: 'duration', defaultMs: 40 * hour }, resolutionMs: 120 * hour },
};

const ladder = (minutes: number[]): EscalationStep[] => {
  const actions = ['notify-supervisor', 'reassign', 'tell-customer', 'raise-tier'] as const;
  return actions.map((action, i) => ({ action, afterBreachMs: minutes[i]! * minute }));
};

/** Urgent tiers climb fast; P4 never raises its tier on its own, it only informs. */
const standardLadder: Record<PriorityTier, EscalationStep[]> = {
  P1: ladder([0, 30, 60, 120]),
  P2: ladder([0, 60, 120, 240]),
  P3: ladder([0, 240, 480, 1440]),
  P4: ladder([0, 480, 1440, 2880]).slice(0, 3),
};

function policy(id: string, name: string, tiers: Record<PriorityTier, TierTargets> = standardTiers): SlaPolicy {
  return { id, name, warnAtRatio: 0.75, provisionalTier: 'P3', tiers, escalation: standardLadder };
}

const premiumTiers: Record<PriorityTier, TierTargets> = {
  P1: { firstResponseMs: 30 * minute, onSite: { kind: 'duration', defaultMs: 8 * hour, byLocationClass: { 'provincial-capital': 4 * hour } }, resolutionMs: 24 * hour },
  P2: { firstResponseMs: 1 * hour, onSite: { kind: 'duration', defaultMs: 12 * hour, byLocationClass: { 'provincial-capital': 6 * hour } }, resolutionMs: 36 * hour },
  P3: { firstResponseMs: 2 * hour, onSite: { kind: 'duration', defaultMs: 24 * hour }, resolutionMs: 48 * hour },
  P4: { firstResponseMs: 4 * hour, onSite: { kind: 'duration', defaultMs: 48 * hour }, resolutionMs: 96 * hour },
};

export const defaultPolicies: Readonly<Record<string, SlaPolicy>> = Object.fromEntries(
  [
    policy('warranty-standard', 'Warranty, standard'),
    policy('warranty-extended', 'Warranty, extended'),
    policy('warranty-parts-only', 'Warranty, parts only'),
    policy('warranty-supplier', 'Supplier warranty'),
    policy('paid-standard', 'Paid service'),
    policy('contract-standard', 'Service contract, standard'),
    policy('contract-premium', 'Service contract, premium', premiumTiers),
  ].map((p) => [p.id, p]),
);
