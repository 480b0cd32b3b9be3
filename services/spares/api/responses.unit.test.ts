import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { RequisitionApprovalState } from '@aftersales/workflows';
import { allocateCaseCost, allocationEntries, monthlyTotals, monthTotals, type ClosedCase } from '../domain/cost-allocation';
import { priceQuote, type PriceList } from '../domain/pricing';
import type { QuoteDoc, RequisitionDoc, ReservationDoc } from '../store/collections';
import { costAllocationView, quoteView, requisitionView, reservationView } from './responses';

/** What a client receives: the body after JSON (dates become ISO strings, undefined fields vanish). */
const overTheWire = (value: unknown): unknown => JSON.parse(JSON.stringify(value));
const problems = (schema: z.ZodType, value: unknown) => schema.safeParse(overTheWire(value)).error?.issues;

const now = new Date();
const later = (hours: number) => new Date(now.getTime() + hours * 3_600_000);

describe('spares response schemas against what the handlers answer', () => {
  it('accept a quote priced by the domain, issued and answered', () => {
    const list: PriceList = { id: 'default', currency: 'EUR', labourRateCentsPerHour: 9_000, travelCentsPerTrip: 5_000, parts: { 'P-1': { listPriceCents: 10_000, minimumPriceCents: 9_500, quantityBreaks: [{ minQuantity: 5, discountBasisPoints: 1_000 }] } } };
    const priced = priceQuote(list, { parts: [{ partNumber: 'P-1', quantity: 6 }], labourHours: 1.5, trips: 1 });
    const { _id, outbox: _o, outboxDueAt: _d, ...quote }: QuoteDoc = { _id: 'Q-1', requestId: 'SR-1', workOrderId: null, priceListId: 'default', lines: priced.lines, totalCents: priced.totalCents, currency: priced.currency, validUntil: later(720), issuedAt: now, by: 'agent-1' };
    expect(problems(quoteView, { id: _id, ...quote, status: 'issued', answer: null })).toBeUndefined();
    expect(problems(quoteView, { id: _id, ...quote, status: 'declined', answer: { accepted: false, reason: null, at: now, by: 'agent-1' } })).toBeUndefined();
    expect(problems(quoteView, { id: _id, ...quote, status: 'withdrawn', answer: null })).toBeDefined();
  });

  it('accept a requisition waiting on its approval process, and one decided by rule', () => {
    const doc: RequisitionDoc = {
      _id: 'REQ-1', workOrderId: 'WO-1', requestId: 'SR-1', requesterId: 'E-1', lines: [{ partNumber: 'P-1', quantity: 40, unitPriceCents: 10_000 }], model: null, reasons: ['over budget'],
      approvalNeeded: true, approvers: ['spares-lead'], deadlineMs: 3_600_000, currentApprover: 'spares-lead', escalations: [], status: 'pending-approval', createdAt: now,
    };
    const { _id, ...rest } = doc;
    const approval: RequisitionApprovalState = { requisitionId: 'REQ-1', status: 'pending', level: 0, currentApprover: 'spares-lead', deadlineAt: later(1).toISOString(), escalations: [], decision: null };
    expect(problems(requisitionView, { id: _id, ...rest, status: doc.status, decision: null, approval })).toBeUndefined();
    const decision = { decision: 'approved', lines: [{ partNumber: 'P-1', requested: 40, approved: 40 }], by: 'rule', note: 'within budget and usual quantities', lapsed: false, decidedAt: now };
    expect(problems(requisitionView, { id: _id, ...rest, approvalNeeded: false, status: 'approved', decision, approval: null })).toBeUndefined();
    // The approval field is always there: null when there is nothing to ask.
    expect(problems(requisitionView, { id: _id, ...rest, status: 'approved', decision })).toBeDefined();
  });

  it('accept a reservation active and ended by the job, and allocation entries with their totals', () => {
    const { _id, outbox: _o, outboxDueAt: _d, claimIds: _c, ...reservation }: ReservationDoc = { _id: 'RES-1', workOrderId: 'WO-1', requestId: 'SR-1', lines: [{ partNumber: 'P-1', quantity: 2, locationId: 'VAN-1' }], claimIds: ['x'], reservedAt: now, expiresAt: later(4), by: 'E-1' };
    expect(problems(reservationView, { id: _id, ...reservation, status: 'active', endedAt: null, endReason: null })).toBeUndefined();
    expect(problems(reservationView, { id: _id, ...reservation, status: 'consumed', endedAt: now, endReason: 'consumed', usedUnits: 1, returnedUnits: 1 })).toBeUndefined();
    const closed: ClosedCase = {
      caseId: 'SR-1', closedAt: now.toISOString(), salesCentreId: 'S', factoryId: 'F', entitlement: { source: 'none', covers: { parts: false, labour: false, travel: false }, warrantyEnd: null },
      classification: { qualityFailure: false, category: 'wear' },
      // No customer named: the customer's share has no payer id (null).
      lines: [{ kind: 'labour', lineId: 'labour', minutes: 90, rateCentsPerHour: 9_000 }, { kind: 'part', lineId: 'part-1', partNumber: 'P-1', quantity: 1, unitCostCents: 10_000, consumable: false }],
    };
    const entries = allocationEntries(allocateCaseCost(closed));
    expect(entries.some((e) => e.payerId === null)).toBe(true);
    expect(entries.length).toBeGreaterThan(0);
    expect(problems(costAllocationView, { entries: entries.map((e) => ({ ...e, currency: 'EUR' })), totals: monthlyTotals(entries), months: monthTotals(entries) })).toBeUndefined();
  });
});
