/**
 * Which of an engineer's work orders are today's jobs, and in what order: the day is the device's
 * own day (the engineer's local midnight to midnight), as they live it.
 */

export type StepStamp = 'acceptedAt' | 'travelStartedAt' | 'arrivedAt' | 'workStartedAt' | 'workFinishedAt' | 'completedAt' | 'cancelledAt';

export interface JobSummary {
  id: string;
  requestId: string;
  status: string;
  route: string;
  tier: string;
  serialNumber: string;
  customerId: string;
  engineerId: string | null;
  plannedDepartAt: string | null;
  plannedStart: string | null;
  plannedEnd: string | null;
  steps: Partial<Record<StepStamp, string>>;
  createdAt: string;
}

export function localDay(now: Date): { start: Date; end: Date } {
  const start = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const end = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1);
  return { start, end };
}

const within = (iso: string | undefined | null, day: { start: Date; end: Date }) => {
  if (!iso) return false;
  const t = new Date(iso).getTime();
  return t >= day.start.getTime() && t < day.end.getTime();
};

/**
 * Today's jobs: open ones planned to start before tonight (an unfinished job from yesterday is
 * still today's work) or not planned at all, and those finished today, so the engineer sees the
 * day's work whole. Ordered by planned start; unplanned last.
 */
export function todaysJobs(items: readonly JobSummary[], now: Date): JobSummary[] {
  const day = localDay(now);
  const today = items.filter((wo) => {
    if (wo.status === 'cancelled') return false;
    if (wo.status === 'completed') return within(wo.steps.completedAt, day);
    return !wo.plannedStart || new Date(wo.plannedStart).getTime() < day.end.getTime();
  });
  const key = (wo: JobSummary) => (wo.plannedStart ? new Date(wo.plannedStart).getTime() : Number.POSITIVE_INFINITY);
  return [...today].sort((a, b) => key(a) - key(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Whole minutes from one instant to another, never negative (a clock skew is not negative travel). */
export function minutesBetween(from: Date, to: Date): number {
  return Math.max(0, Math.round((to.getTime() - from.getTime()) / 60_000));
}
