/**
 * Folds the services' events into insight's case record: (record | null, event) -> record. Pure.
 * Events of one request arrive in order on each topic, but not across topics, and a rebuild may
 * overlap the live consumer for a moment; so every field is set in a way that does not depend on
 * the order: the earliest instant for "first" facts, the latest (by the fact's own time or
 * revision) for "current" ones, sets keyed by their ids, and a fact already applied (by event id)
 * changes nothing. A fact about a request whose registration has not arrived yet makes a partial
 * record that the registration fills in.
 */
import { contractFor, type EventEnvelope, type EventKey, type KnownEvent } from '@aftersales/contracts';
import type { CaseFact, CaseRecord, CostCentre, SlaClock, Tier } from './case-record';

/** Facts that belong after a close by design: they do not mean the closed record changed. */
const followUps = new Set(['service-request.surveyed', 'service-request.complaint-raised', 'defective-part.returned', 'defective-part.return-overdue', 'parts.released', 'service-request.sla-warning']);

/** The event keys the fold reads; other events on the same topics are ignored (returns null). */
export const foldedEvents: readonly EventKey[] = [
  'service-request.registered@1', 'service-request.screened@1', 'service-request.dispatch-requested@1', 'service-request.sla-warning@1',
  'service-request.sla-breached@1', 'service-request.escalated@1', 'service-request.closed@1', 'service-request.cancelled@1',
  'service-request.complaint-raised@1', 'service-request.surveyed@1',
  'work-order.created@1', 'work-order.assigned@1', 'work-order.accepted@1', 'work-order.declined@1', 'work-order.travel-started@1',
  'work-order.arrived@1', 'work-order.work-started@1', 'work-order.work-finished@1', 'work-order.completed@1', 'work-order.route-chosen@1',
  'work-order.replanned@1', 'work-order.cancelled@1',
  'parts.reserved@1', 'parts.backordered@1', 'parts.released@1', 'parts.consumed@1', 'requisition.decided@1', 'requisition.approval-requested@1',
  'quote.issued@1', 'quote.accepted@1', 'quote.declined@1', 'case-cost.allocated@1',
  'defective-part.returned@1', 'failure-decision.reviewed@1', 'defective-part.return-overdue@1',
];
const folded = new Set<string>(foldedEvents);

/** The request an event is about, or null when the fold does not read it. */
export function caseIdOf(event: EventEnvelope): string | null {
  if (!folded.has(`${event.type}@${event.version}`)) return null;
  const requestId = (event.data as { requestId?: unknown } | null)?.requestId;
  return typeof requestId === 'string' && requestId.length > 0 ? requestId : null;
}

/** A record that knows only its id: filled in by the registration and the other facts. */
export function blankCase(requestId: string): CaseRecord {
  return {
    requestId, customerId: '', customerClass: null, dealerId: null, channel: 'unknown', serialNumber: '', model: null, productLine: null, region: null,
    tier: null, finalTier: null, complaintOf: null, raisedAt: '', registeredAt: '', neededBy: '', screenedAt: null, screening: null,
    dispatchRequestedAt: null, firstAssignedAt: null, arrivedAt: null, resolvedAt: null, acceptedAt: null, closedAt: null, cancelledAt: null,
    engineerId: null, workOrderIds: [], firstTimeFix: null, slaMet: null, cause: null, failureCategory: null, effortMinutes: 0, travelMinutes: 0,
    breaches: [], escalations: [], partsRequested: [], partsConsumed: [], overdueReturns: [], costLines: [], revenueCents: 0, revenueCurrency: null,
    survey: null, complaintRaised: false, changedAfterClose: [], awaitingRegistration: true, facts: [], quotes: [], stamps: {},
  };
}

const earliest = (a: string | null, b: string): string => (a === null || b < a ? b : a);
const later = (stamp: string | undefined, at: string): boolean => stamp === undefined || at >= stamp;

/** Who made a fact, as far as its data says. */
function actorOf(data: Record<string, unknown>): string | null {
  for (const key of ['by', 'decidedBy', 'engineerId', 'requesterId'] as const) if (typeof data[key] === 'string') return data[key];
  return null;
}

/**
 * Applies one event to the case it concerns. Returns the record unchanged when the event was
 * applied before, and null when the event is not about a case (or not folded).
 */
export function foldCase(current: CaseRecord | null, event: EventEnvelope): CaseRecord | null {
  const requestId = caseIdOf(event);
  if (requestId === null) return current;
  const key = `${event.type}@${event.version}` as EventKey;
  const base = current ?? blankCase(requestId);
  if ((base.facts ?? []).some((f) => f.id === event.id)) return base;
  const parsed = contractFor(event.type, event.version)!.schema.safeParse(event.data);
  if (!parsed.success) throw new TypeError(`${key} data does not match its contract: ${parsed.error.message}`);
  const data = parsed.data as Record<string, unknown>;
  const next: CaseRecord = structuredClone(base);
  next.facts = [...(base.facts ?? []), { id: event.id, type: event.type, at: event.occurredAt, by: actorOf(data), changes: changesTheCase(event.type, data) }];
  next.stamps ??= {};
  applyFact(next, { ...event, type: key, data } as AnyFact);
  next.changedAfterClose = changesAfterClose(next);
  return next;
}

