/**
 * What the desk decides about a work order without asking the server again: whether it is still
 * open, which skill it needs, whether it may be assigned or re-planned now, and how a candidate's
 * score splits into its parts. The rules mirror dispatch's own (services/dispatch/domain); the
 * server still decides, these only choose which buttons to offer.
 */

export const openStatuses = ['proposed', 'assigned', 'accepted', 'travelling', 'on-site', 'working', 'work-finished'] as const;
export type Tier = 'P1' | 'P2' | 'P3' | 'P4';

export function isOpen(status: string): boolean {
  return (openStatuses as readonly string[]).includes(status);
}

/** Dispatch's MINIMUM_LEVEL_BY_TIER: urgent jobs need someone who can fix it alone. */
const minimumLevel: Record<Tier, number> = { P1: 3, P2: 2, P3: 1, P4: 1 };

/** The skill dispatch ranks on: repair of the machine's product line, at the tier's minimum level. */
export function neededSkill(productLine: string | null | undefined, tier: string): { productLine: string; skill: 'repair'; minimumLevel: number } | null {
  if (!productLine) return null;
  return { productLine, skill: 'repair', minimumLevel: minimumLevel[tier as Tier] ?? 1 };
}

/** Only a proposed field visit books an engineer's time. */
export function isAssignable(wo: { status: string; route: string }): boolean {
  return wo.status === 'proposed' && wo.route === 'field-visit';
}

/** Re-planning moves a field visit only until someone is on the road. */
export function isReplannable(wo: { status: string; route: string }): boolean {
  return wo.route === 'field-visit' && (wo.status === 'proposed' || wo.status === 'assigned' || wo.status === 'accepted');
}

export interface ScorePart {
  key: string;
  value: number;
  weight: number;
  points: number;
  explanation: string;
}

export interface ScoreSegment {
  key: string;
  /** Share of the best possible score (every part at full value), in percent. */
  widthPct: number;
  /** This part's points out of its weight. */
  points: number;
  weight: number;
}

/** A candidate's score as segments of one bar whose full length is the best possible score. */
export function scoreSegments(parts: readonly ScorePart[]): ScoreSegment[] {
  const best = parts.reduce((sum, p) => sum + Math.max(0, p.weight), 0);
  if (!(best > 0)) return [];
  return parts.map((p) => ({ key: p.key, widthPct: (Math.min(Math.max(0, p.points), Math.max(0, p.weight)) / best) * 100, points: p.points, weight: p.weight }));
}

/** Minutes as the desk shows them: "45 min", "2 h 05 min" (units from the user's language). */
export function minutesShown(minutes: number | null, units: { hour: string; minute: string }): string {
  if (minutes === null || !Number.isFinite(minutes)) return '—';
  const whole = Math.max(0, Math.round(minutes));
  if (whole < 60) return `${whole} ${units.minute}`;
  return `${Math.floor(whole / 60)} ${units.hour} ${String(whole % 60).padStart(2, '0')} ${units.minute}`;
}
