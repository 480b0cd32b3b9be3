/**
 * The request's SLA clocks as one pure unit: which clocks run, what is due at an instant
 * (warnings, breaches, escalation steps) and when the workflow must wake next. The workflow
 * applies what this returns; nothing here reads the time or does I/O, so it replays exactly.
 */
import {
  changeCalendar as changeClockCalendar,
  clockState,
  clockTargets,
  clockView,
  nextDeadline,
  nextEscalationAt,
  pauseClock,
  raiseTier,
  resumeClock,
  retarget,
  startClock,
  stopClock,
  type ClockName,
  type ClockView,
  type EscalationAction,
  type PriorityTier,
  type ResponseMode,
  type ServiceCalendar,
  type SlaClock,
  type SlaPolicy,
} from '@aftersales/sla';

export interface SlaTerms {
  policy: SlaPolicy;
  calendar: ServiceCalendar;
  responseMode: ResponseMode;
  locationClass: string | null;
  /** Which managed calendar and policy, and which versions, the terms were taken from (absent before they were managed). */
  calendarId?: string;
  calendarVersion?: number;
  policyVersion?: number;
}

/** A new version of the managed calendar a request's clocks run on. */
export interface CalendarVersion {
  calendarId: string;
  version: number;
  calendar: ServiceCalendar;
}

/** A due instant a calendar change moved, for the request's history. */
export interface DueMove {
  clock: string;
  from: string;
  to: string;
}

export interface ClockMarks {
  warnedAt: string | null;
  breachedAt: string | null;
  /** Escalation steps of the ladder already taken for this breach. */
  escalationsDone: number;
}

export interface SlaState {
  terms: SlaTerms;
  tier: PriorityTier;
  /** True until screening sets the tier; clocks run meanwhile under the policy's provisional tier. */
  tierProvisional: boolean;
  clocks: SlaClock[];
  marks: Record<string, ClockMarks>;
  /**
   * Clocks set aside because the promise does not apply (no visit on a remote or ship-part
   * route), kept whole so a route back to a visit restores them as they were. They count
   * neither as met nor as breached. Absent in states from before routes existed.
   */
  waived?: WaivedClock[];
}

export interface WaivedClock {
  clock: SlaClock;
  marks: ClockMarks;
  reason: string;
  at: string;
}

export type SlaAction =
  | { kind: 'warning'; clock: ClockName; view: ClockView }
  | { kind: 'breach'; clock: ClockName; view: ClockView }
  | { kind: 'escalation'; clock: ClockName; action: EscalationAction; step: number; tier: PriorityTier; breachedAt: string };

const noMarks = (): ClockMarks => ({ warnedAt: null, breachedAt: null, escalationsDone: 0 });

export function startSla(terms: SlaTerms, startedAt: Date, tier: PriorityTier = terms.policy.provisionalTier, provisional = true): SlaState {
  const targets = clockTargets(terms.policy, tier, { ...terms, startedAt });
  return {
    terms,
    tier,
    tierProvisional: provisional,
    clocks: targets.map((t) => startClock({ name: t.name, targetMs: t.targetMs, warnAtRatio: terms.policy.warnAtRatio, calendar: terms.calendar, startedAt })),
    marks: Object.fromEntries(targets.map((t) => [t.name, noMarks()])),
  };
}

const isRunning = (clock: SlaClock) => clockState(clock) === 'running';

/**
 * A transition is never recorded before the clock's last event: a request registered with a
 * raisedAt a moment ahead of the workflow's time, or a late fact, must not break the clock.
 */
function notBefore(clock: SlaClock, at: Date): Date {
  const instants = [clock.startedAt, ...clock.pauses.flatMap((p) => (p.to ? [p.from, p.to] : [p.from]))].map(Date.parse);
  return new Date(Math.max(at.getTime(), ...instants));
}
const isOpen = (clock: SlaClock) => clockState(clock) !== 'stopped';

/** A warning re-armed when the due moved past `now`; a breach un-done when the clock no longer is. */
function rearmed(mark: ClockMarks, view: ClockView, now: Date): ClockMarks {
  if (mark.breachedAt && view.status !== 'breached') return noMarks();
  if (mark.warnedAt && Date.parse(view.warnAt) > now.getTime()) return { ...mark, warnedAt: null };
  return mark;
}

/**
 * The request's calendar changed (holidays published, a closure, a make-up day): every open clock,
 * waived ones included, counts on the new calendar from `now`. Working time already counted stays;
 * the site's time zone is kept. Returns the due instants that moved.
 */
