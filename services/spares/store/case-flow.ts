import type { Logger } from 'pino';
import { createKeyLocks, insertedOnce } from '@aftersales/platform';
import { allocateCaseCost, allocationEntries, DEFAULT_COST_RULES, DEFAULT_GOODWILL_RULES, type AllocationEntry } from '../domain/cost-allocation';
import type { CaseCostRules } from '../domain/managed-rules';
import { analysisAdjustments, classificationOf, closedCaseFrom, decisionAdjustments, decisionInForce, type FailureReviewFact } from '../domain/case-cost';
import { returnDueAt, type ReturnPolicy } from '../domain/returns';
import { cardKey } from '../domain/stock';
import type { ConsumptionDoc, DefectiveReturnDoc, SparesStore, UnitClaimDoc, WorkOrderDoc } from './collections';
import { createCaseCostPublisher } from './case-cost-revisions';
import { createAwaitingReports } from './awaiting-reports';
import { createCaseLists, type Listed } from './case-lists';
import { createCostLedger } from './cost-ledger';
import { withEvent, type Cause, type EventContext } from './events';
import { createGuardedWrites } from './guarded-writes';
import { createOpenLists } from './open-lists';
import type { SparesModels } from './models';
import { loadPriceList, unitCostOf } from './prices';
import type { ReservationBook } from './reservations';

export interface CaseFlowOptions {
  returnPolicy: ReturnPolicy;
  salesCentreId: string;
  factoryId: string;
  /** The cost rules in force at an instant (managed data); the shipped ones when not given. */
  costRulesAt?: (at: Date) => Promise<CaseCostRules>;
}

