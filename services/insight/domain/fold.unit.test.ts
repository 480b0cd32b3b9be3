import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventEnvelope, EventKey } from '@aftersales/contracts';
import type { CaseRecord } from './case-record';
import { foldCase } from './fold';

const req = 'SR-1';
const wo = 'WO-1';
let seq = 0;
/** A hand-made envelope of a known event, at an instant given in minutes after a fixed start. */
function ev(key: EventKey, minute: number, data: Record<string, unknown>, id = `e${++seq}`): EventEnvelope {
  const [type, version] = key.split('@') as [string, string];
  return { id, type, version: Number(version), source: 'test', occurredAt: t(minute), subject: req, correlationId: req, causationId: null, data };
}
const t = (minute: number) => new Date(Date.UTC(2026, 10, 2, 8, 0) + minute * 60_000).toISOString();

const registered = ev('service-request.registered@1', 0, {
  requestId: req, customerId: 'CUST-1', contact: { name: 'Li Wei' }, channel: 'phone', serialNumber: 'SN-1', symptom: 'burr', raisedAt: t(-5), neededBy: t(2880),
  machine: { model: 'LX-3015', productLine: 'laser' }, site: { city: 'Shanghai', lat: 31.2, lon: 121.5 }, dealerId: null, customerClass: 'key_account',
});
const screened = ev('service-request.screened@1', 10, { requestId: req, outcome: 'valid', tier: 'P2' });
const dispatchRequested = ev('service-request.dispatch-requested@1', 11, { requestId: req, customerId: 'CUST-1', serialNumber: 'SN-1', tier: 'P2', responseMode: 'on-site', locationClass: null, onSiteDueAt: null });
const created = ev('work-order.created@1', 12, { workOrderId: wo, requestId: req, engineerId: null, tier: 'P2', route: 'field-visit', onSiteDueAt: null, createdAt: t(12) });
const assigned = ev('work-order.assigned@1', 20, { workOrderId: wo, requestId: req, engineerId: 'ENG-1', assignedAt: t(20), plannedStart: null });
const replanned = ev('work-order.replanned@1', 30, { workOrderId: wo, requestId: req, engineerId: 'ENG-2', fromEngineerId: 'ENG-1', plannedStart: null, reason: 'absence', replannedAt: t(30) });
const arrived = ev('work-order.arrived@1', 120, { workOrderId: wo, requestId: req, engineerId: 'ENG-2', arrivedAt: t(120) });
const consumed = ev('parts.consumed@1', 150, { workOrderId: wo, requestId: req, machineSerial: 'SN-1', lines: [{ partNumber: 'P-1', quantity: 2, locationId: 'WH' }], consumedAt: t(150) });
const completed = ev('work-order.completed@1', 180, {
  workOrderId: wo, requestId: req, engineerId: 'ENG-2', startedAt: t(125), finishedAt: t(180), effortMinutes: 55, travelMinutes: 40, cause: 'worn nozzle', fix: 'replaced', workDone: 'replaced nozzle',
  partsUsed: [{ partNumber: 'P-1', quantity: 2 }], firstTimeFix: true, failureDecision: { category: 'wear', decidedBy: 'ENG-2', decidedAt: t(180) },
});
const closed = ev('service-request.closed@1', 240, {
  requestId: req, customerId: 'CUST-1', serialNumber: 'SN-1', tier: 'P2', cause: 'worn nozzle', fix: 'replaced', firstTimeFix: true, resolvedAt: t(180), acceptedAt: t(230), workOrderId: wo, engineerId: 'ENG-2', slaMet: true,
});
const cost1 = ev('case-cost.allocated@1', 245, { requestId: req, revision: 1, allocatedAt: t(245), currency: 'CNY', lines: [{ lineId: 'L1', kind: 'part', costCentre: 'factory', amountCents: 5000, inWarranty: true, reason: 'warranty' }] });
const cost2 = ev('case-cost.allocated@1', 300, { requestId: req, revision: 2, allocatedAt: t(300), currency: 'CNY', lines: [{ lineId: 'L1', kind: 'part', costCentre: 'customer', amountCents: 5000, inWarranty: false, reason: 'misuse found' }] });
const surveyed = ev('service-request.surveyed@1', 1440, { requestId: req, customerId: 'CUST-1', score: 4, comment: null, answeredAt: t(1440) });

