import type { Collection, Document } from 'mongodb';
import type { Connection } from 'mongoose';
import { indexedOutbox, notingInserts, type OutboxFields } from '@aftersales/platform';
import type { FailureCategory } from '@aftersales/contracts';
import type { CaseCostLine } from '../domain/case-cost-revision';
import type { AllocationEntry, ClosedCase } from '../domain/cost-allocation';
import type { PriceList } from '../domain/pricing';
import type { LocationKind } from '../domain/stock';
import type { ListEntryDoc } from './case-lists';
import type { CatalogueStampDoc, ModelPartsDoc } from './model-parts';
import type { LedgerMonthDoc, LedgerPageDoc } from './cost-ledger';
import type { AwaitingReportDoc } from './awaiting-reports';
import type { RaisedEntryDoc } from './requisitions-raised';
import type { OpenEntryDoc } from './open-lists';
import type { OpenReservationDoc } from './open-reservations';
import type { PartStockChangeDoc, PartStockDoc, SparesLockDoc, StockCardDoc, UncountedStockDoc } from './stock-cards';

/**
 * Spares' collections. Every document that carries an outbox is inserted once with its event and
 * never updated afterwards except by the relay: FerretDB v1 does not serialise concurrent updates
 * of one document, so a state change racing the relay's pop could be lost. A state change that
 * must happen once (a reservation ending, a quote answered, a requisition decided) is an insert
 * into a unique key, which also settles races between its writers.
 */
export interface LocationDoc {
  _id: string;
  kind: LocationKind;
  name: string;
  engineerId: string | null;
}

export interface StockReceiptDoc {
  _id: string; // part|location|receipt number
  partNumber: string;
  locationId: string;
  quantity: number;
  receivedAt: Date;
  by: string;
  /** Set when the units arrived by a transfer from another location. */
  transferId?: string;
}

/** Units on their way between locations: claimed (shipped) at the origin, received at the destination on arrival. */
export interface TransferDoc {
  _id: string;
  partNumber: string;
  fromLocationId: string;
  toLocationId: string;
  quantity: number;
  /** The origin's units shipped (absent on transfers stored before): noted gone on the origin's card. */
  unitNos?: number[];
  shippedAt: Date;
  by: string;
}

/** One claimed unit: reserved for a reservation, consumed (gone from stock for good), or shipped to another location. */
export interface UnitClaimDoc {
  _id: string; // part|location|unitNo
  partNumber: string;
  locationId: string;
  unitNo: number;
  state: 'reserved' | 'consumed' | 'shipped';
  reservationId: string | null;
  workOrderId: string;
  claimedAt: Date;
}

export interface ReservationLine {
  partNumber: string;
  quantity: number;
  locationId: string;
}

export interface ReservationDoc extends OutboxFields {
  _id: string;
  workOrderId: string;
  requestId: string;
  lines: ReservationLine[];
  /** Its unit claims' ids, so its end gives them back by `_id`; absent on reservations stored before. */
  claimIds?: string[];
  reservedAt: Date;
  expiresAt: Date;
  by: string;
}

/** A work order's reservations, findable by `_id`: entry n of a work order names its n-th reservation (inserted before its claims). */
export interface WorkOrderReservationDoc {
  _id: string; // work order|n
  workOrderId: string;
  reservationId: string;
}

/** A work order's consumption started: a second start is a retry after a crash (see CaseFlow.consume). */
export interface ConsumptionAttemptDoc {
  _id: string; // work order id
  at: Date;
  /** Its write-offs are listed (case-lists 'write-offs'); absent on attempts started before. */
  writeOffsListed?: boolean;
}

/** The end of a reservation, once: consumed by the job, or released (cancelled, expired, not used by the job). */
export interface ReservationEndDoc extends OutboxFields {
  _id: string; // reservation id
  workOrderId: string;
  kind: 'consumed' | 'released';
  reason: 'consumed' | 'cancelled' | 'expired' | 'replaced' | 'not-used';
  at: Date;
  /** When the job's report ended it: units the job used, and units that went back to stock. */
  usedUnits?: number;
  returnedUnits?: number;
}

export interface BackorderDoc extends OutboxFields {
  _id: string;
  workOrderId: string;
  requestId: string;
  partNumber: string;
  quantity: number;
  at: Date;
}