/** What happens to parts when a job is done and when its case closes. */
export function createCaseFlow(store: SparesStore, models: SparesModels, book: ReservationBook, ctx: EventContext, log: Logger, options: CaseFlowOptions) {
  // A case is split by the rules in force when it closed: a later change never re-splits a closed case.
  const costRulesAt = options.costRulesAt ?? (async () => ({ ...DEFAULT_COST_RULES, goodwill: [...DEFAULT_GOODWILL_RULES] }));
  const costRevisions = createCaseCostPublisher(store, ctx);
  const lists = createCaseLists(store);
  const openLists = createOpenLists(store, () => ctx.now());
  const awaiting = createAwaitingReports(store);
  // A case's status moves by `_id` under its key lock: `{ _id, status: { $ne: 'closed' } }` read every case on FerretDB v1.
  const guarded = createGuardedWrites(store, () => ctx.now());
  // A case's allocation entries by `_id` from its list, and paged under their month for finance (cost-ledger.ts).
  const ledger = createCostLedger(store, () => ctx.now());
  const ledgerOf = (requestId: string) => ledger.ofCase(requestId);
  const storeEntries = (requestId: string, entries: AllocationEntry[], currency: string, listed?: Listed) => ledger.record(requestId, entries, currency, listed);
  /**
   * Units an earlier, crashed run consumed for a work order: its reservations' claims and the
   * units it listed before writing them off, by `_id`. An attempt started before write-offs were
   * listed looks by filter (a scan, once, for a consumption that crashed across the upgrade).
   */
  async function consumedBefore(workOrderId: string): Promise<UnitClaimDoc[]> {
    const attempt = await store.consumptionAttempts.findOne({ _id: workOrderId });
    if (!attempt?.writeOffsListed) return store.claims.find({ workOrderId, state: 'consumed' }).toArray();
    const [reservations, writeOffs] = await Promise.all([book.reservationsOf(workOrderId), lists.docsOf(store.claims, 'write-offs', workOrderId)]);
    const claims = [...(await Promise.all(reservations.map((r) => book.claimsOf(r)))).flat(), ...writeOffs.docs];
    return claims.filter((c, i) => c.workOrderId === workOrderId && c.state === 'consumed' && claims.findIndex((o) => o._id === c._id) === i);
  }
  /** What an allocation is priced in when its entries do not say (stored before they carried it). */
  const currencyOfList = async () => (await loadPriceList(store))?.currency ?? fallbackCurrency;
  const consuming = createKeyLocks(store.locks, { what: 'work order consumption', now: () => ctx.now(), leaseMs: 60_000 });
  /** CaseFlow.consume, holding the work order's lock. */
  async function consumeHeld(workOrder: WorkOrderDoc, completion: NonNullable<WorkOrderDoc['completion']>, machineSerial: string, eventId: string, cause: Cause): Promise<ConsumptionDoc> {
    const earlier = await store.consumptions.findOne({ _id: workOrder._id });
    if (earlier) {
      if (earlier.sourceEventId !== eventId && !samePartsUsed(earlier, completion.partsUsed)) {
        await insertedOnce(store.redFlags.insertOne({ _id: `consumption-edited|${workOrder._id}|${eventId}`, kind: 'consumption-edited', subject: workOrder._id, detail: `parts used reported again with different parts after consumption was written off (event ${eventId})`, engineerId: workOrder.engineerId, raisedAt: ctx.now() }));
        log.warn({ workOrderId: workOrder._id, eventId }, 'consumption edited after the fact: flagged, not applied');
      }
      return earlier;
    }
    // A second start is a retry after a crash: only then are the units an earlier run consumed looked for.
    const firstRun = await insertedOnce(store.consumptionAttempts.insertOne({ _id: workOrder._id, at: ctx.now(), writeOffsListed: true }));
    const open = await book.openFor(workOrder._id);
    const owned = [] as typeof open;
    for (const reservation of open) if (await book.markConsumed(reservation)) owned.push(reservation);
    const nearest = (await book.locationsFor(workOrder.engineerId)).map((l) => l.id);
    const rank = (locationId: string) => (nearest.includes(locationId) ? nearest.indexOf(locationId) : nearest.length);
    // The units nearest the job (the engineer's van) are the ones used; the rest go back.
    const reservedClaims = (await Promise.all(owned.map((r) => book.claimsOf(r)))).flat().filter((c) => c.state === 'reserved').sort((a, b) => rank(a.locationId) - rank(b.locationId) || a.unitNo - b.unitNo);
    const lines: ConsumptionDoc['lines'] = [];
    const usedOf = new Map<string, number>();
    const countUse = (reservationId: string | null) => {
      if (reservationId) usedOf.set(reservationId, (usedOf.get(reservationId) ?? 0) + 1);
    };
    // The units gone for good, by stock card, noted there so stock levels count them without reading claims.
    const gone = new Map<string, number[]>();
    const add = (partNumber: string, locationId: string, fromReservation: number, writtenOff: number, unitNo?: number) => {
      if (unitNo !== undefined) {
        const key = cardKey(partNumber, locationId);
        gone.set(key, [...(gone.get(key) ?? []), unitNo]);
      }
      const line = lines.find((l) => l.partNumber === partNumber && l.locationId === locationId);
      if (line) {
        line.quantity += fromReservation + writtenOff;
        line.fromReservation += fromReservation;
        line.writtenOff += writtenOff;
      } else lines.push({ partNumber, locationId, quantity: fromReservation + writtenOff, fromReservation, writtenOff });
    };
    // Units a crashed earlier run already consumed for this work order count first, so a retry
    // writes nothing off twice (only a retry looks for them).
    const prior: UnitClaimDoc[] = firstRun ? [] : await consumedBefore(workOrder._id);
    // Each unit is listed before it is tried for a write-off, so a retry finds every unit written off.
    let writeOffs: Listed | undefined;
    const listWriteOff = async (claimId: string) => {
      writeOffs = await lists.add('write-offs', workOrder._id, [claimId], writeOffs);
    };
    for (const used of completion.partsUsed) {
      let need = used.quantity;
      for (const claim of prior.filter((c) => c.partNumber === used.partNumber)) {
        if (need === 0) break;
        prior.splice(prior.indexOf(claim), 1);
        countUse(claim.reservationId);
        add(claim.partNumber, claim.locationId, claim.reservationId ? 1 : 0, claim.reservationId ? 0 : 1, claim.unitNo);
        need--;
      }
      for (const claim of reservedClaims.filter((c) => c.partNumber === used.partNumber && c.state === 'reserved')) {
        if (need === 0) break;
        // Ours alone: its reservation ended as consumed by this run, under the work order's lock.
        await store.claims.updateOne({ _id: claim._id }, { $set: { state: 'consumed' } });
        claim.state = 'consumed';
        countUse(claim.reservationId);
        add(claim.partNumber, claim.locationId, 1, 0, claim.unitNo);
        need--;
      }
      for (const location of need > 0 ? nearest : []) {
        if (need === 0) break;
        const won = await book.claimUnits(used.partNumber, location, need, { state: 'consumed', reservationId: null, workOrderId: workOrder._id }, undefined, [], listWriteOff);
        for (const c of won) add(c.partNumber, c.locationId, 0, 1, c.unitNo);
        need -= won.length;
      }
      if (need > 0) {
        add(used.partNumber, 'unrecorded', 0, need);
        await insertedOnce(store.redFlags.insertOne({ _id: `consumed-without-stock|${workOrder._id}|${used.partNumber}`, kind: 'consumed-without-stock', subject: workOrder._id, detail: `${need} x ${used.partNumber} used with no unit in stock to write off`, engineerId: workOrder.engineerId, raisedAt: ctx.now() }));
      }
    }
    // What was reserved and not used goes back to stock.
    await Promise.all(reservedClaims.filter((c) => c.state === 'reserved').map((c) => store.claims.deleteOne({ _id: c._id })));
    // The stock cards note the units now gone for good and their hints move past them, so reservations
    // do not try them; before the reservations leave the open list, so stock levels, which count a
    // listed reservation's units as held, see each unit held or gone throughout (stock-levels.ts).
    for (const line of lines) if (line.locationId !== 'unrecorded') await book.cards.passConsumed(line.partNumber, line.locationId, gone.get(cardKey(line.partNumber, line.locationId)) ?? []);
    // Its claims settled (consumed or given back): the reservations leave the open list (a crash before leaves them to the sweep).
    await Promise.all(owned.map((r) => book.openList.close(r._id)));
    // Each reservation's end says what became of it: used (in part), or not used at all and given back.
    for (const reservation of owned) {
      const usedUnits = usedOf.get(reservation._id) ?? 0;
      const returnedUnits = reservation.lines.reduce((sum, l) => sum + l.quantity, 0) - usedUnits;
      const outcome = usedUnits === 0 ? { kind: 'released' as const, reason: 'not-used' as const } : {};
      await store.reservationEnds.updateOne({ _id: reservation._id }, { $set: { ...outcome, usedUnits, returnedUnits } });
    }
    const consumedAt = completion.finishedAt;
    const doc: ConsumptionDoc = {
      _id: workOrder._id,
      workOrderId: workOrder._id,
      requestId: workOrder.requestId,
      engineerId: workOrder.engineerId,
      lines,
      consumedAt,
      sourceEventId: eventId,
      ...(lines.length
        ? withEvent(ctx, 'parts.consumed@1', workOrder._id, { workOrderId: workOrder._id, requestId: workOrder.requestId, machineSerial, lines: lines.map(({ partNumber, quantity, locationId }) => ({ partNumber, quantity, locationId })), consumedAt: consumedAt.toISOString() }, cause)
        : {}),
    };
    await insertedOnce(store.consumptions.insertOne(doc));
    log.info({ workOrderId: workOrder._id, lines }, 'parts consumed and written off');
    return doc;
  }

  return {
    /** Quality's reviews of a case's failure decision, revision 1, 2, ... (each an _id lookup; a case has few). */
    async failureReviews(requestId: string): Promise<FailureReviewFact[]> {
      const reviews: FailureReviewFact[] = [];
      for (let revision = 1; ; revision++) {
        const doc = await store.failureReviews.findOne({ _id: `${requestId}|${revision}` });
        if (!doc) return reviews;
        reviews.push({ revision, category: doc.category, decidedBy: doc.decidedBy, decidedAt: doc.decidedAt.toISOString() });
      }
    },

    /**
     * A review changed (or confirmed) the decision of a case already charged: each line moves to
     * what the new decision makes each cost centre pay, as entries on the review's date. A case
     * not charged yet takes the review when it is (allocate reads the decision in force).
     */
    async applyReview(requestId: string, review: FailureReviewFact, publish = true): Promise<number> {
      const caseDoc = await store.cases.findOne({ _id: requestId });
      if (caseDoc?.status !== 'closed' || !caseDoc.chargedCase) return 0;
      const rules = await costRulesAt(new Date(caseDoc.chargedCase.closedAt));
      const target = allocateCaseCost({ ...caseDoc.chargedCase, classification: classificationOf(review) }, rules.goodwill, rules);
      const { docs: stored, listed } = await ledgerOf(requestId);
      const currency = stored.find((e) => e.currency)?.currency ?? (await currencyOfList());
      const entries = stored.map((e) => ({ ...e, closedAt: new Date(e.closedAt).toISOString() }));
      const adjustments = decisionAdjustments(entries, target, review.decidedAt, `review-${review.revision}`, `failure decision reviewed by ${review.decidedBy}: ${review.category}`);
      await storeEntries(requestId, adjustments, currency, listed);
      if (adjustments.length > 0) log.info({ serviceRequestId: requestId, revision: review.revision, category: review.category }, 'failure decision review moved the case\'s cost');
      // Published even when nothing moved now: a retry after a crash publishes what the crash left unpublished.
      if (publish) await costRevisions.publish(requestId, caseDoc.chargedCase, currency);
      return adjustments.length;
    },

    /**
     * The engineer reported the parts used: each comes out of the work order's reservation first,
     * then out of the engineer's van (or the nearest stock), and the rest of the reservation goes
     * back. Written once per work order; a later, different report is a red flag, not an edit.
     * One consumption of a work order at a time (its lock): it reads the reservations' claims and
     * then changes or gives them back by `_id`, which two runs at once could not do safely.
     */
    async consume(workOrder: WorkOrderDoc, machineSerial: string, eventId: string, cause: Cause): Promise<ConsumptionDoc | null> {
      const completion = workOrder.completion;
      if (!completion) return null;
      return consuming.holding(`consume|${workOrder._id}`, () => consumeHeld(workOrder, completion, machineSerial, eventId, cause));
    },

    /** A work order's parts are written off: its case, if it closed waiting for this, is charged now. */
    async reportBooked(requestId: string, workOrderId: string): Promise<number> {
      // Read after the consumption was stored, never before (see allocate).
      const caseDoc = await store.cases.findOne({ _id: requestId });
      if (caseDoc?.status !== 'awaiting-report' || !caseDoc.closedAt || caseDoc.closedWorkOrderId !== workOrderId) return 0;
      return this.allocate(requestId, caseDoc.closedAt, workOrderId);
    },

    /**
     * A case is recorded: a work order report that overtook its registration (another topic) found
     * no case and opened no returns; they open now. The report lists its work order before it looks
     * for the case, and this looks at the list after the case was written, so one of the two opens them.
     */
    async caseRecorded(requestId: string): Promise<number> {
      const { docs: reported } = await lists.docsOf(store.workOrders, 'reported-work-orders', requestId);
      if (reported.length === 0) return 0;
      const caseDoc = await store.cases.findOne({ _id: requestId });
      let opened = 0;
      for (const workOrder of reported) if (caseDoc) opened += await this.openReturns(workOrder, caseDoc);
      return opened;
    },

    /** Every part replaced under warranty or contract must come back for failure analysis. */
    async openReturns(workOrder: WorkOrderDoc, caseDoc: { _id: string; serialNumber: string; model: string | null; productLine: string | null; entitlementSource: string | null }): Promise<number> {
      const completion = workOrder.completion;
      if (!completion || caseDoc.entitlementSource === null || caseDoc.entitlementSource === 'none') return 0;
      // Listed under the case first: charging the case finds them by `_id` (see case-lists).
      await lists.add('returns', workOrder.requestId, completion.partsUsed.map((_, i) => returnId(workOrder._id, i)));
      let opened = 0;
      for (const [i, used] of completion.partsUsed.entries()) {
        const doc: DefectiveReturnDoc = {
          _id: returnId(workOrder._id, i),
          partNumber: used.partNumber,
          removedSerial: used.removedSerial,
          quantity: used.quantity,
          workOrderId: workOrder._id,
          requestId: workOrder.requestId,
          engineerId: workOrder.engineerId,
          machineSerial: caseDoc.serialNumber,
          model: caseDoc.model,
          productLine: caseDoc.productLine,
          failureMode: completion.failureMode,
          createdAt: ctx.now(),
          dueAt: returnDueAt(completion.finishedAt, options.returnPolicy),
          status: 'awaiting-return',
          returnedAt: null,
          lastChasedAt: null,
          chaseCount: 0,
          flaggedAt: null,
        };
        // Listed as open before it is stored (the spares desk's list; see open-lists).
        if (await openLists.insert('returns', doc)) opened++;
      }
      if (opened) log.info({ workOrderId: workOrder._id, opened }, 'defective returns opened');
      return opened;
    },

    /**
     * Who pays for each part, hour and trip of the closed case; stored once per line and cost centre.
     * The engineer's report travels on another topic and may come second, or never (a case resolved
     * by phone after a work order was planned): until its parts are written off (the consumption
     * stored) the case is marked as waiting and the consumer moves on; `reportBooked` or the sweep
     * settles it. `withoutReport` charges what is known (no parts, no effort) once the wait is over.
     */
    async allocate(requestId: string, closedAt: Date, workOrderId: string | null, withoutReport = false): Promise<number> {
      let consumption = workOrderId ? await store.consumptions.findOne({ _id: workOrderId }) : null;
      let listed = false;
      if (workOrderId && !consumption && !withoutReport) {
        // Mark, then look again: the report's side books its parts, then looks at the case, so
        // of two sides running at once at least one sees the other's write (a charge twice is one).
        // Listed as waiting before the mark (the sweep reads the list: awaiting-reports.ts); off it when nothing was marked.
        await awaiting.list(requestId, closedAt);
        listed = true;
        const marked = await guarded.updateIf(store.cases, requestId, (c) => (c.status === 'closed' ? null : { $set: { status: 'awaiting-report' as const, closedAt, closedWorkOrderId: workOrderId } }));
        if (!marked) await awaiting.unlist(requestId);
        consumption = await store.consumptions.findOne({ _id: workOrderId });
        if (!consumption) {
          log.info({ serviceRequestId: requestId, workOrderId }, 'case closed before its work order was reported: cost waits for the report');
          return 0;
        }
      }
      // Read at once, each by `_id` (the case after the mark above; the parts once each, for their cost too).
      const lines = consumption?.lines ?? [];
      const [caseDoc, workOrder, list, reviews, catalogued] = await Promise.all([
        store.cases.findOne({ _id: requestId }),
        workOrderId ? store.workOrders.findOne({ _id: workOrderId }) : null,
        loadPriceList(store),
        this.failureReviews(requestId),
        Promise.all(lines.map((line) => models.parts.findById(line.partNumber).lean())),
      ]);
      const partCurrencies = catalogued.flatMap((part) => (part?.currency ? [part.currency] : []));
      const parts = lines.map((line, i) => {
        const part = catalogued[i] ?? null;
        return { partNumber: line.partNumber, quantity: line.quantity, unitCostCents: unitCostOf(list, line.partNumber, part), consumable: part?.consumable ?? false, category: part?.category ?? null };
      });
      const completion = workOrder?.completion ?? null;
      const engineerDecision = completion?.failureDecision ? { ...completion.failureDecision, decidedAt: completion.failureDecision.decidedAt.toISOString() } : null;
      const closedCase = closedCaseFrom({
          requestId,
          customerId: caseDoc?.customerId ?? 'unknown',
          closedAt: closedAt.toISOString(),
          entitlementSource: caseDoc?.entitlementSource ?? 'none',
          ...(caseDoc?.covers
            ? { cover: { covers: caseDoc.covers, ...(caseDoc.exclusions ? { exclusions: caseDoc.exclusions } : {}), ...(caseDoc.coversConsumables !== undefined ? { coversConsumables: caseDoc.coversConsumables } : {}), warrantyEnd: caseDoc.warrantyEnd?.toISOString() ?? null } }
            : {}),
          salesCentreId: options.salesCentreId,
          factoryId: options.factoryId,
          failureDecision: decisionInForce(engineerDecision, reviews),
          effortMinutes: completion?.effortMinutes ?? 0,
          trips: workOrder && (workOrder.route === 'field-visit' || (completion?.travelMinutes ?? 0) > 0) ? 1 : 0,
          parts,
          labourRateCentsPerHour: list?.labourRateCentsPerHour ?? 0,
          travelCentsPerTrip: list?.travelCentsPerTrip ?? 0,
        });
      const rules = await costRulesAt(new Date(closedCase.closedAt));
      const allocation = allocateCaseCost(closedCase, rules.goodwill, rules);
      const entries = allocationEntries(allocation);
      // The price list's currency; without a list, the catalogue's of the parts used (as supplier claims read it).
      const currency = list?.currency ?? partCurrencies[0] ?? fallbackCurrency;
      await storeEntries(requestId, entries, currency);
      // Under the same lock as the mark above, so a mark that read the case open never lands after this.
      await guarded.updateIf(store.cases, requestId, () => ({ $set: { status: 'closed' as const, closedAt, chargedCase: closedCase } }));
      if (listed || caseDoc?.status === 'awaiting-report') await awaiting.unlist(requestId);
      // A review recorded while this ran found the case not charged yet: it applies now.
      const later = await this.failureReviews(requestId);
      if (later.length > reviews.length) await this.applyReview(requestId, later[later.length - 1]!, false);
      log.info({ serviceRequestId: requestId, totals: allocation.totals }, 'case cost allocated');
      // Parts analysed before the case closed: their findings apply now.
      const { docs: returns } = await lists.docsOf(store.returns, 'returns', requestId);
      const analyses = await Promise.all(returns.map((ret) => store.returnAnalyses.findOne({ _id: ret._id })));
      for (const [i, ret] of returns.entries()) {
        const analysis = analyses[i];
        if (analysis) await this.adjustForAnalysis(requestId, ret.partNumber, analysis.finding, analysis.analysedAt, false);
      }
      // One revision for the charge and whatever reviews and analyses it took in.
      await costRevisions.publish(requestId, closedCase, currency);
      return entries.length;
    },

    /**
     * Failure analysis can move what the factory paid for a part (wear: the sales centre; misuse:
     * the customer), as adjusting entries on the analysis date. Before the case is charged there
     * is nothing to move; allocation applies the finding then.
     */
    async adjustForAnalysis(requestId: string, partNumber: string, finding: string, analysedAt: Date, publish = true): Promise<number> {
      const { docs: entries, listed } = await ledgerOf(requestId);
      if (entries.length === 0) return 0;
      const caseDoc = await store.cases.findOne({ _id: requestId });
      const adjustments = analysisAdjustments(
        entries.map((e) => ({ ...e, closedAt: new Date(e.closedAt).toISOString() })),
        partNumber,
        finding,
        analysedAt.toISOString(),
        { factoryId: options.factoryId, salesCentreId: options.salesCentreId, customerId: caseDoc?.customerId ?? 'unknown' },
        (await costRulesAt(new Date(entries[0]!.closedAt))).misuseInWarrantyPayer,
      );
      const currency = entries.find((e) => e.currency)?.currency ?? (await currencyOfList());
      await storeEntries(requestId, adjustments, currency, listed);
      if (adjustments.length > 0) log.info({ serviceRequestId: requestId, partNumber, finding }, 'failure analysis moved a part\'s cost');
      if (publish && caseDoc?.chargedCase) await costRevisions.publish(requestId, caseDoc.chargedCase, currency);
      return adjustments.length;
    },
  };
}

/** A defective return's id: one per part line of the work order's report. */
const returnId = (workOrderId: string, line: number) => `RET-${workOrderId}-${line + 1}`;

/** The currency of a case priced from neither a price list nor a catalogue part (amounts are then 0); as supplier claims fall back. */
const fallbackCurrency = 'EUR';

function samePartsUsed(consumption: ConsumptionDoc, used: { partNumber: string; quantity: number }[]): boolean {
  const sum = (pairs: { partNumber: string; quantity: number }[]) => {
    const m = new Map<string, number>();
    for (const p of pairs) m.set(p.partNumber, (m.get(p.partNumber) ?? 0) + p.quantity);
    return [...m.entries()].sort().join(';');
  };
  return sum(consumption.lines) === sum(used);
}

export type CaseFlow = ReturnType<typeof createCaseFlow>;
