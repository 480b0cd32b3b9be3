/**
 * The lifecycle table: which transition each status allows, the extra waiting-on-customer rules
 * and which statuses are final. Pure: the state is plain data, no Temporal.
 */
import { describe, expect, it } from 'vitest';
import { businessHoursCalendar, defaultPolicies } from '@aftersales/sla';
import { assertAllowed, isAllowed, isFinal, TransitionRefused, type Transition } from './lifecycle';
import type { ServiceRequestState, ServiceRequestStatus } from './messages';
import { startSla } from './sla-engine';

const statuses = [
  'registered',
  'screened-invalid',
  'awaiting-quote',
  'awaiting-dispatch',
  'dispatched',
  'on-site',
  'resolved',
  'closed',
  'followed-up',
  'cancelled',
] as const satisfies readonly ServiceRequestStatus[];

const transitions = [
  'firstResponse',
  'screen',
  'retriage',
  'waitOnCustomer',
  'resume',
  'workOrderAssigned',
  'engineerArrived',
  'resolve',
  'acceptance',
  'survey',
  'cancel',
  'reopen',
  'workOrderStep',
  'route',
  'quote',
  'quoteOverride',
  'parts',
] as const satisfies readonly Transition[];

// The lists above name every status and every transition: this does not compile otherwise.
type Missing<All, Listed> = [Exclude<All, Listed>] extends [never] ? true : false;
const everyStatusListed: Missing<ServiceRequestStatus, (typeof statuses)[number]> = true;
const everyTransitionListed: Missing<Transition, (typeof transitions)[number]> = true;

type Row = Record<(typeof statuses)[number], 0 | 1>;

/**
 * The expected table, written out by hand (1 = allowed). Columns: registered, screened-invalid,
 * awaiting-quote, awaiting-dispatch, dispatched, on-site, resolved, closed, followed-up, cancelled.
 * waitOnCustomer and resume also depend on the waiting flag; their rows say where the status
 * allows them (see the waiting rules below).
 */
const row = (...cells: (0 | 1)[]): Row => Object.fromEntries(statuses.map((s, i) => [s, cells[i]])) as Row;
//                                reg inv  aq aw dis on res clo fol can
const expected: Record<Transition, Row> = {
  firstResponse: /*           */ row(1, 0, 1, 1, 1, 1, 1, 0, 0, 0),
  screen: /*                  */ row(1, 0, 0, 0, 0, 0, 0, 0, 0, 0),
  retriage: /*                */ row(0, 0, 1, 1, 1, 1, 0, 0, 0, 0),
  waitOnCustomer: /*          */ row(1, 0, 1, 1, 1, 1, 0, 0, 0, 0),
  resume: /*                  */ row(1, 0, 1, 1, 1, 1, 0, 0, 0, 0),
  workOrderAssigned: /*       */ row(0, 0, 0, 1, 1, 0, 0, 0, 0, 0),
  engineerArrived: /*         */ row(0, 0, 0, 0, 1, 0, 0, 0, 0, 0),
  resolve: /*                 */ row(0, 0, 0, 1, 1, 1, 0, 0, 0, 0),
  acceptance: /*              */ row(0, 0, 0, 0, 0, 0, 1, 0, 0, 0),
  survey: /*                  */ row(0, 0, 0, 0, 0, 0, 0, 1, 0, 0),
  cancel: /*                  */ row(1, 0, 1, 1, 1, 1, 0, 0, 0, 0),
  reopen: /*                  */ row(0, 0, 0, 0, 0, 0, 0, 1, 0, 0),
  workOrderStep: /*           */ row(0, 0, 0, 1, 1, 1, 0, 0, 0, 0),
  route: /*                   */ row(1, 0, 1, 1, 1, 1, 0, 0, 0, 0),
  quote: /*                   */ row(1, 0, 1, 1, 1, 1, 0, 0, 0, 0),
  quoteOverride: /*           */ row(1, 0, 1, 0, 0, 0, 0, 0, 0, 0),
  parts: /*                   */ row(1, 0, 1, 1, 1, 1, 1, 0, 0, 0),
};

const allowedFrom = (transition: Transition) => statuses.filter((s) => expected[transition][s] === 1);

function stateOf(status: ServiceRequestStatus, waitingOnCustomer = false): ServiceRequestState {
  const registeredAt = '2026-11-30T00:30:00.000Z';
  const sla = startSla(
    { policy: defaultPolicies['warranty-standard']!, calendar: businessHoursCalendar, responseMode: 'on-site', locationClass: null },
    new Date(registeredAt),
  );
  return {
    requestId: 'SR-1',
    status,
    registeredAt,
    sla,
    screening: null,
    waitingOnCustomer,
    workOrder: null,
    resolution: null,
    survey: null,
    reopened: 0,
    escalations: [],
    history: [],
    appliedEventIds: [],
    eventSeq: 0,
    syncRevision: 0,
  };
}