export function changeCalendar(sla: SlaState, change: CalendarVersion, now: Date): { sla: SlaState; moved: DueMove[] } {
  const zone = sla.terms.calendar.timeZone;
  const calendar = zone && change.calendar.timeZone !== zone ? { ...change.calendar, timeZone: zone } : change.calendar;
  const label = `${change.calendarId} version ${change.version}`;
  const moved: DueMove[] = [];
  const marks = { ...sla.marks };
  const change1 = (clock: SlaClock) => (isOpen(clock) ? changeClockCalendar(clock, calendar, notBefore(clock, now), label) : clock);
  const clocks = sla.clocks.map((clock) => {
    const next = change1(clock);
    if (next === clock) return clock;
    const [before, after] = [clockView(clock, now), clockView(next, now)];
    if (before.dueAt !== after.dueAt) moved.push({ clock: clock.name, from: before.dueAt, to: after.dueAt });
    const mark = marks[clock.name];
    if (mark) marks[clock.name] = rearmed(mark, after, now);
    return next;
  });
  const terms = { ...sla.terms, calendar, calendarId: change.calendarId, calendarVersion: change.version };
  return { sla: { ...sla, terms, clocks, marks, ...onWaived(sla, change1) }, moved };
}

/**
 * A tier change recomputes every open clock's target from its original start, keeping its pauses:
 * nothing restarts. A warning is re-armed when the new target moves it into the future.
 */
export function setTier(sla: SlaState, tier: PriorityTier, now: Date): SlaState {
  const marks = { ...sla.marks };
  const clocks = sla.clocks.map((clock) => {
    if (!isOpen(clock)) return clock;
    const target = clockTargets(sla.terms.policy, tier, { ...sla.terms, startedAt: new Date(clock.startedAt) }).find((t) => t.name === clock.name);
    if (!target) return clock;
    const next = retarget(clock, target.targetMs);
    // A longer target that un-breaches a clock ends its ladder; a shorter one may breach it now.
    marks[clock.name] = rearmed(marks[clock.name] ?? noMarks(), clockView(next, now), now);
    return next;
  });
  return { ...sla, tier, tierProvisional: false, clocks, marks };
}

// Waived clocks pause and resume with the others, so a restored one never counted the customer's time.
const onWaived = (sla: SlaState, change: (c: SlaClock) => SlaClock): Pick<SlaState, 'waived'> =>
  sla.waived ? { waived: sla.waived.map((w) => ({ ...w, clock: change(w.clock) })) } : {};

export function pauseAll(sla: SlaState, at: Date, reason: string): SlaState {
  const pause = (c: SlaClock) => (isRunning(c) ? pauseClock(c, notBefore(c, at), reason) : c);
  return { ...sla, clocks: sla.clocks.map(pause), ...onWaived(sla, pause) };
}

export function resumeAll(sla: SlaState, at: Date): SlaState {
  const resume = (c: SlaClock) => (clockState(c) === 'paused' ? resumeClock(c, notBefore(c, at)) : c);
  return { ...sla, clocks: sla.clocks.map(resume), ...onWaived(sla, resume) };
}

export function pauseOne(sla: SlaState, name: ClockName, at: Date, reason: string): SlaState {
  return { ...sla, clocks: sla.clocks.map((c) => (c.name === name && isRunning(c) ? pauseClock(c, notBefore(c, at), reason) : c)) };
}

export function resumeOne(sla: SlaState, name: ClockName, at: Date): SlaState {
  return { ...sla, clocks: sla.clocks.map((c) => (c.name === name && clockState(c) === 'paused' ? resumeClock(c, notBefore(c, at)) : c)) };
}

export function stopOne(sla: SlaState, name: ClockName, at: Date): SlaState {
  return { ...sla, clocks: sla.clocks.map((c) => (c.name === name && isOpen(c) ? stopClock(c, notBefore(c, at)) : c)) };
}

export function stopAll(sla: SlaState, at: Date): SlaState {
  return { ...sla, clocks: sla.clocks.map((c) => (isOpen(c) ? stopClock(c, notBefore(c, at)) : c)) };
}

export function isClockOpen(sla: SlaState, name: ClockName): boolean {
  const clock = sla.clocks.find((c) => c.name === name);
  return clock !== undefined && isOpen(clock);
}

export function views(sla: SlaState, now: Date): (ClockView & { marks: ClockMarks })[] {
  return sla.clocks.map((c) => ({ ...clockView(c, now), marks: sla.marks[c.name] ?? noMarks() }));
}

/**
 * What is due at `now`, in the order it happened, and the state with those marks set. Escalation
 * steps run only while the breached clock still runs: a paused clock waits on the customer, a
 * stopped one has nothing left to chase. A 'raise-tier' step retargets the clocks at once.
 */
