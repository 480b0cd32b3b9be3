/**
 * An SLA clock as plain, JSON-safe data plus pure transitions. The clock stores only what
 * happened (start, pauses, stop, target); elapsed time, due and warning instants are always
 * derived from those facts on its calendar. That is what makes a re-target recompute from the
 * original start and keeps a paused clock from ticking: there is no running counter to drift.
 *
 * Instants are ISO strings in the data and the view (workflow state and query results go
 * through JSON); functions take `Date`s.
 */
import { assertValidCalendar, type ServiceCalendar } from './calendar-model';
import { addExcludingMs, betweenExcludingMs, mergePauses, toDurationMs, toInstantMs } from './calendar';
import { piecewiseTimeline, type CalendarChange } from './calendar-changes';
import { ClockTransitionError, SlaArgumentError, type ClockState, type ClockTransition } from './errors';

export const DEFAULT_WARN_AT_RATIO = 0.75;

export interface ClockPause {
  readonly from: string;
  /** null while the pause is open. */
  readonly to: string | null;
  /** Why the clock is not counting, e.g. 'waiting-on-customer'. */
  readonly reason: string;
}

export interface SlaClock {
  readonly name: string;
  readonly targetMs: number;
  /** Share of the target after which the clock warns, 0 < ratio < 1. */
  readonly warnAtRatio: number;
  readonly calendar: ServiceCalendar;
  readonly startedAt: string;
  readonly pauses: readonly ClockPause[];
  /** When the target was met or the clock otherwise ended; null while it runs or is paused. */
  readonly stoppedAt: string | null;
  /** Calendars that replaced `calendar` while the clock was open, in order; absent when none did. */
  readonly calendarChanges?: readonly CalendarChange[];
}

export interface StartClockInput {
  name: string;
  targetMs: number;
  warnAtRatio?: number;
  calendar: ServiceCalendar;
  startedAt: Date;
}

/** `met` and a final `breached` only once stopped; a running or paused clock is on-track, warning or breached. */
export type ClockStatus = 'on-track' | 'warning' | 'breached' | 'met';

export interface ClockView {
  name: string;
  targetMs: number;
  warnAtRatio: number;
  startedAt: string;
  /** When the warning threshold is (or was) reached; while paused, as if resumed now. */
  warnAt: string;
  /** When the target is (or was) reached; pauses push it by the working time they covered. */
  dueAt: string;
  /** Counted working time: working time since the start minus paused working time. */
  elapsedMs: number;
  /** Working time covered by pauses (time outside working hours counts in neither). */
  pausedMs: number;
  /** Target left, never negative; see `overdueMs` once breached. */
  remainingMs: number;
  overdueMs: number;
  status: ClockStatus;
  /** Paused is a flag, not a status: a paused clock is still on-track, warning or breached. */
  paused: boolean;
  pausedSince: string | null;
  pauseReason: string | null;
  stoppedAt: string | null;
}

/** The next instant a workflow timer must fire for this clock, and why. */
export interface ClockDeadline {
  kind: 'warning' | 'breach';
  at: Date;
}

const iso = (ms: number) => new Date(ms).toISOString();

function checkTarget(targetMs: number, field = 'targetMs'): number {
  toDurationMs(field, targetMs);
  if (targetMs === 0) throw new SlaArgumentError(field, `${field} must be more than 0 ms`);
  return targetMs;
}

function checkWarnAtRatio(ratio: number): number {
  if (!Number.isFinite(ratio) || ratio <= 0 || ratio >= 1) {
    throw new SlaArgumentError('warnAtRatio', `warnAtRatio must lie strictly between 0 and 1 (got ${ratio}); a warning comes before a breach`);
  }
  return ratio;
}

export function clockState(clock: SlaClock): ClockState {
  if (clock.stoppedAt !== null) return 'stopped';
  const last = clock.pauses[clock.pauses.length - 1];
  return last && last.to === null ? 'paused' : 'running';
}