export interface CaseDoc {
  _id: string; // service request id
  customerId: string;
  /** The dealer serving the customer (null: served directly); absent on cases registered before intake sent it. */
  dealerId?: string | null;
  serialNumber: string;
  entitlementSource: 'contract' | 'warranty' | 'none' | null;
  quoteRequired: boolean;
  /** The cover frozen at registration; absent on cases registered before intake sent it. */
  covers?: { parts: boolean; labour: boolean; travel: boolean };
  exclusions?: { partNumbers: string[]; categories: string[] };
  coversConsumables?: boolean;
  warrantyEnd?: Date | null;
  model: string | null;
  productLine: string | null;
  raisedAt: Date;
  /** awaiting-report: closed at intake, its work order's report not here yet (see CaseFlow.allocate). */
  status: 'open' | 'awaiting-report' | 'closed';
  closedAt: Date | null;
  closedWorkOrderId?: string | null;
  /**
   * What paid work (quoteRequired) rests on: the customer's accepted quote, or an override at
   * intake (who, why). 'before-the-quote-rule': dispatched by a workflow started before the wait existed.
   */
  paidWork?: { basis: 'quote-accepted'; quoteId: string; at: Date } | { basis: 'override'; by: string; reason: string; at: Date } | { basis: 'before-the-quote-rule' };
  /** What allocation charged (the input, with the decision in force then): a later review re-charges from it. */
  chargedCase?: ClosedCase;
}

export interface WorkOrderDoc {
  _id: string;
  requestId: string;
  engineerId: string | null;
  status: 'created' | 'assigned' | 'completed' | 'cancelled';
  route: string | null;
  updatedAt: Date;
  completion: {
    eventId: string;
    effortMinutes: number;
    travelMinutes: number | null;
    cause: string;
    failureMode: string | null;
    /** The engineer's failure decision; absent on reports made before it was asked. */
    failureDecision?: { category: FailureCategory; decidedBy: string; decidedAt: Date } | null;
    partsUsed: { partNumber: string; quantity: number; removedSerial: string | null }[];
    finishedAt: Date;
  } | null;
}

export interface ConsumptionDoc extends OutboxFields {
  _id: string; // work order id: consumed once per work order
  workOrderId: string;
  requestId: string;
  engineerId: string | null;
  lines: (ReservationLine & { fromReservation: number; writtenOff: number })[];
  consumedAt: Date;
  sourceEventId: string;
}

export interface DefectiveReturnDoc {
  _id: string;
  partNumber: string;
  removedSerial: string | null;
  quantity: number;
  workOrderId: string;
  requestId: string;
  engineerId: string | null;
  machineSerial: string;
  model: string | null;
  productLine: string | null;
  failureMode: string | null;
  createdAt: Date;
  dueAt: Date;
  status: 'awaiting-return' | 'returned' | 'analysed';
  returnedAt: Date | null;
  lastChasedAt: Date | null;
  chaseCount: number;
  flaggedAt: Date | null;
}

export interface ReturnAnalysisDoc extends OutboxFields {
  _id: string; // return id: analysed once
  finding: string;
  lot: string | null;
  supplierId: string | null;
  failureMode: string | null;
  notes: string | null;
  analysedAt: Date;
  by: string;
}

/** Quality's review of a case's failure decision, once per revision: the unique key settles two reviewers at once. */
export interface FailureReviewDoc extends OutboxFields {
  _id: string; // request id|revision
  requestId: string;
  revision: number;
  category: FailureCategory;
  previousCategory: FailureCategory | null;
  outcome: 'confirmed' | 'changed';
  decidedBy: string;
  decidedAt: Date;
  reason: string;
}

export interface SupplierClaimDoc {
  _id: string;
  returnId: string;
  partNumber: string;
  lot: string | null;
  supplierId: string;
  amountCents: number;
  currency: string;
  status: 'open' | 'submitted' | 'accepted' | 'rejected' | 'settled';
  reason: string;
  openedAt: Date;
}

export interface PriceListDoc extends Omit<PriceList, 'id'> {
  _id: string;
  updatedAt: Date;
}

export interface QuoteDoc extends OutboxFields {
  _id: string;
  requestId: string;
  workOrderId: string | null;
  priceListId: string;
  lines: unknown[];
  totalCents: number;
  currency: string;
  validUntil: Date;
  issuedAt: Date;
  by: string;
}

