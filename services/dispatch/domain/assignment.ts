/**
 * Assignment scoring: a pure, explainable ranking of candidate engineers for one work order.
 *
 * Eligibility first (skill present at the minimum level, a free slot that reaches the site by the
 * on-site due instant, not blocked by an absence), then a weighted sum of parts, each in [0, 1]:
 * skill match, territory, travel time, slot versus due, current load, fairness (jobs in the last
 * 30 days relative to the pool) and parts on the van. Every part carries its value, weight, points
 * and a one-line explanation so a dispatcher sees why one engineer stands above another.
 *
 * Travel model: great-circle (haversine) distance from the engineer's home base to the site, times
 * a road factor (default 1.3), over an average speed (default 60 km/h), rounded up to whole minutes.
 * Travel is working time: the block [departAt, end) must fit inside one free window, must not
 * overlap a booking or an absence, and must not start before `now`. Bookings are assumed to end at
 * home base (no chaining between job sites), which is conservative.
 */

export interface GeoPoint { lat: number; lon: number }

/** Half-open interval [start, end). Empty or inverted intervals block nothing and offer nothing. */
export interface Interval { start: Date; end: Date }

export interface AssignmentJob {
  productLine: string;
  skill: string;
  minimumLevel: number;
  site: GeoPoint;
  siteTerritory: string;
  /** Latest arrival on site; null when the tier has no on-site target. */
  onSiteDueAt: Date | null;
  tier: string;
  durationMinutes: number;
  neededParts: readonly string[];
}

export interface EngineerSkill {
  productLine: string;
  skill: string;
  level: number;
}

export interface CandidateEngineer {
  engineerId: string;
  skills: readonly EngineerSkill[];
  territories: readonly string[];
  homeBase: GeoPoint;
  openJobs: number;
  jobsLast30Days: number;
  bookings: readonly Interval[];
  absences: readonly Interval[];
  /** Working time still free over the next days (the calendar, simplified). */
  freeWindows: readonly Interval[];
  vanStock: readonly string[];
}

export const scoreKeys = ['skill', 'territory', 'travel', 'slot', 'load', 'fairness', 'parts'] as const;
export type ScoreKey = (typeof scoreKeys)[number];
export type ScoreWeights = Readonly<Record<ScoreKey, number>>;

/** Slot and skill decide most; travel next; load and parts break near-ties; fairness spreads work. */
export const DEFAULT_WEIGHTS: ScoreWeights = Object.freeze({
  skill: 3,
  territory: 1,
  travel: 2,
  slot: 3,
  load: 1.5,
  fairness: 1,
  parts: 1.5,
});

export interface TravelModel { roadFactor: number; averageSpeedKmh: number }
export const DEFAULT_TRAVEL_MODEL: TravelModel = Object.freeze({ roadFactor: 1.3, averageSpeedKmh: 60 });

export interface RankingOptions {
  weights?: ScoreWeights;
  travel?: TravelModel;
  /** Travel at or beyond this scores 0 on the travel part. */
  maxTravelMinutes?: number;
  /** Without an on-site due, an arrival this far from now scores 0 on the slot part. */
  slotHorizonMinutes?: number;
  /** Highest skill level on the scale (levels run 1..maxSkillLevel). */
  maxSkillLevel?: number;
}

export interface ScorePart {
  key: ScoreKey;
  value: number;
  weight: number;
  points: number;
  explanation: string;
}

export type IneligibilityCode = 'missing-skill' | 'skill-below-minimum' | 'absent' | 'no-free-slot' | 'no-slot-before-due';

export interface Slot {
  /** Leaves home base. */
  departAt: Date;
  /** Arrives on site and starts work. */
  start: Date;
  end: Date;
}

export interface CandidateAssessment {
  engineerId: string;
  eligible: boolean;
  ineligibility: { code: IneligibilityCode; explanation: string } | null;
  score: number;
  parts: ScorePart[];
  distanceKm: number | null;
  travelMinutes: number | null;
  /** Earliest feasible slot; for `no-slot-before-due` the late slot, so the dispatcher sees it. */
  slot: Slot | null;
}