export function dueActions(sla: SlaState, now: Date): { sla: SlaState; actions: SlaAction[] } {
  let state = sla;
  const actions: SlaAction[] = [];
  for (const clock of sla.clocks) {
    const name = clock.name as ClockName;
    const current = state.clocks.find((c) => c.name === name)!;
    const view = clockView(current, now);
    let mark = state.marks[name] ?? noMarks();
    const stopped = clockState(current) === 'stopped';
    if (!mark.warnedAt && !stopped && (view.status === 'warning' || view.status === 'breached') && Date.parse(view.warnAt) <= now.getTime()) {
      mark = { ...mark, warnedAt: view.warnAt };
      actions.push({ kind: 'warning', clock: name, view });
    }
    if (!mark.breachedAt && view.status === 'breached') {
      mark = { ...mark, breachedAt: view.dueAt };
      actions.push({ kind: 'breach', clock: name, view });
    }
    state = { ...state, marks: { ...state.marks, [name]: mark } };
    if (!mark.breachedAt || clockState(current) !== 'running') continue;
    for (;;) {
      // Re-read each pass: a raised tier has its own ladder, and its targets may un-breach this clock.
      const ladder = state.terms.policy.escalation[state.tier] ?? [];
      if (!mark.breachedAt || mark.escalationsDone >= ladder.length) break;
      const step = ladder[mark.escalationsDone]!;
      if (Date.parse(mark.breachedAt) + step.afterBreachMs > now.getTime()) break;
      actions.push({ kind: 'escalation', clock: name, action: step.action, step: mark.escalationsDone + 1, tier: state.tier, breachedAt: mark.breachedAt });
      mark = { ...mark, escalationsDone: mark.escalationsDone + 1 };
      state = { ...state, marks: { ...state.marks, [name]: mark } };
      if (step.action === 'raise-tier') {
        const raised = raiseTier(state.tier);
        if (raised !== state.tier) {
          state = setTier(state, raised, now);
          mark = state.marks[name] ?? noMarks();
        }
      }
    }
  }
  return { sla: state, actions };
}

/** The next instant anything can become due: a warning, a breach or an escalation step. */
export function nextWakeUp(sla: SlaState, now: Date): Date | null {
  let next: number | null = null;
  const consider = (at: Date | null) => {
    if (at && (next === null || at.getTime() < next)) next = at.getTime();
  };
  for (const clock of sla.clocks) {
    if (!isRunning(clock)) continue;
    consider(nextDeadline(clock, now)?.at ?? null);
    const mark = sla.marks[clock.name];
    if (mark?.breachedAt) consider(nextEscalationAt(sla.terms.policy.escalation[sla.tier] ?? [], new Date(mark.breachedAt), mark.escalationsDone));
  }
  return next === null ? null : new Date(next);
}

/**
 * Sets a clock aside that no longer applies. Only an open clock is waived: one already stopped
 * kept or broke its promise, and that stays on record.
 */
export function waiveOne(sla: SlaState, name: ClockName, at: Date, reason: string): SlaState {
  const clock = sla.clocks.find((c) => c.name === name);
  if (!clock || !isOpen(clock)) return sla;
  const { [name]: marks, ...otherMarks } = sla.marks;
  return {
    ...sla,
    clocks: sla.clocks.filter((c) => c !== clock),
    marks: otherMarks,
    waived: [...(sla.waived ?? []), { clock, marks: marks ?? noMarks(), reason, at: at.toISOString() }],
  };
}

/**
 * Brings a waived clock back, as if it had never been set aside: its target still counts from
 * its original start, so time spent on the other route counts against it (pauses for the customer
 * do not: waived clocks pause with the others). A tier change made meanwhile applies to it too.
 */
export function restoreWaived(sla: SlaState, name: ClockName): SlaState {
  const entry = (sla.waived ?? []).find((w) => w.clock.name === name);
  if (!entry) return sla;
  const target = clockTargets(sla.terms.policy, sla.tier, { ...sla.terms, startedAt: new Date(entry.clock.startedAt) }).find((t) => t.name === name);
  const clock = target && target.targetMs !== entry.clock.targetMs ? retarget(entry.clock, target.targetMs) : entry.clock;
  return { ...sla, clocks: [...sla.clocks, clock], marks: { ...sla.marks, [name]: entry.marks }, waived: (sla.waived ?? []).filter((w) => w !== entry) };
}

/**
 * A closed request reopened: its stopped resolution clock is kept, renamed with the round it
 * measured, and a fresh resolution clock runs from the reopening under the current tier's target.
 * The first-response and on-site clocks stay as they ended: those promises were kept or not.
 */
export function reopenResolution(sla: SlaState, at: Date, round: number): SlaState {
  const target = clockTargets(sla.terms.policy, sla.tier, { ...sla.terms, startedAt: at }).find((t) => t.name === 'resolution')!;
  const archivedName = `resolution-round-${round}`;
  const clocks = sla.clocks.map((c) => (c.name === 'resolution' ? { ...c, name: archivedName } : c));
  const fresh = startClock({ name: 'resolution', targetMs: target.targetMs, warnAtRatio: sla.terms.policy.warnAtRatio, calendar: sla.terms.calendar, startedAt: at });
  return { ...sla, clocks: [...clocks, fresh], marks: { ...sla.marks, [archivedName]: sla.marks.resolution ?? noMarks(), resolution: noMarks() } };
}
