/**
 * What insight knows about one service request, folded from every service's events (never read
 * from their databases). One document per request, keyed by its id; the KPI formulas are pure
 * functions over arrays of these. Instants are ISO strings (UTC); null means "not (yet) seen".
 */
export type Tier = 'P1' | 'P2' | 'P3' | 'P4';
export type SlaClock = 'first-response' | 'on-site' | 'resolution';
export type CostCentre = 'factory' | 'sales-centre' | 'customer';

export interface CaseRecord {
  requestId: string;
  // who and what (from service-request.registered)
  customerId: string;
  /** vip | key_account | standard | indirect; null on events published before it was carried. */
  customerClass: string | null;
  dealerId: string | null;
  channel: string;
  serialNumber: string;
  model: string | null;
  productLine: string | null;
  /** The site's city: the region dimension. */
  region: string | null;
  /** The tier screening gave (raised by escalation keeps the first; `finalTier` the last). */
  tier: Tier | null;
  finalTier: Tier | null;
  /** Set when this request is a complaint about another (a low survey opened it). */
  complaintOf: string | null;
  // the lifecycle
  raisedAt: string;
  registeredAt: string;
  neededBy: string;
  /** The first answer to the customer: screening's decision. */
  screenedAt: string | null;
  screening: 'valid' | 'invalid' | null;
  dispatchRequestedAt: string | null;
  /** The first time any engineer was assigned: valid-to-dispatch ends here. */
  firstAssignedAt: string | null;
  arrivedAt: string | null;
  resolvedAt: string | null;
  acceptedAt: string | null;
  closedAt: string | null;
  cancelledAt: string | null;
  engineerId: string | null;
  workOrderIds: string[];
  // the outcome (from service-request.closed and work-order.completed)
  firstTimeFix: boolean | null;
  slaMet: boolean | null;
  cause: string | null;
  failureCategory: string | null;
  effortMinutes: number;
  travelMinutes: number;
  /** Per clock: when it breached (null: not breached, or not known). */
  breaches: { clock: SlaClock; at: string }[];
  escalations: { clock: SlaClock; action: string; step: number; at: string }[];
  // parts and money
  partsRequested: { partNumber: string; requested: number; approved: number; requesterId: string | null; approverId: string | null; requisitionId?: string }[];
  partsConsumed: { partNumber: string; quantity: number }[];
  /** Defective returns chased past their due date; `flagged` once past the limit. */
  overdueReturns: { returnId: string; partNumber: string; flagged: boolean }[];
  costLines: { costCentre: CostCentre; kind: string; amountCents: number; currency: string; inWarranty: boolean }[];
  /** Paid work the customer accepted (quotes), the service revenue of the case. */
  revenueCents: number;
  revenueCurrency: string | null;
  // after closure
  survey: { score: number; at: string } | null;
  complaintRaised: boolean;
  /** Facts about the case that arrived after it closed (a record changed after the fact). */
  changedAfterClose: { type: string; at: string; by: string | null }[];
  // What the auditor's sample reads (optional: records folded before they were kept lack them).
  /** The registration named a contact with a phone or an e-mail. */
  hasContact?: boolean;
  symptom?: string | null;
  cancellationReason?: string | null;
  // What the fold keeps to stay idempotent and order-insensitive (optional: the KPIs never read them).
  /** True while only other services' facts are known: the registration has not arrived yet. */
  awaitingRegistration?: boolean;
  /** Every fact applied, by event id: a fact applied again changes nothing. */
  facts?: CaseFact[];
  /** Quotes issued for paid work; the accepted ones are the case's revenue. */
  quotes?: { quoteId: string; totalCents: number; currency: string; state: 'issued' | 'accepted' | 'declined' }[];
  /** Which fact set a field last, so a later fact wins whatever order the topics deliver them in. */
  stamps?: CaseStamps;
}

export interface CaseFact {
  id: string;
  type: string;
  at: string;
  by: string | null;
  /** False for the follow-up facts that belong after a close (survey, complaint, first cost allocation, returns). */
  changes: boolean;
}

export interface CaseStamps {
  finalTierAt?: string;
  engineerAt?: string;
  resolutionAt?: string;
  failureRevision?: number;
  costRevision?: number;
}

/** A machine in the installed base, for failure rates per model. */
export interface MachineRecord {
  serialNumber: string;
  customerId: string;
  model: string | null;
  productLine: string | null;
  /** When it entered the installed base (installation date, else registration). */
  inServiceFrom: string;
}
