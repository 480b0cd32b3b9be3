/**
 * What a retried assignment does with the booking an earlier attempt left on the same round
 * (`<work order>:r<round>`, the unique key that claims the round). The store decides this under
 * the booked engineer's calendar lock, under which every attempt inserts the booking, its slot
 * claims, the work order's change and the calendar entry: an attempt that is not inside that lock
 * while the decision runs has either finished those writes or died part-way (its lock taken over
 * once its lease ran out). Pure: the store gathers the facts by `_id` and carries out the outcome.
 */

/**
 * How far the work order holds the booking: its open copy names it (`settled`), only its next
 * change does (`recorded`: the attempt died before bringing the work order up to it), or nothing
 * names it (`none`: the attempt died before its change was stored, or the booking was made
 * without a work order).
 */
export type RoundHold = 'settled' | 'recorded' | 'none';

export interface RoundFacts {
  hold: RoundHold;
  /** The booking's entry on the engineer's calendar, if any. */
  entry: 'pending' | 'confirmed' | null;
  /** Since the booking was inserted. */
  ageMs: number;
}

export type RoundRecovery =
  /** Accepted (its change is stored): finish it. Put the entry on the calendar, confirmed, when it is missing or pending; settle the work order when only its change names the booking. */
  | { action: 'finish'; writeEntry: boolean; settle: boolean }
  /** Never accepted and its attempt is gone: free the slots and the round, so the retry books afresh. */
  | { action: 'release' }
  /** Shown on the calendar but held by no work order, and not yet stale: someone may still confirm it. */
  | { action: 'wait'; retryInMs: number };

/**
 * The decision. A booking its work order holds is never released: its change (and the events in
 * it) is decided, so the calendar and the work order are brought up to it. One nobody holds and
 * the calendar does not show can only be an attempt that died before its change (the caller holds
 * the lock those writes happen under), so it is released at once; one the calendar shows pending
 * without a work order (a booking made without `commit`, confirmed separately) is released once
 * older than `staleAfterMs`, the same bound the orphan sweep uses.
 */
export function recoverRound(facts: RoundFacts, staleAfterMs: number): RoundRecovery {
  if (facts.hold !== 'none') return { action: 'finish', writeEntry: facts.entry !== 'confirmed', settle: facts.hold === 'recorded' };
  if (facts.entry === null || facts.ageMs >= staleAfterMs) return { action: 'release' };
  return { action: 'wait', retryInMs: staleAfterMs - facts.ageMs };
}
