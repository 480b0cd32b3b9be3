/**
 * Typed errors. Everything here is pure arithmetic on data, so no error is `retriable`: trying
 * the same input again gives the same answer. `field` names the offending input, as the HTTP
 * error body and workflow update validators expect.
 */
export class SlaError extends Error {
  readonly code: string;
  readonly field: string | undefined;
  readonly retriable = false;

  constructor(message: string, opts: { code: string; field?: string; cause?: unknown }) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = opts.code;
    this.field = opts.field;
  }
}

/** One thing wrong with a service calendar, naming the field (`week.1[0].end`, `timeZone`, …). */
export interface CalendarProblem {
  field: string;
  message: string;
}

export class InvalidCalendarError extends SlaError {
  readonly problems: readonly CalendarProblem[];

  constructor(problems: readonly CalendarProblem[]) {
    const first = problems[0];
    const summary = problems.map((p) => `${p.field}: ${p.message}`).join('; ');
    super(`invalid service calendar: ${summary}`, { code: 'invalid_calendar', ...(first ? { field: first.field } : {}) });
    this.problems = problems;
  }
}

/** A calendar search ran over many days without finding working time; looping on would never end. */
export class NoWorkingTimeError extends SlaError {
  constructor(message: string) {
    super(message, { code: 'no_working_time', field: 'calendar' });
  }
}

export class SlaArgumentError extends SlaError {
  constructor(field: string, message: string) {
    super(message, { code: 'invalid_argument', field });
  }
}

export type ClockState = 'running' | 'paused' | 'stopped';
export type ClockTransition = 'pause' | 'resume' | 'stop' | 'retarget' | 'change-calendar';

/** A transition the clock's current state does not allow (pause a paused clock, act on a stopped one, go back in time). */
export class ClockTransitionError extends SlaError {
  readonly clock: string;
  readonly transition: ClockTransition;
  readonly state: ClockState;

  constructor(clock: string, transition: ClockTransition, state: ClockState, reason: string, field?: string) {
    super(`cannot ${transition} SLA clock "${clock}" (${state}): ${reason}`, { code: 'invalid_clock_transition', ...(field ? { field } : {}) });
    this.clock = clock;
    this.transition = transition;
    this.state = state;
  }
}