/** The latest instant the clock's data records; transitions and views never go before it. */
function lastEventMs(clock: SlaClock): number {
  let last = Date.parse(clock.startedAt);
  for (const p of clock.pauses) last = Math.max(last, Date.parse(p.from), p.to === null ? last : Date.parse(p.to));
  for (const c of clock.calendarChanges ?? []) last = Math.max(last, Date.parse(c.at));
  return clock.stoppedAt === null ? last : Math.max(last, Date.parse(clock.stoppedAt));
}

/** Throws unless the clock is in one of `allowed` states and `at` is not before its last event. */
function guard(clock: SlaClock, transition: ClockTransition, allowed: readonly ClockState[], at?: Date): number {
  const state = clockState(clock);
  if (!allowed.includes(state)) {
    const reason =
      state === 'stopped'
        ? `it stopped at ${clock.stoppedAt}`
        : state === 'paused'
          ? `it is already paused since ${clock.pauses[clock.pauses.length - 1]?.from}`
          : 'it is running, not paused';
    throw new ClockTransitionError(clock.name, transition, state, reason);
  }
  if (at === undefined) return Number.NaN;
  const atMs = toInstantMs('at', at);
  const last = lastEventMs(clock);
  if (atMs < last) {
    throw new ClockTransitionError(clock.name, transition, state, `${iso(atMs)} is before its last event at ${iso(last)}`, 'at');
  }
  return atMs;
}

export function startClock(input: StartClockInput): SlaClock {
  if (typeof input.name !== 'string' || input.name.trim() === '') throw new SlaArgumentError('name', 'a clock needs a name');
  assertValidCalendar(input.calendar);
  return {
    name: input.name,
    targetMs: checkTarget(input.targetMs),
    warnAtRatio: checkWarnAtRatio(input.warnAtRatio ?? DEFAULT_WARN_AT_RATIO),
    calendar: input.calendar,
    startedAt: iso(toInstantMs('startedAt', input.startedAt)),
    pauses: [],
    stoppedAt: null,
  };
}

/** Stops counting from `at` (also outside working hours or on a holiday) until `resumeClock`. */
export function pauseClock(clock: SlaClock, at: Date, reason: string): SlaClock {
  const atMs = guard(clock, 'pause', ['running'], at);
  return { ...clock, pauses: [...clock.pauses, { from: iso(atMs), to: null, reason }] };
}

export function resumeClock(clock: SlaClock, at: Date): SlaClock {
  const atMs = guard(clock, 'resume', ['paused'], at);
  const pauses = clock.pauses.slice(0, -1);
  const open = clock.pauses[clock.pauses.length - 1];
  if (!open) throw new Error('unreachable: a paused clock has an open pause');
  return { ...clock, pauses: [...pauses, { ...open, to: iso(atMs) }] };
}

/** Ends the clock (target reached: met or breached, per `clockView`). Stopping a paused clock closes its pause. */
export function stopClock(clock: SlaClock, at: Date): SlaClock {
  const atMs = guard(clock, 'stop', ['running', 'paused'], at);
  const stopped = clockState(clock) === 'paused' ? resumeClock(clock, at) : clock;
  return { ...stopped, stoppedAt: iso(atMs) };
}

/**
 * A tier change: the same clock under a new target (and optionally warning ratio). Due and
 * warning instants are derived from the original start and the recorded pauses, so elapsed and
 * paused time are kept; a shorter target can make the clock breached as of the past due instant.
 */
export function retarget(clock: SlaClock, newTargetMs: number, warnAtRatio: number = clock.warnAtRatio): SlaClock {
  guard(clock, 'retarget', ['running', 'paused']);
  return { ...clock, targetMs: checkTarget(newTargetMs, 'newTargetMs'), warnAtRatio: checkWarnAtRatio(warnAtRatio) };
}

