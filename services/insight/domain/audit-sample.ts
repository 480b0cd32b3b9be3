/**
 * The internal auditor's sample: evidence that every request was registered, answered,
 * dispatched, closed and followed up (DOMAIN.md, roles). Requests registered in the period are
 * drawn at random, stratified by tier and channel so rare strata (a P1, an alarm) are seen, with
 * an injected random source: the same seed draws the same sample, so the auditor can redo it. For
 * each request drawn the lifecycle is proved or its gaps listed, and the registration's missing
 * fields named.
 */
import type { CaseRecord } from './case-record';

/**
 * Facts the audit reads that the case record may not carry yet (optional: when absent the field
 * counts as missing, which is what the auditor must be told).
 */
export interface AuditFacts {
  /** The registration named a contact person with a phone or an e-mail (a name alone reaches nobody). */
  hasContact?: boolean;
  symptom?: string | null;
  /** Who owns the request (the coordinator who took it); else the assigned engineer is its owner. */
  ownerId?: string | null;
  cancellationReason?: string | null;
}
export type AuditableCase = CaseRecord & AuditFacts;

/** A number in [0, 1), like Math.random: injected so a sample can be drawn again. */
export type RandomSource = () => number;

/**
 * A small seeded generator (the public-domain Mulberry32 algorithm): the sample must be
 * reproducible from the seed the auditor writes down, not cryptographically strong.
 */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export type LifecycleStep = 'registered' | 'answered' | 'dispatched' | 'resolved' | 'accepted' | 'closed' | 'followed-up' | 'cancelled';
export type StepStatus = 'done' | 'missing' | 'not-yet-due' | 'not-applicable';

export type GapCode =
  | 'never-answered'
  | 'valid-never-dispatched'
  | 'closed-without-resolution'
  | 'closed-without-acceptance'
  | 'never-followed-up'
  | 'cancelled-without-reason'
  | 'open-past-needed-by'
  | 'steps-out-of-order';

export type RegistrationField = 'customer' | 'contact' | 'channel' | 'machine' | 'symptom' | 'raisedAt' | 'neededBy' | 'dispatchedAt' | 'owner' | 'solvedAt' | 'acceptedAt';

export interface CaseAudit {
  requestId: string;
  stratum: { tier: string; channel: string };
  steps: { step: LifecycleStep; at: string | null; status: StepStatus }[];
  gaps: { code: GapCode; detail: string }[];
  /** Every step that was due happened, in order. */
  proved: boolean;
  /** Still open and not yet past its needed-by: later steps are not due. */
  inProgress: boolean;
  missingAtRegistration: RegistrationField[];
}

export interface AuditOptions {
  /**
   * The follow-up (survey) is due this many days after the close; a close younger than that is
   * not yet a gap. 7 days: follow-up calls are made within the week after closing.
   */
  followUpDays: number;
}

export const defaultAuditOptions: AuditOptions = { followUpDays: 7 };

const dayMs = 86_400_000;
const present = (s: string | null | undefined) => s !== null && s !== undefined && s.trim() !== '';

/** The lifecycle of one request, judged at `now`. */
export function auditCase(c: AuditableCase, now: string, options: AuditOptions = defaultAuditOptions): CaseAudit {
  const nowMs = Date.parse(now);
  const cancelled = c.cancelledAt !== null;
  const valid = c.screening === 'valid';
  const invalid = c.screening === 'invalid';
  const closed = c.closedAt !== null;
  const followUpDue = closed && Date.parse(c.closedAt!) + options.followUpDays * dayMs <= nowMs;
  const inProgress = !closed && !cancelled && !invalid && Date.parse(c.neededBy) > nowMs;

  const step = (name: LifecycleStep, at: string | null, due: boolean, applicable = true) => ({
    step: name,
    at,
    status: (at !== null ? 'done' : !applicable ? 'not-applicable' : due ? 'missing' : 'not-yet-due') as StepStatus,
  });
  const beyondScreening = !invalid;
  const steps = [
    step('registered', c.registeredAt, true),
    step('answered', c.screenedAt, true, !cancelled),
    step('dispatched', c.firstAssignedAt, valid, beyondScreening && !cancelled),
    step('resolved', c.resolvedAt, closed, beyondScreening && !cancelled),
    step('accepted', c.acceptedAt, closed, beyondScreening && !cancelled),
    step('closed', c.closedAt, !inProgress && !cancelled && beyondScreening, beyondScreening && !cancelled),
    step('followed-up', c.survey?.at ?? null, followUpDue, closed),
    step('cancelled', c.cancelledAt, false, cancelled),
  ];

  const gaps: CaseAudit['gaps'] = [];
  const gap = (code: GapCode, detail: string) => gaps.push({ code, detail });
  if (c.screenedAt === null && !cancelled) gap('never-answered', 'registered but never answered (no screening decision)');
  if (valid && c.firstAssignedAt === null && !cancelled) gap('valid-never-dispatched', 'screened valid but no engineer was ever assigned');
  if (closed && c.resolvedAt === null) gap('closed-without-resolution', 'closed with no resolution reported');
  if (closed && c.acceptedAt === null) gap('closed-without-acceptance', 'closed without the customer\'s acceptance');
  if (followUpDue && c.survey === null) gap('never-followed-up', `no follow-up survey ${options.followUpDays} days after the close`);
  if (cancelled && !present(c.cancellationReason)) gap('cancelled-without-reason', 'cancelled without a recorded reason');
  if (!closed && !cancelled && !invalid && Date.parse(c.neededBy) <= nowMs) gap('open-past-needed-by', `still open after it was needed by ${c.neededBy}`);
  const done = steps.filter((s) => s.at !== null && s.step !== 'followed-up' && s.step !== 'cancelled');
  const backwards = done.findIndex((s, i) => i > 0 && Date.parse(s.at!) < Date.parse(done[i - 1]!.at!));
  if (backwards > 0) gap('steps-out-of-order', `${done[backwards]!.step} (${done[backwards]!.at}) before ${done[backwards - 1]!.step} (${done[backwards - 1]!.at})`);

  return {
    requestId: c.requestId,
    stratum: stratumOf(c),
    steps,
    gaps,
    proved: gaps.length === 0 && !inProgress,
    inProgress,
    missingAtRegistration: missingAtRegistration(c),
  };
}