/** The flag each transition is checked with: resume needs a waiting request, everything else a non-waiting one. */
const waitingFor = (transition: Transition) => transition === 'resume';

const cases = transitions.flatMap((transition) => statuses.map((status) => ({ transition, status, allowed: expected[transition][status] === 1 })));

describe('the lifecycle table', () => {
  it('lists every status and every transition', () => {
    expect(everyStatusListed && everyTransitionListed).toBe(true);
    expect(cases).toHaveLength(10 * 17);
  });

  it.each(cases.filter((c) => c.allowed))('allows $transition while $status', ({ transition, status }) => {
    const state = stateOf(status, waitingFor(transition));
    expect(isAllowed(state, transition)).toBe(true);
    expect(() => assertAllowed(state, transition)).not.toThrow();
  });

  it.each(cases.filter((c) => !c.allowed))('refuses $transition while $status, naming where it is allowed', ({ transition, status }) => {
    // With either waiting flag: the status alone refuses it.
    for (const waiting of [false, true]) {
      const state = stateOf(status, waiting);
      expect(isAllowed(state, transition)).toBe(false);
      let error: unknown;
      try {
        assertAllowed(state, transition);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(TransitionRefused);
      expect(error).toMatchObject({
        name: 'TransitionRefused',
        message: `${transition} is not allowed while the request is ${status} (allowed from: ${allowedFrom(transition).join(', ')})`,
      });
    }
  });

  it('decides the other transitions by status alone, whatever the waiting flag', () => {
    for (const { transition, status, allowed } of cases) {
      if (transition === 'waitOnCustomer' || transition === 'resume') continue;
      expect(isAllowed(stateOf(status, true), transition), `${transition} while ${status}, waiting`).toBe(allowed);
      expect(isAllowed(stateOf(status, false), transition), `${transition} while ${status}, not waiting`).toBe(allowed);
    }
  });
});

describe('waiting on the customer', () => {
  const open = ['registered', 'awaiting-quote', 'awaiting-dispatch', 'dispatched', 'on-site'] as const;

  it.each(open)('while %s: waitOnCustomer only when not waiting yet, resume only when waiting', (status) => {
    expect(isAllowed(stateOf(status, false), 'waitOnCustomer')).toBe(true);
    expect(isAllowed(stateOf(status, true), 'waitOnCustomer')).toBe(false);
    expect(() => assertAllowed(stateOf(status, true), 'waitOnCustomer')).toThrow(new TransitionRefused('the request already waits on the customer'));

    expect(isAllowed(stateOf(status, true), 'resume')).toBe(true);
    expect(isAllowed(stateOf(status, false), 'resume')).toBe(false);
    expect(() => assertAllowed(stateOf(status, false), 'resume')).toThrow(new TransitionRefused('the request is not waiting on the customer'));
  });

  it('checks the status first: a closed request that still says waiting is refused for its status', () => {
    expect(() => assertAllowed(stateOf('closed', true), 'resume')).toThrow(
      'resume is not allowed while the request is closed (allowed from: registered, awaiting-quote, awaiting-dispatch, dispatched, on-site)',
    );
    expect(() => assertAllowed(stateOf('resolved', false), 'waitOnCustomer')).toThrow(
      'waitOnCustomer is not allowed while the request is resolved (allowed from: registered, awaiting-quote, awaiting-dispatch, dispatched, on-site)',
    );
  });

  it('does not look at the rest of the state', () => {
    const state = { ...stateOf('dispatched', true), screening: null, workOrder: null };
    expect(isAllowed(state, 'resume')).toBe(true);
    expect(isAllowed(state, 'engineerArrived')).toBe(true);
  });
});

describe('isFinal', () => {
  it.each([
    ['registered', false],
    ['screened-invalid', true],
    ['awaiting-quote', false],
    ['awaiting-dispatch', false],
    ['dispatched', false],
    ['on-site', false],
    ['resolved', false],
    // Closed waits for the survey: not final yet.
    ['closed', false],
    ['followed-up', true],
    ['cancelled', true],
  ] as const satisfies readonly (readonly [ServiceRequestStatus, boolean])[])('%s -> %s', (status, final) => {
    expect(isFinal(status)).toBe(final);
  });

  it('allows nothing at all from a final status', () => {
    for (const status of statuses.filter(isFinal)) {
      for (const transition of transitions) {
        expect(isAllowed(stateOf(status, false), transition), `${transition} while ${status}`).toBe(false);
        expect(isAllowed(stateOf(status, true), transition), `${transition} while ${status}`).toBe(false);
      }
    }
  });
});