export interface Ranking {
  /** Eligible candidates, best first: score desc, then earliest slot, then engineer id. */
  ranked: CandidateAssessment[];
  /** Ineligible candidates with their reason, by engineer id. */
  ineligible: CandidateAssessment[];
}

const MINUTE_MS = 60_000;
const EARTH_RADIUS_KM = 6371;

export const DEFAULT_AUTO_ASSIGN_TIERS: ReadonlySet<string> = new Set(['P1', 'P2']);

/** Auto-assign the best candidate for these tiers; propose the ranking for the rest. */
export function shouldAutoAssign(tier: string, autoAssignTiers: Iterable<string> = DEFAULT_AUTO_ASSIGN_TIERS): boolean {
  for (const t of autoAssignTiers) if (t === tier) return true;
  return false;
}

/** Great-circle distance in km (haversine, mean Earth radius 6371 km). */
export function haversineKm(a: GeoPoint, b: GeoPoint): number {
  const rad = (deg: number) => (deg * Math.PI) / 180;
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Estimated driving minutes (unrounded): distance × road factor / average speed. */
export function estimateTravelMinutes(from: GeoPoint, to: GeoPoint, model: TravelModel = DEFAULT_TRAVEL_MODEL): number {
  return ((haversineKm(from, to) * model.roadFactor) / model.averageSpeedKmh) * 60;
}

export interface SlotRequest {
  notBefore: Date;
  durationMinutes: number;
  /** Lead time before the slot (travel), which must itself fall in the free window. */
  travelMinutes: number;
  freeWindows: readonly Interval[];
  /** Bookings and absences: the block may not overlap any of them. */
  busy: readonly Interval[];
}

/**
 * Earliest block [departAt, end) = travel + work that starts at or after `notBefore`, lies inside a
 * single free window and overlaps no busy interval; null when none exists.
 */
export function findSlot(req: SlotRequest): Slot | null {
  if (!(req.durationMinutes > 0) || !Number.isFinite(req.durationMinutes)) throw new RangeError('durationMinutes must be a positive finite number');
  if (!(req.travelMinutes >= 0) || !Number.isFinite(req.travelMinutes)) throw new RangeError('travelMinutes must be a non-negative finite number');
  const leadMs = Math.round(req.travelMinutes * MINUTE_MS);
  const blockMs = leadMs + Math.round(req.durationMinutes * MINUTE_MS);
  const busy = req.busy.map(toMs).filter((b) => b.end > b.start);
  const notBefore = req.notBefore.getTime();
  let best: number | null = null;
  for (const w of req.freeWindows.map(toMs)) {
    let from = Math.max(w.start, notBefore);
    while (from + blockMs <= w.end) {
      const to = from + blockMs;
      let jumpTo = -Infinity;
      for (const b of busy) if (b.start < to && b.end > from) jumpTo = Math.max(jumpTo, b.end);
      if (jumpTo === -Infinity) {
        if (best === null || from < best) best = from;
        break;
      }
      from = jumpTo;
    }
  }
  if (best === null) return null;
  return { departAt: new Date(best), start: new Date(best + leadMs), end: new Date(best + blockMs) };
}

/** Rank the candidates for a job as of `now`; pure and independent of the candidates' order. */
export function rankCandidates(job: AssignmentJob, candidates: readonly CandidateEngineer[], now: Date, options: RankingOptions = {}): Ranking {
  const ctx: Context = {
    job,
    now,
    weights: options.weights ?? DEFAULT_WEIGHTS,
    travel: options.travel ?? DEFAULT_TRAVEL_MODEL,
    maxTravelMinutes: options.maxTravelMinutes ?? 240,
    slotHorizonMs: (options.slotHorizonMinutes ?? 48 * 60) * MINUTE_MS,
    maxSkillLevel: options.maxSkillLevel ?? 5,
    poolMinJobs: Math.min(...candidates.map((c) => c.jobsLast30Days)),
    poolMaxJobs: Math.max(...candidates.map((c) => c.jobsLast30Days)),
  };
  const all = candidates.map((c) => assess(c, ctx));
  const ranked = all.filter((a) => a.eligible).sort(compareAssessments);
  const ineligible = all.filter((a) => !a.eligible).sort((a, b) => compareIds(a.engineerId, b.engineerId));
  return { ranked, ineligible };
}

interface Context {
  job: AssignmentJob;
  now: Date;
  weights: ScoreWeights;
  travel: TravelModel;
  maxTravelMinutes: number;
  slotHorizonMs: number;
  maxSkillLevel: number;
  poolMinJobs: number;
  poolMaxJobs: number;
}

function assess(c: CandidateEngineer, ctx: Context): CandidateAssessment {
  const { job, now } = ctx;
  // An engineer may hold several rows for one product line and skill (certified twice): the best counts.
  const skill = c.skills
    .filter((s) => s.productLine === job.productLine && s.skill === job.skill)
    .reduce<EngineerSkill | undefined>((best, s) => (best === undefined || s.level > best.level ? s : best), undefined);
  const nothing = { distanceKm: null, travelMinutes: null, slot: null };
  if (!skill) return ineligible(c, 'missing-skill', `no ${job.productLine}/${job.skill} skill`, nothing);
  if (skill.level < job.minimumLevel) {
    return ineligible(c, 'skill-below-minimum', `${job.productLine}/${job.skill} level ${skill.level} is below the minimum ${job.minimumLevel}`, nothing);
  }

  const distanceKm = haversineKm(c.homeBase, job.site);
  const travelMinutes = Math.ceil(((distanceKm * ctx.travel.roadFactor) / ctx.travel.averageSpeedKmh) * 60);
  const base = { notBefore: now, durationMinutes: job.durationMinutes, travelMinutes, freeWindows: c.freeWindows };
  const slot = findSlot({ ...base, busy: [...c.bookings, ...c.absences] });
  // A due instant already passed puts no bound on the slot: the job is overdue, send whoever arrives first.
  const dueMs = job.onSiteDueAt && job.onSiteDueAt.getTime() > now.getTime() ? job.onSiteDueAt.getTime() : null;
  const meetsDue = (s: Slot | null): boolean => s !== null && (dueMs === null || s.start.getTime() <= dueMs);

  if (slot === null || !meetsDue(slot)) {
    const withoutAbsences = findSlot({ ...base, busy: c.bookings });
    const facts = { distanceKm, travelMinutes, slot };
    if (withoutAbsences !== null && meetsDue(withoutAbsences)) {
      const blocking = c.absences.filter((a) => a.start < withoutAbsences.end && a.end > withoutAbsences.departAt);
      const spans = blocking.map((a) => `${fmt(a.start)}–${fmt(a.end)}`).join(', ');
      return ineligible(c, 'absent', `absent ${spans}, over the slot that would otherwise fit (${fmt(withoutAbsences.start)})`, facts);
    }
    if (slot === null) {
      return ineligible(c, 'no-free-slot', `no free window fits ${travelMinutes} min travel + ${job.durationMinutes} min work`, facts);
    }
    return ineligible(c, 'no-slot-before-due', `earliest arrival ${fmt(slot.start)} is after the on-site due ${fmt(new Date(dueMs ?? 0))}`, facts);
  }

  const parts = [
    skillPart(skill.level, ctx),
    territoryPart(c, ctx),
    travelPart(distanceKm, travelMinutes, ctx),
    slotPart(slot, dueMs, ctx),
    part('load', 1 / (1 + Math.max(0, c.openJobs)), ctx, `${c.openJobs} open job${c.openJobs === 1 ? '' : 's'}`),
    fairnessPart(c.jobsLast30Days, ctx),
    partsPart(c, ctx),
  ];
  const score = parts.reduce((sum, p) => sum + p.points, 0);
  return { engineerId: c.engineerId, eligible: true, ineligibility: null, score, parts, distanceKm, travelMinutes, slot };
}

function ineligible(
  c: CandidateEngineer,
  code: IneligibilityCode,
  explanation: string,
  facts: Pick<CandidateAssessment, 'distanceKm' | 'travelMinutes' | 'slot'>,
): CandidateAssessment {
  return { engineerId: c.engineerId, eligible: false, ineligibility: { code, explanation }, score: 0, parts: [], ...facts };
}

function part(key: ScoreKey, value: number, ctx: Context, explanation: string): ScorePart {
  const weight = ctx.weights[key];
  return { key, value, weight, points: value * weight, explanation };
}

function skillPart(level: number, ctx: Context): ScorePart {
  const { job, maxSkillLevel } = ctx;
  const span = Math.max(1, maxSkillLevel - job.minimumLevel);
  const value = clamp01(0.5 + (0.5 * (level - job.minimumLevel)) / span);
  return part('skill', value, ctx, `${job.productLine}/${job.skill} level ${level} (minimum ${job.minimumLevel}, scale to ${maxSkillLevel})`);
}

function territoryPart(c: CandidateEngineer, ctx: Context): ScorePart {
  const t = ctx.job.siteTerritory;
  const inside = c.territories.includes(t);
  const own = c.territories.length > 0 ? c.territories.join(', ') : 'none';
  return part('territory', inside ? 1 : 0, ctx, inside ? `site territory ${t} is one of the engineer's territories` : `site territory ${t} is outside the engineer's territories (${own})`);
}

function travelPart(distanceKm: number, minutes: number, ctx: Context): ScorePart {
  const roadKm = distanceKm * ctx.travel.roadFactor;
  const value = clamp01(1 - minutes / ctx.maxTravelMinutes);
  return part('travel', value, ctx, `${distanceKm.toFixed(1)} km great-circle, ~${roadKm.toFixed(1)} km by road, ${minutes} min at ${ctx.travel.averageSpeedKmh} km/h from home base`);
}

function slotPart(slot: Slot, dueMs: number | null, ctx: Context): ScorePart {
  const now = ctx.now.getTime();
  const wait = slot.start.getTime() - now;
  if (dueMs === null) {
    const overdue = ctx.job.onSiteDueAt !== null ? ' (on-site due already passed)' : ' (no on-site due)';
    return part('slot', clamp01(1 - wait / ctx.slotHorizonMs), ctx, `earliest arrival ${fmt(slot.start)}, in ${hours(wait)}${overdue}`);
  }
  const value = clamp01(1 - wait / (dueMs - now));
  return part('slot', value, ctx, `earliest arrival ${fmt(slot.start)}, ${hours(dueMs - slot.start.getTime())} before the on-site due ${fmt(new Date(dueMs))}`);
}

function fairnessPart(jobs: number, ctx: Context): ScorePart {
  const { poolMinJobs: lo, poolMaxJobs: hi } = ctx;
  const value = hi > lo ? clamp01((hi - jobs) / (hi - lo)) : 1;
  return part('fairness', value, ctx, `${jobs} jobs in the last 30 days (pool ${lo}–${hi})`);
}

function partsPart(c: CandidateEngineer, ctx: Context): ScorePart {
  const needed = [...new Set(ctx.job.neededParts)];
  if (needed.length === 0) return part('parts', 1, ctx, 'no parts needed');
  const van = new Set(c.vanStock);
  const missing = needed.filter((p) => !van.has(p));
  const onVan = needed.length - missing.length;
  const rest = missing.length > 0 ? ` (missing ${missing.join(', ')})` : '';
  return part('parts', onVan / needed.length, ctx, `${onVan} of ${needed.length} needed parts on the van${rest}`);
}

function compareAssessments(a: CandidateAssessment, b: CandidateAssessment): number {
  if (a.score !== b.score) return b.score - a.score;
  const sa = a.slot?.start.getTime() ?? Infinity;
  const sb = b.slot?.start.getTime() ?? Infinity;
  if (sa !== sb) return sa - sb;
  return compareIds(a.engineerId, b.engineerId);
}

/** Ids in code-unit order, the order `_id` sorts in. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function toMs(i: Interval): { start: number; end: number } {
  return { start: i.start.getTime(), end: i.end.getTime() };
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}

function fmt(d: Date): string {
  return `${d.toISOString().slice(0, 16)}Z`;
}

function hours(ms: number): string {
  return `${(ms / 3_600_000).toFixed(1)} h`;
}