const fold = (events: EventEnvelope[], start: CaseRecord | null = null) => events.reduce<CaseRecord | null>((c, e) => foldCase(c, e), start);
const journey = [registered, screened, dispatchRequested, created, assigned, replanned, arrived, consumed, completed, closed, cost1, cost2, surveyed];

/** The record with its sets in a fixed order: what must not depend on the order the facts came in. */
function normal(c: CaseRecord | null) {
  if (!c) return c;
  const by = <T>(key: (x: T) => string) => (a: T, b: T) => key(a).localeCompare(key(b));
  return {
    ...c,
    facts: [...(c.facts ?? [])].sort(by((f) => f.id)),
    workOrderIds: [...c.workOrderIds].sort(),
    partsConsumed: [...c.partsConsumed].sort(by((p) => p.partNumber)),
    partsRequested: [...c.partsRequested].sort(by((p) => `${p.requisitionId}/${p.partNumber}`)),
    quotes: [...(c.quotes ?? [])].sort(by((q) => q.quoteId)),
    changedAfterClose: [...c.changedAfterClose].sort(by((x) => `${x.at}/${x.type}`)),
  };
}

describe('foldCase', () => {
  it('folds a request from registration to survey into the figures the KPIs read', () => {
    const c = fold(journey)!;
    expect(c).toMatchObject({
      requestId: req, customerId: 'CUST-1', customerClass: 'key_account', channel: 'phone', serialNumber: 'SN-1', model: 'LX-3015', productLine: 'laser', region: 'Shanghai',
      tier: 'P2', finalTier: 'P2', registeredAt: t(0), raisedAt: t(-5), screenedAt: t(10), screening: 'valid', dispatchRequestedAt: t(11), firstAssignedAt: t(20), arrivedAt: t(120),
      resolvedAt: t(180), acceptedAt: t(230), closedAt: t(240), engineerId: 'ENG-2', workOrderIds: [wo], firstTimeFix: true, slaMet: true, cause: 'worn nozzle', failureCategory: 'wear',
      effortMinutes: 55, travelMinutes: 40, partsConsumed: [{ partNumber: 'P-1', quantity: 2 }], survey: { score: 4, at: t(1440) }, awaitingRegistration: false,
    });
    // The highest cost revision wins, and only a revision after the first one changes a closed record.
    expect(c.costLines).toEqual([{ costCentre: 'customer', kind: 'part', amountCents: 5000, currency: 'CNY', inWarranty: false }]);
    expect(c.changedAfterClose).toEqual([{ type: 'case-cost.allocated', at: t(300), by: null }]);
  });

  it('keeps what the auditor\u2019s sample reads: a contact that reaches someone, the symptom, the first cancellation\u2019s reason', () => {
    // The journey's contact is a name alone: it reaches nobody.
    expect(fold(journey)).toMatchObject({ hasContact: false, symptom: 'burr' });
    const withPhone = ev('service-request.registered@1', 0, { ...(registered.data as Record<string, unknown>), contact: { name: 'Li Wei', phone: '+86 21 5555 0101' } });
    expect(fold([withPhone])!.hasContact).toBe(true);
    const later = ev('service-request.cancelled@1', 60, { requestId: req, reason: 'duplicate of SR-0', by: 'agent-2' });
    const first = ev('service-request.cancelled@1', 30, { requestId: req, reason: 'customer fixed it', by: 'agent-1' });
    for (const order of [[registered, later, first], [first, registered, later]]) {
      expect(fold(order)).toMatchObject({ cancelledAt: t(30), cancellationReason: 'customer fixed it' });
    }
  });

  it('changes nothing when an event id is applied again', () => {
    const once = fold(journey);
    expect(fold(journey, once)).toEqual(once);
    expect(fold([completed, completed])!.effortMinutes).toBe(55);
  });

  it('keeps a work-order fact that arrives before the registration and fills the record in when it comes', () => {
    const partial = fold([assigned])!;
    expect(partial).toMatchObject({ requestId: req, awaitingRegistration: true, firstAssignedAt: t(20), engineerId: 'ENG-1', registeredAt: '' });
    const whole = fold([registered], partial)!;
    expect(whole).toMatchObject({ awaitingRegistration: false, registeredAt: t(0), customerId: 'CUST-1', firstAssignedAt: t(20), engineerId: 'ENG-1', model: 'LX-3015' });
  });

  it('keeps the earliest assignment and the latest engineer whatever the order', () => {
    const reassigned = ev('work-order.assigned@1', 5, { workOrderId: 'WO-0', requestId: req, engineerId: 'ENG-0', assignedAt: t(5), plannedStart: null });
    for (const order of [[reassigned, assigned], [assigned, reassigned]]) {
      expect(fold(order)).toMatchObject({ firstAssignedAt: t(5), engineerId: 'ENG-1', workOrderIds: expect.arrayContaining(['WO-0', wo]) });
    }
  });

  it('records facts that change a closed case (a parts decision after the close), not the follow-ups that belong there', () => {
    const decided = ev('requisition.decided@1', 600, { requisitionId: 'RQ-1', workOrderId: wo, requestId: req, decision: 'approved', lines: [{ partNumber: 'P-2', requested: 1, approved: 1 }], by: 'MGR-1', decidedAt: t(600) });
    const complaint = ev('service-request.complaint-raised@1', 1500, { requestId: req, customerId: 'CUST-1', serialNumber: 'SN-1', score: 1, comment: 'slow', tier: 'P2', complaintTier: 'P1' });
    const c = fold([registered, closed, surveyed, complaint, cost1, decided])!;
    expect(c.complaintRaised).toBe(true);
    expect(c.changedAfterClose).toEqual([{ type: 'requisition.decided', at: t(600), by: 'MGR-1' }]);
    expect(c.partsRequested).toEqual([{ requisitionId: 'RQ-1', partNumber: 'P-2', requested: 1, approved: 1, requesterId: null, approverId: 'MGR-1' }]);
  });

  it('lets the close outrank the work order report, and a failure review outrank the engineer', () => {
    const review = ev('failure-decision.reviewed@1', 500, { requestId: req, revision: 1, category: 'misuse', previousCategory: 'wear', outcome: 'changed', decidedBy: 'QA-1', decidedAt: t(500), reason: 'impact marks' });
    for (const order of [[closed, completed, review], [review, completed, closed]]) {
      expect(fold(order)).toMatchObject({ resolvedAt: t(180), closedAt: t(240), failureCategory: 'misuse', firstTimeFix: true, cause: 'worn nozzle' });
    }
  });

  it('counts accepted quotes as revenue even when the answer is folded before the quote', () => {
    const issued = ev('quote.issued@1', 40, { quoteId: 'Q-1', requestId: req, workOrderId: null, totalCents: 120_000, currency: 'CNY', validUntil: t(9000), issuedAt: t(40) });
    const accepted = ev('quote.accepted@1', 60, { quoteId: 'Q-1', requestId: req, workOrderId: null, acceptedAt: t(60), by: 'CUST-1' });
    for (const order of [[issued, accepted], [accepted, issued]]) expect(fold(order)).toMatchObject({ revenueCents: 120_000, revenueCurrency: 'CNY' });
  });

  it('raises the final tier on escalation and keeps the breach once per clock and due instant', () => {
    const breach = { requestId: req, clock: 'on-site', tier: 'P2', targetMs: 1, warnAt: t(90), dueAt: t(100), elapsedMs: 2 };
    const b1 = ev('service-request.sla-breached@1', 100, breach);
    const b2 = ev('service-request.sla-breached@1', 100, breach);
    const raised = ev('service-request.escalated@1', 110, { requestId: req, clock: 'on-site', action: 'raise-tier', step: 2, tier: 'P2', breachedAt: t(100), newTier: 'P1' });
    const c = fold([registered, screened, b1, b2, raised])!;
    expect(c).toMatchObject({ tier: 'P2', finalTier: 'P1', breaches: [{ clock: 'on-site', at: t(100) }], escalations: [{ clock: 'on-site', action: 'raise-tier', step: 2, at: t(110) }] });
  });

  it('ignores events that are about no case, and refuses data that breaks its contract', () => {
    const machine = ev('machine.registered@1', 0, { serialNumber: 'SN-9', customerId: 'C', siteId: null, model: 'M', productLine: 'L', installedAt: null, registeredAt: t(0), dealerId: null });
    expect(foldCase(null, machine)).toBeNull();
    expect(() => foldCase(null, ev('work-order.arrived@1', 1, { workOrderId: wo, requestId: req, engineerId: null, arrivedAt: 'yesterday' }))).toThrow(/contract/);
  });

  it('gives the same record whatever order the facts arrive in (property)', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(journey, { minLength: journey.length, maxLength: journey.length }), (order) => {
        expect(normal(fold(order))).toEqual(normal(fold(journey)));
      }),
      { numRuns: 200 },
    );
  });
});