/** The first cost allocation is made on closing: only a later revision changes the closed case. */
function changesTheCase(type: string, data: Record<string, unknown>): boolean {
  return !followUps.has(type) && !(type === 'case-cost.allocated' && data.revision === 1);
}

/** Facts that arrived (by their own time) after the close, other than the follow-ups that belong there. */
function changesAfterClose(c: CaseRecord): CaseRecord['changedAfterClose'] {
  if (c.closedAt === null) return [];
  const closedAt = c.closedAt;
  return (c.facts ?? [])
    .filter((f: CaseFact) => f.changes && f.at > closedAt && f.type !== 'service-request.closed')
    .map((f) => ({ type: f.type, at: f.at, by: f.by }));
}

type AnyFact = { [K in EventKey]: Omit<KnownEvent<K>, 'type'> & { type: K } }[EventKey];

function applyFact(c: CaseRecord, e: AnyFact): void {
  const at = e.occurredAt;
  const s = c.stamps!;
  switch (e.type) {
    case 'service-request.registered@1': {
      const d = e.data;
      Object.assign(c, {
        customerId: d.customerId, customerClass: d.customerClass ?? null, dealerId: d.dealerId ?? null, channel: d.channel, serialNumber: d.serialNumber,
        model: d.machine?.model ?? null, productLine: d.machine?.productLine ?? null, region: d.site?.city ?? null, complaintOf: d.complaint?.of ?? null,
        raisedAt: d.raisedAt, registeredAt: at, neededBy: d.neededBy, awaitingRegistration: false,
        hasContact: Boolean(d.contact.phone || d.contact.email), symptom: d.symptom,
      });
      return;
    }
    case 'service-request.screened@1':
      // The first answer to the customer; a re-screening keeps it.
      if (c.screenedAt === null || at < c.screenedAt) {
        c.screenedAt = at;
        c.screening = e.data.outcome;
        if (e.data.tier) c.tier = e.data.tier;
      }
      if (e.data.tier) setFinalTier(c, e.data.tier, at);
      return;
    case 'service-request.dispatch-requested@1':
      c.dispatchRequestedAt = earliest(c.dispatchRequestedAt, at);
      c.tier ??= e.data.tier;
      setFinalTier(c, e.data.tier, at);
      return;
    case 'service-request.sla-breached@1':
      if (!c.breaches.some((b) => b.clock === e.data.clock && b.at === e.data.dueAt)) c.breaches.push({ clock: e.data.clock as SlaClock, at: e.data.dueAt });
      c.breaches.sort((a, b) => a.at.localeCompare(b.at));
      return;
    case 'service-request.escalated@1':
      c.escalations.push({ clock: e.data.clock, action: e.data.action, step: e.data.step, at });
      c.escalations.sort((a, b) => a.at.localeCompare(b.at) || a.step - b.step);
      setFinalTier(c, e.data.newTier, at);
      return;
    case 'service-request.closed@1': {
      const d = e.data;
      // A request reopened and closed again: the latest close is the outcome.
      if (c.closedAt !== null && at < c.closedAt) return;
      Object.assign(c, { closedAt: at, acceptedAt: d.acceptedAt, resolvedAt: d.resolvedAt, firstTimeFix: d.firstTimeFix, slaMet: d.slaMet, cause: d.cause });
      s.resolutionAt = '\uffff'; // the close's resolution outranks any work order's report
      if (d.engineerId) setEngineer(c, d.engineerId, '\uffff');
      c.tier ??= d.tier;
      if (!c.customerId) c.customerId = d.customerId;
      if (!c.serialNumber) c.serialNumber = d.serialNumber;
      return;
    }
    case 'service-request.cancelled@1':
      if (c.cancelledAt === null || at < c.cancelledAt) c.cancellationReason = e.data.reason;
      c.cancelledAt = earliest(c.cancelledAt, at);
      return;
    case 'service-request.complaint-raised@1':
      c.complaintRaised = true;
      return;
    case 'service-request.surveyed@1':
      if (c.survey === null || e.data.answeredAt > c.survey.at) c.survey = { score: e.data.score, at: e.data.answeredAt };
      return;
    case 'work-order.created@1':
      addWorkOrder(c, e.data.workOrderId);
      return;
    case 'work-order.assigned@1':
      addWorkOrder(c, e.data.workOrderId);
      if (e.data.engineerId) {
        c.firstAssignedAt = earliest(c.firstAssignedAt, e.data.assignedAt);
        setEngineer(c, e.data.engineerId, e.data.assignedAt);
      }
      return;
    case 'work-order.replanned@1':
      if (e.data.engineerId) setEngineer(c, e.data.engineerId, e.data.replannedAt);
      return;
    case 'work-order.arrived@1':
      c.arrivedAt = earliest(c.arrivedAt, e.data.arrivedAt);
      return;
    case 'work-order.completed@1': {
      const d = e.data;
      addWorkOrder(c, d.workOrderId);
      c.effortMinutes += d.effortMinutes;
      c.travelMinutes += d.travelMinutes ?? 0;
      if (later(s.resolutionAt, d.finishedAt)) {
        s.resolutionAt = d.finishedAt;
        c.resolvedAt = d.finishedAt;
        c.firstTimeFix = d.firstTimeFix;
        c.cause = d.cause;
      }
      if (d.failureDecision && (s.failureRevision ?? -1) < 0) {
        s.failureRevision = 0;
        c.failureCategory = d.failureDecision.category;
      }
      if (d.engineerId) setEngineer(c, d.engineerId, d.finishedAt);
      return;
    }
    case 'failure-decision.reviewed@1':
      if ((s.failureRevision ?? -1) < e.data.revision) {
        s.failureRevision = e.data.revision;
        c.failureCategory = e.data.category;
      }
      return;
    case 'parts.consumed@1':
      for (const line of e.data.lines) {
        const had = c.partsConsumed.find((p) => p.partNumber === line.partNumber);
        if (had) had.quantity += line.quantity;
        else c.partsConsumed.push({ partNumber: line.partNumber, quantity: line.quantity });
      }
      return;
    case 'requisition.approval-requested@1': {
      const { requisitionId, requesterId } = e.data;
      const lines = c.partsRequested.filter((p) => p.requisitionId === requisitionId);
      if (lines.length) for (const l of lines) l.requesterId ??= requesterId;
      else for (const l of e.data.lines) c.partsRequested.push({ requisitionId, partNumber: l.partNumber, requested: l.quantity, approved: 0, requesterId, approverId: null });
      return;
    }
    case 'requisition.decided@1': {
      const { requisitionId } = e.data;
      const requesterId = c.partsRequested.find((p) => p.requisitionId === requisitionId)?.requesterId ?? null;
      c.partsRequested = c.partsRequested.filter((p) => p.requisitionId !== requisitionId);
      for (const l of e.data.lines) c.partsRequested.push({ requisitionId, partNumber: l.partNumber, requested: l.requested, approved: l.approved, requesterId, approverId: e.data.by });
      return;
    }
    case 'defective-part.return-overdue@1': {
      const had = c.overdueReturns.find((r) => r.returnId === e.data.returnId);
      if (had) had.flagged ||= e.data.flagged;
      else c.overdueReturns.push({ returnId: e.data.returnId, partNumber: e.data.partNumber, flagged: e.data.flagged });
      return;
    }
    case 'quote.issued@1':
    case 'quote.accepted@1':
    case 'quote.declined@1':
      applyQuote(c, e);
      return;
    case 'case-cost.allocated@1':
      // Each revision carries the whole allocation in force: the highest one wins.
      if ((s.costRevision ?? 0) < e.data.revision) {
        s.costRevision = e.data.revision;
        c.costLines = e.data.lines.map((l) => ({ costCentre: l.costCentre as CostCentre, kind: l.kind, amountCents: l.amountCents, currency: e.data.currency, inWarranty: l.inWarranty }));
      }
      return;
    default:
      // Recorded as a fact (idempotence, changed after close) but no field of the record depends on it.
      return;
  }
}

