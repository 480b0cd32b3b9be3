import type { Acknowledgement } from './messages';

/** What the acknowledgement chain asks of the notifications service (implemented in its worker). */
export interface AcknowledgementActivities {
  /**
   * Tells the next person in the chain: a notice of its own (idempotent by chain and level), inbox
   * and e-mail; or answers the acknowledgement it finds recorded (a signal that did not arrive).
   */
  passOn(input: {
    noticeId: string;
    level: number;
    from: string;
    to: string;
    windowMs: number;
    /** The notices of the chain so far, first one first: read by `_id` for an acknowledgement (absent from tasks scheduled before it existed). */
    chainNotices?: string[];
  }): Promise<{ told: string } | { acknowledged: Acknowledgement }>;
}
