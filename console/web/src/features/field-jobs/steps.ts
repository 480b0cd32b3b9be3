/**
 * The job's steps as the engineer walks them, in dispatch's order (services/dispatch/domain/work-order.ts):
 * a field visit accepts, travels, arrives, works and reports; a remote, ship-part or depot job has
 * no travel and no arrival. Each step is a POST on the work order; the report completes it.
 */
import type { StepStamp } from './day';

export type StepPath = 'acceptance' | 'travel-start' | 'arrival' | 'work-start' | 'work-finish' | 'report';

interface StepRule {
  path: StepPath;
  stamp: StepStamp;
  /** The status the work order must be in for this to be the next step. */
  from: string;
}

const fieldWalk: StepRule[] = [
  { path: 'acceptance', stamp: 'acceptedAt', from: 'assigned' },
  { path: 'travel-start', stamp: 'travelStartedAt', from: 'accepted' },
  { path: 'arrival', stamp: 'arrivedAt', from: 'travelling' },
  { path: 'work-start', stamp: 'workStartedAt', from: 'on-site' },
  { path: 'work-finish', stamp: 'workFinishedAt', from: 'working' },
  { path: 'report', stamp: 'completedAt', from: 'work-finished' },
];
const deskWalk = fieldWalk.filter((s) => s.path !== 'travel-start' && s.path !== 'arrival').map((s) => (s.path === 'work-start' ? { ...s, from: 'accepted' } : s));

export interface StepLine {
  path: StepPath;
  state: 'done' | 'next' | 'later';
  doneAt: string | null;
}

export function stepWalk(route: string, status: string, stamps: Partial<Record<StepStamp, string>>): StepLine[] {
  const walk = route === 'field-visit' ? fieldWalk : deskWalk;
  const nextIndex = walk.findIndex((s) => s.from === status);
  const finished = status === 'completed';
  return walk.map((s, i) => ({
    path: s.path,
    state: finished || (nextIndex >= 0 ? i < nextIndex : Boolean(stamps[s.stamp])) ? 'done' : i === nextIndex ? 'next' : 'later',
    doneAt: stamps[s.stamp] ?? null,
  }));
}

/** The one step the engineer can take now (the report is its own form), or null. */
export function nextStep(route: string, status: string): StepPath | null {
  return stepWalk(route, status, {}).find((s) => s.state === 'next')?.path ?? null;
}

/** Dispatch takes a decline until the engineer is on the way, and re-plans at once. */
export function canDecline(status: string): boolean {
  return status === 'assigned' || status === 'accepted';
}
