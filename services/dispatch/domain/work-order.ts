/**
 * The work order's life as a pure state machine: which step is allowed in which status, what the
 * step leads to, and how a dispatch request becomes a job the ranking can plan.
 */
import type { ResolutionRoute } from '@aftersales/contracts';
import type { AssignmentJob, GeoPoint } from './assignment';

export const workOrderStatuses = ['proposed', 'assigned', 'accepted', 'travelling', 'on-site', 'working', 'work-finished', 'completed', 'cancelled'] as const;
export type WorkOrderStatus = (typeof workOrderStatuses)[number];

export const workOrderSteps = ['accept', 'decline', 'start-travel', 'arrive', 'start-work', 'finish-work', 'complete'] as const;
export type WorkOrderStep = (typeof workOrderSteps)[number];

export type Tier = 'P1' | 'P2' | 'P3' | 'P4';

/** A field visit walks every step; remote, ship-part and depot jobs have no travel and no arrival. */
const fieldSteps: Record<WorkOrderStep, { from: readonly WorkOrderStatus[]; to: WorkOrderStatus }> = {
  accept: { from: ['assigned'], to: 'accepted' },
  decline: { from: ['assigned', 'accepted'], to: 'proposed' },
  'start-travel': { from: ['accepted'], to: 'travelling' },
  arrive: { from: ['travelling'], to: 'on-site' },
  'start-work': { from: ['on-site'], to: 'working' },
  'finish-work': { from: ['working'], to: 'work-finished' },
  complete: { from: ['work-finished'], to: 'completed' },
};
const deskSteps: Record<WorkOrderStep, { from: readonly WorkOrderStatus[]; to: WorkOrderStatus }> = {
  ...fieldSteps,
  'start-travel': { from: [], to: 'travelling' },
  arrive: { from: [], to: 'on-site' },
  // Nobody travels: work starts once someone accepted it, or straight from the proposal (a phone fix).
  'start-work': { from: ['proposed', 'assigned', 'accepted'], to: 'working' },
};

export type StepDecision = { ok: true; to: WorkOrderStatus } | { ok: false; reason: string };

export function decideStep(route: ResolutionRoute, status: WorkOrderStatus, step: WorkOrderStep): StepDecision {
  const rule = (route === 'field-visit' ? fieldSteps : deskSteps)[step];
  if (rule.from.includes(status)) return { ok: true, to: rule.to };
  if (rule.from.length === 0) return { ok: false, reason: `${step} does not apply to a ${route} work order` };
  return { ok: false, reason: `${step} is not allowed while the work order is ${status} (allowed from ${rule.from.join(', ')})` };
}

/** Still holds (or may hold) an engineer's time. */
export function isOpen(status: WorkOrderStatus): boolean {
  return status !== 'completed' && status !== 'cancelled';
}

/** Re-planning moves only what has not started moving: once the engineer is on the road the job stays. */
export function isReplannable(status: WorkOrderStatus): boolean {
  return status === 'proposed' || status === 'assigned' || status === 'accepted';
}

/** A remote entitlement is fixed by phone or remote diagnosis first; everything else starts as a field visit. */
export function initialRoute(responseMode: 'on-site' | 'nbd' | 'remote'): ResolutionRoute {
  return responseMode === 'remote' ? 'remote' : 'field-visit';
}

/** A route may change until someone is on the way: afterwards it is a new work order, not a new route. */
export function canChangeRoute(status: WorkOrderStatus): boolean {
  return status === 'proposed' || status === 'assigned' || status === 'accepted';
}

/** Minimum skill level by tier: urgent jobs need someone who can fix it alone. */
export const MINIMUM_LEVEL_BY_TIER: Readonly<Record<Tier, number>> = { P1: 3, P2: 2, P3: 1, P4: 1 };

/** Planned on-site work per visit when nothing better is known (a diagnosis and a repair). */
export const DEFAULT_VISIT_MINUTES = 120;

export interface PlanningFacts {
  productLine: string | null;
  site: (GeoPoint & { city: string }) | null;
  tier: Tier;
  onSiteDueAt: Date | null;
  neededParts: readonly string[];
}

export type JobDecision = { ok: true; job: AssignmentJob } | { ok: false; field: string; reason: string };

/**
 * The job the ranking plans: the machine's product line decides the skill, the site decides travel
 * and territory (a territory is a city). Without either, nobody can be ranked.
 */
export function planningJob(facts: PlanningFacts): JobDecision {
  if (!facts.productLine) return { ok: false, field: 'machine', reason: 'the machine is not in the installed base: no product line to match skills on' };
  if (!facts.site) return { ok: false, field: 'site', reason: 'the site has no coordinates: travel cannot be estimated' };
  return {
    ok: true,
    job: {
      productLine: facts.productLine,
      skill: 'repair',
      minimumLevel: MINIMUM_LEVEL_BY_TIER[facts.tier],
      site: { lat: facts.site.lat, lon: facts.site.lon },
      siteTerritory: facts.site.city,
      onSiteDueAt: facts.onSiteDueAt,
      tier: facts.tier,
      durationMinutes: DEFAULT_VISIT_MINUTES,
      neededParts: [...new Set(facts.neededParts)],
    },
  };
}
