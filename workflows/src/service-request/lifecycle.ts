/**
 * Which transition each status allows: one table, used by update validators (so a refused update
 * never enters history) and by signal handlers (so a late or out-of-order event is recorded, not applied).
 */
import type { ServiceRequestState, ServiceRequestStatus } from './messages';

export type Transition =
  | 'firstResponse'
  | 'screen'
  | 'retriage'
  | 'waitOnCustomer'
  | 'resume'
  | 'workOrderAssigned'
  | 'engineerArrived'
  | 'resolve'
  | 'acceptance'
  | 'survey'
  | 'cancel'
  | 'reopen'
  | 'workOrderStep'
  | 'route'
  | 'quote'
  | 'quoteOverride'
  | 'parts';

const open: ServiceRequestStatus[] = ['registered', 'awaiting-quote', 'awaiting-dispatch', 'dispatched', 'on-site'];

const allowedFrom: Record<Transition, readonly ServiceRequestStatus[]> = {
  firstResponse: [...open, 'resolved'],
  screen: ['registered'],
  retriage: ['awaiting-quote', 'awaiting-dispatch', 'dispatched', 'on-site'],
  waitOnCustomer: open,
  resume: open,
  workOrderAssigned: ['awaiting-dispatch', 'dispatched'],
  engineerArrived: ['dispatched'],
  resolve: ['awaiting-dispatch', 'dispatched', 'on-site'],
  acceptance: ['resolved'],
  survey: ['closed'],
  cancel: open,
  // A closed request comes back (the fault returned) while its follow-up is still open.
  reopen: ['closed'],
  workOrderStep: ['awaiting-dispatch', 'dispatched', 'on-site'],
  route: open,
  quote: open,
  // Before screening (then screening does not wait) or while the request waits for the quote.
  quoteOverride: ['registered', 'awaiting-quote'],
  // A part used is reported with the work, which may come after the resolution.
  parts: [...open, 'resolved'],
};

export class TransitionRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransitionRefused';
  }
}

/** Throws a message a person can act on when `transition` is not allowed now. */
export function assertAllowed(state: ServiceRequestState, transition: Transition): void {
  if (!allowedFrom[transition].includes(state.status)) {
    throw new TransitionRefused(`${transition} is not allowed while the request is ${state.status} (allowed from: ${allowedFrom[transition].join(', ')})`);
  }
  if (transition === 'waitOnCustomer' && state.waitingOnCustomer) throw new TransitionRefused('the request already waits on the customer');
  if (transition === 'resume' && !state.waitingOnCustomer) throw new TransitionRefused('the request is not waiting on the customer');
}

export function isAllowed(state: ServiceRequestState, transition: Transition): boolean {
  try {
    assertAllowed(state, transition);
    return true;
  } catch {
    return false;
  }
}

/** The request is over: no clock runs and nothing but a survey is awaited. */
export function isFinal(status: ServiceRequestStatus): boolean {
  return status === 'screened-invalid' || status === 'cancelled' || status === 'followed-up';
}