/** Which of the fields a complete record holds are missing; the later ones only once they are due. */
export function missingAtRegistration(c: AuditableCase): RegistrationField[] {
  const closed = c.closedAt !== null;
  const checks: [RegistrationField, boolean][] = [
    ['customer', present(c.customerId)],
    ['contact', c.hasContact === true],
    ['channel', present(c.channel)],
    ['machine', present(c.serialNumber)],
    ['symptom', present(c.symptom)],
    ['raisedAt', present(c.raisedAt)],
    ['neededBy', present(c.neededBy)],
    ['dispatchedAt', c.screening !== 'valid' || c.cancelledAt !== null || c.firstAssignedAt !== null],
    // An invalid request's owner is its screener, whom no event names: the owner is due once the request is valid.
    ['owner', c.screening !== 'valid' || present(c.ownerId ?? c.engineerId)],
    ['solvedAt', !closed || c.resolvedAt !== null],
    ['acceptedAt', !closed || c.acceptedAt !== null],
  ];
  return checks.filter(([, ok]) => !ok).map(([field]) => field);
}

const stratumOf = (c: CaseRecord) => ({ tier: c.tier ?? 'none', channel: c.channel });
const stratumKey = (c: CaseRecord) => `${c.tier ?? 'none'}|${c.channel}`;

/**
 * How many to draw from each stratum: one from each first, so no stratum goes unseen (with more
 * strata than `size` the sample is larger than asked), then each further draw to the stratum
 * furthest below its proportional share (`size` × its part of the population; ties to the first),
 * never more than a stratum holds.
 */
export function allocate(sizes: readonly number[], size: number): number[] {
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total === 0) return sizes.map(() => 0);
  const quotas = sizes.map((n) => (size * n) / total);
  const counts: number[] = sizes.map((n) => (n > 0 ? 1 : 0));
  const wanted = Math.max(counts.reduce((a, b) => a + b, 0), Math.min(size, total));
  for (let drawn = counts.reduce((a, b) => a + b, 0); drawn < wanted; drawn += 1) {
    let best = -1;
    for (let i = 0; i < sizes.length; i += 1) {
      if (counts[i]! < sizes[i]! && (best < 0 || quotas[i]! - counts[i]! > quotas[best]! - counts[best]!)) best = i;
    }
    counts[best]! += 1;
  }
  return counts;
}

/** Draws k of the items without replacement (a partial Fisher–Yates shuffle). */
function drawFrom<T>(items: readonly T[], k: number, random: RandomSource): T[] {
  const pool = [...items];
  for (let i = 0; i < k; i += 1) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, k);
}

export interface AuditSampleRequest {
  from: string;
  to: string;
  now: string;
  /** How many requests to draw in all (see `allocate`). */
  size: number;
  options?: Partial<AuditOptions>;
}

export interface AuditSample {
  population: number;
  strata: { tier: string; channel: string; population: number; sampled: number }[];
  cases: CaseAudit[];
}

/** The auditor's sample of the requests registered in [from, to). */
export function drawAuditSample(cases: readonly AuditableCase[], request: AuditSampleRequest, random: RandomSource): AuditSample {
  const fromMs = Date.parse(request.from);
  const toMs = Date.parse(request.to);
  if (Number.isNaN(fromMs) || Number.isNaN(toMs) || Number.isNaN(Date.parse(request.now))) throw new RangeError('from, to and now must be ISO instants');
  if (!Number.isInteger(request.size) || request.size < 0) throw new RangeError('size must be a whole number, 0 or more');
  const options = { ...defaultAuditOptions, ...request.options };
  // Sorted first, so the draw depends on the seed only, not on the order the store returned the cases in.
  const population = cases
    .filter((c) => Date.parse(c.registeredAt) >= fromMs && Date.parse(c.registeredAt) < toMs)
    .sort((a, b) => (a.requestId < b.requestId ? -1 : a.requestId > b.requestId ? 1 : 0));
  const strata = new Map<string, AuditableCase[]>();
  for (const c of population) strata.set(stratumKey(c), [...(strata.get(stratumKey(c)) ?? []), c]);
  const keys = [...strata.keys()].sort();
  const counts = allocate(keys.map((k) => strata.get(k)!.length), request.size);
  const drawn = keys.map((k, i) => drawFrom(strata.get(k)!, counts[i]!, random));
  return {
    population: population.length,
    strata: keys.map((k, i) => ({ ...stratumOf(strata.get(k)![0]!), population: strata.get(k)!.length, sampled: counts[i]! })),
    cases: drawn.flat().map((c) => auditCase(c, request.now, options)),
  };
}