export interface QuoteAnswerDoc extends OutboxFields {
  _id: string; // quote id: answered once
  requestId: string;
  accepted: boolean;
  reason: string | null;
  at: Date;
  by: string;
}

export interface RequisitionDoc {
  _id: string;
  workOrderId: string;
  requestId: string;
  requesterId: string;
  lines: { partNumber: string; quantity: number; unitPriceCents: number }[];
  model: string | null;
  reasons: string[];
  approvalNeeded: boolean;
  approvers: string[];
  deadlineMs: number;
  currentApprover: string | null;
  escalations: { level: number; fromApprover: string; toApprover: string; at: string }[];
  status: 'pending-approval' | 'approved' | 'partially-approved' | 'rejected';
  createdAt: Date;
}

/** A part's latest requisition lines (store/requisition-history.ts), one JSON string. */
export interface RequisitionHistoryDoc {
  _id: string; // part number
  samples: string;
  updatedAt: Date;
}

export interface RequisitionDecisionDoc extends OutboxFields {
  _id: string; // requisition id: decided once
  decision: 'approved' | 'partially-approved' | 'rejected';
  lines: { partNumber: string; requested: number; approved: number }[];
  by: string;
  note: string | null;
  lapsed: boolean;
  decidedAt: Date;
}

/** One approver asked to decide one requisition (`<requisition>#<level>`): carries requisition.approval-requested. */
export interface ApprovalRequestDoc extends OutboxFields {
  _id: string;
  requisitionId: string;
  approver: string;
  askedAt: Date;
}

/** One chase of a defective part not returned (`<return>#<chase>`): carries defective-part.return-overdue. */
export interface ReturnChaseDoc extends OutboxFields {
  _id: string;
  returnId: string;
  chasedAt: Date;
}

export interface AllocationEntryDoc extends Omit<AllocationEntry, 'closedAt'> {
  _id: string; // case|line|cost centre
  closedAt: Date;
  /** ISO 4217 code of the amount; absent on entries stored before entries carried it. */
  currency?: string;
}

/** One published revision of a case's allocation (case-cost.allocated), inserted once with its event. */
export interface CaseCostRevisionDoc extends OutboxFields {
  _id: string; // request|revision
  requestId: string;
  revision: number;
  allocatedAt: Date;
  currency: string;
  lines: CaseCostLine[];
}

export interface RedFlagDoc {
  _id: string; // kind|subject: one flag per thing
  kind: 'requisition-outlier' | 'defective-part-not-returned' | 'consumption-edited' | 'consumed-without-stock' | 'no-completion-report';
  subject: string;
  detail: string;
  engineerId: string | null;
  raisedAt: Date;
}