function setFinalTier(c: CaseRecord, tier: Tier, at: string): void {
  if (!later(c.stamps!.finalTierAt, at)) return;
  c.stamps!.finalTierAt = at;
  c.finalTier = tier;
}

function setEngineer(c: CaseRecord, engineerId: string, at: string): void {
  if (!later(c.stamps!.engineerAt, at)) return;
  c.stamps!.engineerAt = at;
  c.engineerId = engineerId;
}

function addWorkOrder(c: CaseRecord, workOrderId: string): void {
  if (!c.workOrderIds.includes(workOrderId)) c.workOrderIds.push(workOrderId);
}

type QuoteFact = Extract<AnyFact, { type: 'quote.issued@1' | 'quote.accepted@1' | 'quote.declined@1' }>;

/** A quote's answer may be folded before its issue (a rebuild overlapping the live consumer): the state is kept either way. */
function applyQuote(c: CaseRecord, e: QuoteFact): void {
  const quotes = (c.quotes ??= []);
  let quote = quotes.find((q) => q.quoteId === e.data.quoteId);
  if (!quote) {
    quote = { quoteId: e.data.quoteId, totalCents: 0, currency: '', state: 'issued' };
    quotes.push(quote);
  }
  if (e.type === 'quote.issued@1') Object.assign(quote, { totalCents: e.data.totalCents, currency: e.data.currency });
  else quote.state = e.type === 'quote.accepted@1' ? 'accepted' : 'declined';
  const accepted = quotes.filter((q) => q.state === 'accepted' && q.currency !== '');
  c.revenueCents = accepted.reduce((sum, q) => sum + q.totalCents, 0);
  c.revenueCurrency = accepted[0]?.currency ?? null;
}
