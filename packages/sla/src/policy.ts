/**
 * SLA policies as data: per priority tier the first-response, on-site and resolution targets,
 * and the escalation ladder that runs after a breach. Pure functions turn a policy, a tier and the
 * request's facts into clock targets, so the workflow holds no numbers of its own.
 */
import { businessTimeBetween, endOfBusinessDay, nextBusinessDayStart } from './calendar';
import type { ServiceCalendar } from './calendar-model';
import { SlaArgumentError } from './errors';

export const priorityTiers = ['P1', 'P2', 'P3', 'P4'] as const;
export type PriorityTier = (typeof priorityTiers)[number];

export const clockNames = ['first-response', 'on-site', 'resolution'] as const;
export type ClockName = (typeof clockNames)[number];

/** How the entitlement says the work is done: on-site within the tier's target, next business day, or remote only. */
export type ResponseMode = 'on-site' | 'nbd' | 'remote';

export type OnSiteTarget =
  /** Business time, possibly by the site's location class (e.g. 4 h in provincial capitals, 12 h elsewhere). */
  | { kind: 'duration'; defaultMs: number; byLocationClass?: Readonly<Record<string, number>> }
  /** On site by the end of the next business day. */
  | { kind: 'next-business-day' };

export interface TierTargets {
  firstResponseMs: number;
  onSite: OnSiteTarget;
  resolutionMs: number;
}

export const escalationActions = ['notify-supervisor', 'reassign', 'tell-customer', 'raise-tier'] as const;
export type EscalationAction = (typeof escalationActions)[number];

export interface EscalationStep {
  action: EscalationAction;
  /** Wall time after the breach at which this step runs; steps run in order. */
  afterBreachMs: number;
}

export interface SlaPolicy {
  id: string;
  name: string;
  warnAtRatio: number;
  /** The tier clocks run under from registration until screening sets the real one. */
  provisionalTier: PriorityTier;
  tiers: Readonly<Record<PriorityTier, TierTargets>>;
  escalation: Readonly<Record<PriorityTier, readonly EscalationStep[]>>;
}

export interface ClockTarget {
  name: ClockName;
  targetMs: number;
}

export interface TargetFacts {
  responseMode: ResponseMode;
  locationClass: string | null;
  calendar: ServiceCalendar;
  /** The request's registration instant: every target counts from it, also after a re-triage. */
  startedAt: Date;
}

/** The clocks a request runs under this policy and tier, with their business-time targets. */
export function clockTargets(policy: SlaPolicy, tier: PriorityTier, facts: TargetFacts): ClockTarget[] {
  const targets = policy.tiers[tier];
  if (!targets) throw new SlaArgumentError('tier', `policy ${policy.id} has no tier ${tier}`);
  const clocks: ClockTarget[] = [{ name: 'first-response', targetMs: targets.firstResponseMs }];
  // Remote-only entitlement: nobody is promised on site, so no on-site clock runs.
  if (facts.responseMode !== 'remote') clocks.push({ name: 'on-site', targetMs: onSiteTargetMs(targets.onSite, facts) });
  clocks.push({ name: 'resolution', targetMs: targets.resolutionMs });
  return clocks;
}

function onSiteTargetMs(target: OnSiteTarget, facts: TargetFacts): number {
  if (facts.responseMode === 'nbd' || target.kind === 'next-business-day') {
    // NBD as a business duration from the start, so pauses and re-triage treat it like any other target.
    const due = endOfBusinessDay(facts.calendar, nextBusinessDayStart(facts.calendar, facts.startedAt));
    return businessTimeBetween(facts.calendar, facts.startedAt, due);
  }
  return (facts.locationClass ? target.byLocationClass?.[facts.locationClass] : undefined) ?? target.defaultMs;
}

/** One tier more urgent, never above P1. */
export function raiseTier(tier: PriorityTier): PriorityTier {
  return priorityTiers[Math.max(0, priorityTiers.indexOf(tier) - 1)]!;
}

/** The ladder steps due by `now` for a clock breached at `breachedAt`, after the `done` first steps already ran. */
export function dueEscalationSteps(ladder: readonly EscalationStep[], breachedAt: Date, done: number, now: Date): EscalationStep[] {
  const due: EscalationStep[] = [];
  for (const step of ladder.slice(done)) {
    if (breachedAt.getTime() + step.afterBreachMs > now.getTime()) break;
    due.push(step);
  }
  return due;
}

/** When the next step of the ladder is due, or null when the ladder is done. */
export function nextEscalationAt(ladder: readonly EscalationStep[], breachedAt: Date, done: number): Date | null {
  const step = ladder[done];
  return step ? new Date(breachedAt.getTime() + step.afterBreachMs) : null;
}

/** Problems with a policy, each naming its field; empty when the policy can be used. */
export function validatePolicy(policy: SlaPolicy): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  if (!(policy.warnAtRatio > 0 && policy.warnAtRatio < 1)) problems.push({ field: 'warnAtRatio', message: 'must be between 0 and 1' });
  for (const tier of priorityTiers) {
    const t = policy.tiers[tier];
    if (!t) {
      problems.push({ field: `tiers.${tier}`, message: 'missing' });
      continue;
    }
    for (const [field, ms] of [['firstResponseMs', t.firstResponseMs], ['resolutionMs', t.resolutionMs]] as const) {
      if (!Number.isInteger(ms) || ms <= 0) problems.push({ field: `tiers.${tier}.${field}`, message: 'must be a positive whole number of ms' });
    }
    if (t.onSite.kind === 'duration' && !(t.onSite.defaultMs > 0)) problems.push({ field: `tiers.${tier}.onSite.defaultMs`, message: 'must be positive' });
    const ladder = policy.escalation[tier] ?? [];
    ladder.forEach((step, i) => {
      if (i > 0 && step.afterBreachMs < ladder[i - 1]!.afterBreachMs) {
        problems.push({ field: `escalation.${tier}.${i}.afterBreachMs`, message: 'steps must be in time order' });
      }
    });
  }
  return problems;
}