export function createSparesStore(connection: Connection) {
  const c = <T extends Document>(name: string) => connection.collection<T>(name) as unknown as Collection<T>;
  const store = {
    locations: c<LocationDoc>('locations'),
    receipts: c<StockReceiptDoc>('stockReceipts'),
    stockCards: c<StockCardDoc>('stockCards'),
    partStock: c<PartStockDoc>('partStock'),
    partStockChanges: c<PartStockChangeDoc>('partStockChanges'), // the parts changed, numbered: see stock-cards.ts
    claims: c<UnitClaimDoc>('unitClaims'),
    workOrderReservations: c<WorkOrderReservationDoc>('workOrderReservations'),
    consumptionAttempts: c<ConsumptionAttemptDoc>('consumptionAttempts'),
    locks: c<SparesLockDoc>('sparesKeyLocks'),
    transfers: c<TransferDoc>('stockTransfers'),
    // Insert-only documents that carry their events: each insert also writes its pending entry, so the
    // relay reads that small index, never these collections, which grow with every reservation, quote
    // and consumption (on FerretDB v1 a poll of them read them whole, every 500 ms).
    reservations: notingInserts(c<ReservationDoc>('reservations')),
    reservationEnds: notingInserts(c<ReservationEndDoc>('reservationEnds')),
    backorders: notingInserts(c<BackorderDoc>('backorders')),
    cases: c<CaseDoc>('cases'),
    workOrders: c<WorkOrderDoc>('workOrders'),
    consumptions: notingInserts(c<ConsumptionDoc>('consumptions')),
    returns: c<DefectiveReturnDoc>('defectiveReturns'),
    returnAnalyses: notingInserts(c<ReturnAnalysisDoc>('returnAnalyses')),
    failureReviews: notingInserts(c<FailureReviewDoc>('failureReviews')),
    supplierClaims: c<SupplierClaimDoc>('supplierClaims'),
    // The returns and claims still open, small by construction: what the spares desk lists (store/open-lists.ts).
    openReturns: c<OpenEntryDoc>('openReturns'),
    openSupplierClaims: c<OpenEntryDoc>('openSupplierClaims'),
    // What the worker's sweep reads whole instead of reservations, claims, cases, receipts and transfers (open-reservations.ts, awaiting-reports.ts, stock-cards.ts).
    openReservations: c<OpenReservationDoc>('openReservations'),
    casesAwaitingReport: c<AwaitingReportDoc>('casesAwaitingReport'),
    uncountedStock: c<UncountedStockDoc>('uncountedStock'),
    priceLists: c<PriceListDoc>('priceLists'),
    quotes: notingInserts(c<QuoteDoc>('quotes')),
    quoteAnswers: notingInserts(c<QuoteAnswerDoc>('quoteAnswers')),
    requisitions: c<RequisitionDoc>('requisitions'),
    requisitionsRaised: c<RaisedEntryDoc>('requisitionsRaised'), // every requisition in order raised, for the desk (requisitions-raised.ts)
    requisitionDecisions: notingInserts(c<RequisitionDecisionDoc>('requisitionDecisions')),
    approvalRequests: notingInserts(c<ApprovalRequestDoc>('approvalRequests')),
    returnChases: notingInserts(c<ReturnChaseDoc>('returnChases')),
    allocations: c<AllocationEntryDoc>('costAllocations'),
    // Who pays by month, read by `_id` (cost-ledger.ts): the entries' range filter read every entry.
    ledgerPages: c<LedgerPageDoc>('costLedgerPages'),
    ledgerMonths: c<LedgerMonthDoc>('costLedgerMonths'),
    caseCostRevisions: c<CaseCostRevisionDoc>('caseCostRevisions'),
    redFlags: c<RedFlagDoc>('redFlags'),
    caseLists: c<ListEntryDoc>('caseLists'),
    builds: c<{ _id: string; builtAt: Date }>('sparesBuilds'),
    requisitionHistories: c<RequisitionHistoryDoc>('requisitionHistories'),
    // Each model's part numbers, read by `_id` where a filter on fitsModels read the catalogue (model-parts.ts).
    modelParts: c<ModelPartsDoc>('modelParts'),
    catalogueStamp: c<CatalogueStampDoc>('catalogueStamp'),
  };
  return {
    ...store,
    /** Documents the outbox relay publishes from. */
    outboxCollections: [store.reservations, store.reservationEnds, store.backorders, store.consumptions, store.returnAnalyses, store.failureReviews, store.quotes, store.quoteAnswers, store.requisitionDecisions, store.approvalRequests, store.returnChases, indexedOutbox(store.caseCostRevisions)] as unknown as Collection<Document>[],
    async init(): Promise<void> {
      await Promise.all([
        store.receipts.createIndex({ partNumber: 1, locationId: 1 }),
        store.claims.createIndex({ partNumber: 1, locationId: 1 }),
        store.claims.createIndex({ reservationId: 1 }),
        store.transfers.createIndex({ partNumber: 1, toLocationId: 1 }),
        store.reservations.createIndex({ workOrderId: 1 }),
        store.reservations.createIndex({ expiresAt: 1 }),
        store.returns.createIndex({ status: 1, dueAt: 1 }),
        store.quotes.createIndex({ requestId: 1 }),
        store.requisitions.createIndex({ workOrderId: 1 }),
        store.allocations.createIndex({ closedAt: 1 }),
        ...[store.reservations, store.reservationEnds, store.backorders, store.consumptions, store.returnAnalyses, store.failureReviews, store.quotes, store.quoteAnswers, store.requisitionDecisions, store.approvalRequests, store.returnChases].map((col) =>
          (col as unknown as Collection<Document>).createIndex({ outboxDueAt: 1 }, { sparse: true }),
        ),
      ]);
    },
  };
}

export type SparesStore = ReturnType<typeof createSparesStore>;