/**
 * The clock counts on `calendar` from `at` on; the working time it counted before stays as it was,
 * and what is left of the target is measured on the new calendar (so due and warning instants
 * move by the working time the change adds or removes ahead of them).
 */
export function changeCalendar(clock: SlaClock, calendar: ServiceCalendar, at: Date, label?: string): SlaClock {
  const atMs = guard(clock, 'change-calendar', ['running', 'paused'], at);
  assertValidCalendar(calendar);
  const change: CalendarChange = { at: iso(atMs), calendar, ...(label ? { label } : {}) };
  return { ...clock, calendarChanges: [...(clock.calendarChanges ?? []), change] };
}

/** The calendar the clock counts on now: its last change's, else the one it started on. */
export function calendarInForce(clock: SlaClock): ServiceCalendar {
  return clock.calendarChanges?.[clock.calendarChanges.length - 1]?.calendar ?? clock.calendar;
}

/**
 * The clock as of `now`. A `now` before the clock's last recorded event is read as that event
 * (workflow time never goes back; a stale `now` must not un-pause history). A stopped clock is
 * viewed at its stop.
 */
export function clockView(clock: SlaClock, now: Date): ClockView {
  const nowMs = toInstantMs('now', now);
  const timeline = piecewiseTimeline(clock.calendar, clock.calendarChanges ?? []);
  const startMs = Date.parse(clock.startedAt);
  const endMs = clock.stoppedAt === null ? Math.max(nowMs, lastEventMs(clock)) : Date.parse(clock.stoppedAt);
  // The open pause counts up to `endMs`; due and warning are then projected as if the clock resumed there.
  const pauses = mergePauses(
    clock.pauses.map((p) => ({ fromMs: Date.parse(p.from), toMs: p.to === null ? null : Date.parse(p.to) })),
    startMs,
    endMs,
  );
  const elapsedMs = betweenExcludingMs(timeline, startMs, endMs, pauses);
  const pausedMs = timeline.between(startMs, endMs) - elapsedMs;
  const warnMs = Math.floor(clock.targetMs * clock.warnAtRatio);
  const state = clockState(clock);
  const open = state === 'paused' ? clock.pauses[clock.pauses.length - 1] : undefined;

  // Breached from the due instant on: a stop exactly at it, or later outside working hours, is late.
  const breached = elapsedMs >= clock.targetMs;
  const status: ClockStatus =
    state === 'stopped' ? (breached ? 'breached' : 'met') : breached ? 'breached' : elapsedMs >= warnMs ? 'warning' : 'on-track';

  return {
    name: clock.name,
    targetMs: clock.targetMs,
    warnAtRatio: clock.warnAtRatio,
    startedAt: clock.startedAt,
    warnAt: iso(addExcludingMs(timeline, startMs, warnMs, pauses)),
    dueAt: iso(addExcludingMs(timeline, startMs, clock.targetMs, pauses)),
    elapsedMs,
    pausedMs,
    remainingMs: Math.max(0, clock.targetMs - elapsedMs),
    overdueMs: Math.max(0, elapsedMs - clock.targetMs),
    status,
    paused: state === 'paused',
    pausedSince: open?.from ?? null,
    pauseReason: open?.reason ?? null,
    stoppedAt: clock.stoppedAt,
  };
}

/**
 * When the workflow must next wake for this clock: the warning, then the breach. Null while
 * paused (resume recomputes it), once stopped, and once breached (escalation ladders time
 * themselves from `dueAt`). Re-ask after every transition and re-target.
 */
export function nextDeadline(clock: SlaClock, now: Date): ClockDeadline | null {
  if (clockState(clock) !== 'running') return null;
  const view = clockView(clock, now);
  if (view.status === 'on-track') return { kind: 'warning', at: new Date(view.warnAt) };
  if (view.status === 'warning') return { kind: 'breach', at: new Date(view.dueAt) };
  return null;
}
