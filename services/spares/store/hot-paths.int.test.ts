import mongoose, { type Connection, type mongo as driver } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { testLogger, uniqueName, commandNames, commandRecorder, scansOf } from '@aftersales/platform/testing';
import { engineerDecision } from '../api/failure-decisions';
import { DEFAULT_RETURN_POLICY } from '../domain/returns';
import { createCaseFlow, type CaseFlow } from './case-flow';
import { createCaseLists, type CaseLists } from './case-lists';
import { createSparesStore, type SparesStore, type WorkOrderDoc } from './collections';
import { createSparesModels } from './models';
import { quoteAccepted, quotesOf } from './quotes';
import { createReservationBook, type ReservationBook } from './reservations';

/**
 * FerretDB v1 pushes down only a filter that is exactly `{ _id: <string> }`; anything else reads
 * the whole collection. This counts, through the driver's command monitoring, the Mongo commands of
 * a reservation, its release and a work order's consumption, holds every read and write of a
 * collection that grows with stock history to an `_id` filter, and checks that the count stays the
 * same when ten times more stock has been received and consumed.
 */
const stack = inject('stack');
const dbName = uniqueName('spares-hot').replace(/-/g, '_');
const cause = { correlationId: 'c', causationId: null };
/** Collections that grow with stock received, reserved and consumed, or with work orders: `_id` filters only. */
const keyed = new Set(['stockReceipts', 'stockCards', 'partStock', 'unitClaims', 'stockTransfers', 'reservations', 'reservationEnds', 'workOrderReservations', 'backorders', 'consumptions', 'consumptionAttempts', 'redFlags', 'workOrders', 'cases',
  // ... and with cases: their cost entries and revisions, returns, reviews, quotes, and the cases' lists of them; the catalogue and the price lists.
  'costAllocations', 'costLedgerPages', 'caseCostRevisions', 'defectiveReturns', 'returnAnalyses', 'failureReviews', 'quotes', 'quoteAnswers', 'caseLists', 'parts', 'priceLists']);
/** Small by construction: the stock locations (warehouses and vans), and locks in use. */
const small = new Set(['locations', 'sparesKeyLocks', 'outboxPending', 'openReservations', 'costLedgerMonths']);
/**
 * A work order's consumption of one reserved unit, its other unit going back (measured: see the
 * README; 23 before the open reservations' list, whose entry it deletes; two more since the card's
 * change names its part in the parts' stock change list: the list's end, then the entry).
 */
const CONSUME_BOUND = 26;
/**
 * A case's paths as measured (a case of one part line with two units, labour and travel): each
 * list read is its entries and the end, then each listed document at once. Before the lists the
 * charge, review and analysis each read the case's entries by a filter that read every entry of
 * every case, and the retry every claim ever made. An opened return is listed as open too (one
 * insert more: store/open-lists.ts). The charge stores the case closed under its key lock (three
 * commands more: the lock, the case read, the lock's release), as the mark awaiting the report does,
 * where the mark filtered `{ _id, status }`, which reads every case on FerretDB. Each booking of
 * entries pages them under their month for finance (cost-ledger.ts: the month's end and the page,
 * two commands; a process notes a month once, one more): allocate books twice here, review once.
 * Allocate reads each part used once (its cost from the same read), beside the case, the work
 * order, the price list and the reviews.
 */
const CASE_BOUNDS = { consume: 26, retry: 19, returns: 4, allocate: 47, review: 31, analysis: 28 };

let connection: Connection;
let store: SparesStore;
let book: ReservationBook;
/** A book that keeps no copies: every reservation reads the locations and the part's stock. */
let coldBook: ReservationBook;
let flow: CaseFlow;
let lists: CaseLists;
const { listener, recorded } = commandRecorder();
const scans = (commands: driver.CommandStartedEvent[]) => scansOf(commands, { keyed, small });

const names = commandNames;
/** Commands but a month's first note in the cost ledger, which a process makes once. */
const steady = (commands: driver.CommandStartedEvent[]) => names(commands).filter((n) => n !== 'insert costLedgerMonths').length;

/** Stock history of other parts at the same locations: receipts of 10 units, half of them consumed, as a year of work leaves it. */
async function storeHistory(units: number, from: number): Promise<void> {
  const at = new Date();
  const locations = ['VAN-ENG-1', 'REG-EAST', 'CENTRAL'];
  for (let i = 0; i < units / 10; i++) {
    const partNumber = `P-OLD-${from + i}`;
    const locationId = locations[i % 3]!;
    await book.receive(partNumber, locationId, 10, 'history');
    await book.claimUnits(partNumber, locationId, 5, { state: 'consumed', reservationId: null, workOrderId: `WO-OLD-${from + i}` });
  }
  // Bulk: consumed claims of the hot part's own locations under other parts, and receipts without a card (kept by the sweep).
  await store.claims.insertMany(Array.from({ length: units }, (_, i) => ({ _id: `P-BULK-${from + i}|CENTRAL|1`, partNumber: `P-BULK-${from + i}`, locationId: 'CENTRAL', unitNo: 1, state: 'consumed' as const, reservationId: null, workOrderId: `WO-BULK-${from + i}`, claimedAt: at })));
}

/** The hot part's own history at central: units received and consumed, lowest numbers first, as the hint passes them. */
async function ownHistory(units: number): Promise<void> {
  await book.receive('P-HOT', 'CENTRAL', units, 'history');
  const card = await book.cards.read('P-HOT', 'CENTRAL');
  const at = new Date();
  await store.claims.insertMany(Array.from({ length: units }, (_, i) => card!.goneBelow + i).map((unitNo) => ({ _id: `P-HOT|CENTRAL|${unitNo}`, partNumber: 'P-HOT', locationId: 'CENTRAL', unitNo, state: 'consumed' as const, reservationId: null, workOrderId: `WO-OWN-${unitNo}`, claimedAt: at })));
  await book.cards.passConsumed('P-HOT', 'CENTRAL');
}

function workOrder(id: string, used: number): WorkOrderDoc {
  return {
    _id: id, requestId: `SR-${id}`, engineerId: 'ENG-1', status: 'completed', route: 'field-visit', updatedAt: new Date(),
    completion: { eventId: `E-${id}`, effortMinutes: 30, travelMinutes: 10, cause: 'worn', failureMode: null, partsUsed: [{ partNumber: 'P-HOT', quantity: used, removedSerial: null }], finishedAt: new Date() },
  };
}

beforeAll(async () => {
  connection = mongoose.createConnection(stack.mongoUrl, { dbName, maxPoolSize: 8, monitorCommands: true });
  await connection.asPromise();
  connection.getClient().on('commandStarted', listener);
  store = createSparesStore(connection);
  await store.init();
  const models = createSparesModels(connection);
  await Promise.all(Object.values(models).map((m) => m.init()));
  // Copies kept for a minute, so what a warm reservation reads does not depend on the test's speed.
  book = createReservationBook(store, { topic: (name) => `${dbName}.${name}`, now: () => new Date() }, testLogger(), { stockCopyMaxAgeMs: 60_000 });
  coldBook = createReservationBook(store, { topic: (name) => `${dbName}.${name}`, now: () => new Date() }, testLogger(), { stockCopyMaxAgeMs: 0 });
  flow = createCaseFlow(store, models, book, { topic: (name) => `${dbName}.${name}`, now: () => new Date() }, testLogger(), { returnPolicy: DEFAULT_RETURN_POLICY, salesCentreId: 'SC', factoryId: 'F' });
  lists = createCaseLists(store);
  await store.locations.insertMany([
    { _id: 'VAN-ENG-1', kind: 'van', name: 'Van of ENG-1', engineerId: 'ENG-1' },
    { _id: 'REG-EAST', kind: 'regional', name: 'Regional east', engineerId: null },
    { _id: 'CENTRAL', kind: 'central', name: 'Central', engineerId: null },
  ]);
  await book.receive('P-HOT', 'VAN-ENG-1', 1, 'test');
  await book.receive('P-HOT', 'CENTRAL', 40, 'test');
  await storeHistory(300, 0);
  await book.locationsFor(null);
});

afterAll(async () => {
  await connection?.dropDatabase();
  await connection?.close();
});

/** The stock levels of a part counted from every receipt, claim and transfer by filter, as a check of the keyed count. */
async function levelsByScan(partNumber: string) {
  const [receipts, claims] = await Promise.all([store.receipts.find({ partNumber }).toArray(), store.claims.find({ partNumber }).toArray()]);
  const locations = [...new Set(receipts.map((r) => r.locationId))].sort();
  return locations.map((locationId) => {
    const received = receipts.filter((r) => r.locationId === locationId).reduce((sum, r) => sum + r.quantity, 0);
    const here = claims.filter((c) => c.locationId === locationId);
    const gone = here.filter((c) => c.state !== 'reserved').length;
    const reserved = here.length - gone;
    return { partNumber, locationId, onHand: received - gone, reserved, available: received - gone - reserved, inTransit: 0 };
  });
}

/** One reservation (the van's unit and one from central), its release, another reservation and the work order's consumption of it. */
async function cycle(round: string) {
  const cold = await recorded(() => coldBook.reserve({ reservationId: `RES-${round}-C`, workOrderId: `WO-${round}-C`, requestId: `SR-${round}`, engineerId: 'ENG-1', lines: [{ partNumber: 'P-HOT', quantity: 2 }], ttlMs: 3_600_000, by: 'test' }, cause));
  expect(await coldBook.release(`RES-${round}-C`, 'cancelled', cause, cold.result)).toBe(true);
  const reserve = await recorded(() => book.reserve({ reservationId: `RES-${round}-A`, workOrderId: `WO-${round}-A`, requestId: `SR-${round}`, engineerId: 'ENG-1', lines: [{ partNumber: 'P-HOT', quantity: 2 }], ttlMs: 3_600_000, by: 'test' }, cause));
  expect(reserve.result.lines).toEqual([
    { partNumber: 'P-HOT', locationId: 'VAN-ENG-1', quantity: 1 },
    { partNumber: 'P-HOT', locationId: 'CENTRAL', quantity: 1 },
  ]);
  const release = await recorded(() => book.release(`RES-${round}-A`, 'cancelled', cause));
  expect(release.result).toBe(true);
  const levels = await recorded(() => book.levels({ partNumber: 'P-HOT' }));
  expect(levels.result).toEqual(await levelsByScan('P-HOT'));
  await book.reserve({ reservationId: `RES-${round}-B`, workOrderId: `WO-${round}-B`, requestId: `SR-${round}`, engineerId: 'ENG-1', lines: [{ partNumber: 'P-HOT', quantity: 2 }], ttlMs: 3_600_000, by: 'test' }, cause);
  const consume = await recorded(() => flow.consume(workOrder(`WO-${round}-B`, 1), 'SN-1', `E-${round}`, cause));
  expect(consume.result?.lines).toEqual([{ partNumber: 'P-HOT', locationId: 'VAN-ENG-1', quantity: 1, fromReservation: 1, writtenOff: 0 }]);
  // The van's unit is gone for good: put one back for the next round.
  await book.receive('P-HOT', 'VAN-ENG-1', 1, 'test');
  for (const [what, run] of Object.entries({ cold, reserve, release, levels, consume })) {
    process.stdout.write(`${round} ${what}: ${run.commands.length} Mongo commands: ${names(run.commands).join(', ')}\n`);
  }
  return { cold, reserve, release, levels, consume };
}

describe('reservations read and write by _id only', () => {
  it('reserves, releases and consumes in a bounded number of commands, none a filter FerretDB would scan, the same with ten times the stock history', async () => {
    const first = await cycle('small');
    await storeHistory(3000, 1000);
    await ownHistory(30);
    const second = await cycle('large');
    for (const run of [first, second]) {
      for (const what of ['cold', 'reserve', 'release', 'levels', 'consume'] as const) expect(scans(run[what].commands), what).toEqual([]);
      // A reservation of two units from two locations is its writes (two claims, its entry under the
      // work order and its open entry beside them, then itself) while this process's copies of the locations and the part's stock are
      // fresh, and two reads more (at once) when they are not; a release reads the reservation,
      // stores its end, gives both claims back in one command and then takes it off the open list.
      // The entries are written beside the claims (in any order), the reservation after them, then
      // its events' entry in the relay's small pending index (as the end's, before the claims go).
      // The open entry (store/open-reservations.ts) costs a reservation one insert, a release and a consumption one delete.
      expect(names(run.reserve.commands).slice(0, 4).sort()).toEqual(['insert openReservations', 'insert unitClaims', 'insert unitClaims', 'insert workOrderReservations']);
      expect(names(run.reserve.commands).slice(4)).toEqual(['insert reservations', 'insert outboxPending']);
      expect(run.cold.commands).toHaveLength(8);
      expect(names(run.release.commands)).toEqual(['find reservations', 'insert reservationEnds', 'insert outboxPending', 'delete unitClaims', 'delete openReservations']);
      expect(run.consume.commands.length).toBeLessThanOrEqual(CONSUME_BOUND);
    }
    for (const what of ['cold', 'reserve', 'release', 'levels', 'consume'] as const) expect(second[what].commands.length, what).toBe(first[what].commands.length);
    // Stock levels read the open reservations' list (small) and the part's stock, no claim: before,
    // they read one claim per unit on a shelf or held (42 here), and scanned every claim past 1,000.
    for (const run of [first, second]) expect(names(run.levels.commands)).toEqual(['find openReservations', 'find partStock']);
  });
});

const DAY = 86_400_000;

/** Other cases' documents as a year of work leaves them: cost entries, returns, quotes, answers and reported work orders. */
async function storeCaseHistory(cases: number, from: number): Promise<void> {
  const at = new Date();
  const ids = Array.from({ length: cases }, (_, i) => `SR-OLD-${from + i}`);
  await store.allocations.insertMany(ids.flatMap((caseId) => ['part-1-P-CASE', 'labour', 'travel'].map((lineId) => ({ _id: `${caseId}|${lineId}|factory`, caseId, lineId, closedAt: at, costCentre: 'factory' as const, payerId: 'F', amountCents: 100, reason: 'history', currency: 'EUR' }))));
  await store.returns.insertMany(ids.map((requestId) => ({ _id: `RET-${requestId}-1`, partNumber: 'P-CASE', removedSerial: null, quantity: 1, workOrderId: `WO-${requestId}`, requestId, engineerId: 'ENG-1', machineSerial: 'SN-1', model: null, productLine: null, failureMode: null, createdAt: at, dueAt: at, status: 'analysed' as const, returnedAt: at, lastChasedAt: null, chaseCount: 0, flaggedAt: null })));
  await store.quotes.insertMany(ids.map((requestId) => ({ _id: `Q-${requestId}`, requestId, workOrderId: null, priceListId: 'default', lines: [], totalCents: 100, currency: 'EUR', validUntil: at, issuedAt: at, by: 'history' })));
  await store.quoteAnswers.insertMany(ids.map((requestId) => ({ _id: `Q-${requestId}`, requestId, accepted: true, reason: null, at, by: 'history' })));
  await store.workOrders.insertMany(ids.map((requestId) => ({ ...reportedWorkOrder(`WO-${requestId}`, requestId), status: 'completed' as const })));
}

function reportedWorkOrder(id: string, requestId: string, partNumber = 'P-CASE'): WorkOrderDoc {
  const done = workOrder(id, 2);
  return { ...done, requestId, completion: { ...done.completion!, partsUsed: [{ partNumber, quantity: 2, removedSerial: `RS-${id}` }], failureDecision: { category: 'quality-failure', decidedBy: 'ENG-1', decidedAt: new Date() } } };
}

const onHand = async (partNumber: string) => (await book.levels({ partNumber })).reduce((sum, l) => sum + l.onHand, 0);
const sortedIds = (docs: { _id: string }[]) => docs.map((d) => d._id).sort();

/**
 * One case from quote to charge, as the routes and consumers write it: a quote issued and
 * accepted, the report (two units written off; the run crashes before the consumption is stored
 * and runs again), the defective part's return analysed as wear, the case closed and charged, a
 * review of the failure decision, and a later analysis. Each per-case path is recorded.
 */
async function caseRound(round: string) {
  const requestId = `SR-CASE-${round}`;
  const workOrderId = `WO-CASE-${round}`;
  const quoteId = `Q-CASE-${round}`;
  // A part of its own, so which units the write-off tries does not depend on the rounds before.
  const partNumber = `P-CASE-${round}`;
  await createSparesModels(connection).parts.create({ _id: partNumber, description: 'Drive belt', fitsModels: [], supersededBy: null, listPrice: 50, currency: 'EUR' });
  await book.receive(partNumber, 'CENTRAL', 20, 'test');
  const caseDoc = { _id: requestId, customerId: 'CUST-1', serialNumber: 'SN-1', entitlementSource: 'warranty' as const, quoteRequired: true, covers: { parts: true, labour: true, travel: true }, warrantyEnd: new Date(Date.now() + 365 * DAY), model: null, productLine: null, raisedAt: new Date(), status: 'open' as const, closedAt: null };
  await store.cases.insertOne(caseDoc);
  // As POST /v1/quotes and its answer write them: listed under the request, then stored.
  await lists.add('quotes', requestId, [quoteId]);
  await store.quotes.insertOne({ _id: quoteId, requestId, workOrderId: null, priceListId: 'default', lines: [], totalCents: 100, currency: 'EUR', validUntil: new Date(Date.now() + 7 * DAY), issuedAt: new Date(), by: 'test' });
  await store.quoteAnswers.insertOne({ _id: quoteId, requestId, accepted: true, reason: null, at: new Date(), by: 'test' });
  const quotes = await recorded(() => quotesOf(store, requestId));
  expect(quotes.result.map((q) => q._id)).toEqual([quoteId]);
  const accepted = await recorded(() => quoteAccepted(store, requestId));
  expect(accepted.result).toBe(true);
  // As the completed consumer writes the report: listed under the case, then stored.
  const reported = reportedWorkOrder(workOrderId, requestId, partNumber);
  await lists.add('reported-work-orders', requestId, [workOrderId]);
  await store.workOrders.insertOne(reported);
  const decision = await recorded(() => engineerDecision(store, requestId));
  expect(decision.result?.category).toBe('quality-failure');
  const before = await onHand(partNumber);
  const consume = await recorded(() => flow.consume(reported, 'SN-1', `E-${workOrderId}`, cause));
  expect(consume.result?.lines).toEqual([{ partNumber, locationId: 'CENTRAL', quantity: 2, fromReservation: 0, writtenOff: 2 }]);
  // A crash after the write-off, before the consumption was stored: the retry finds both units by `_id` and writes off none again.
  await store.consumptions.deleteOne({ _id: workOrderId });
  const retry = await recorded(() => flow.consume(reported, 'SN-1', `E-${workOrderId}`, cause));
  expect(retry.result?.lines).toEqual(consume.result?.lines);
  expect(await onHand(partNumber)).toBe(before - 2);
  const returns = await recorded(() => flow.openReturns(reported, caseDoc));
  expect(returns.result).toBe(1);
  await store.returnAnalyses.insertOne({ _id: `RET-${workOrderId}-1`, finding: 'wear', lot: null, supplierId: null, failureMode: null, notes: null, analysedAt: new Date(), by: 'test' });
  const allocate = await recorded(() => flow.allocate(requestId, new Date(), workOrderId));
  expect(allocate.result).toBeGreaterThan(0);
  await store.failureReviews.insertOne({ _id: `${requestId}|1`, requestId, revision: 1, category: 'misuse', previousCategory: 'quality-failure', outcome: 'changed', decidedBy: 'QA-1', decidedAt: new Date(), reason: 'run without coolant' });
  const review = await recorded(() => flow.applyReview(requestId, { revision: 1, category: 'misuse', decidedBy: 'QA-1', decidedAt: new Date().toISOString() }));
  expect(review.result).toBeGreaterThan(0);
  const analysis = await recorded(() => flow.adjustForAnalysis(requestId, partNumber, 'misuse', new Date()));
  // What the lists find is all that is stored (checked by filter, a scan, here only).
  expect(sortedIds((await lists.docsOf(store.allocations, 'allocations', requestId)).docs)).toEqual(sortedIds(await store.allocations.find({ caseId: requestId }).toArray()));
  expect(sortedIds((await lists.docsOf(store.returns, 'returns', requestId)).docs)).toEqual(sortedIds(await store.returns.find({ requestId }).toArray()));
  expect(await store.caseCostRevisions.findOne({ _id: `${requestId}|1` })).not.toBeNull();
  const runs = { quotes, accepted, decision, consume, retry, returns, allocate, review, analysis };
  for (const [what, run] of Object.entries(runs)) process.stdout.write(`${round} ${what}: ${run.commands.length} Mongo commands: ${names(run.commands).join(', ')}\n`);
  return runs;
}

describe("a case's paths read and write by _id only", () => {
  it('charge, review, analysis, consumption retry, quotes and failure decision: no filter FerretDB would scan, the same count with ten times the other cases', async () => {
    await storeCaseHistory(300, 0);
    const first = await caseRound('small');
    await storeCaseHistory(3000, 1000);
    const second = await caseRound('large');
    for (const what of Object.keys(first) as (keyof typeof first)[]) {
      for (const run of [first, second]) expect(scans(run[what].commands), what).toEqual([]);
      // A write-off starts at one of the lowest free units at random: when it took the lowest two the
      // card's hint moves past them (four commands more), which has nothing to do with other cases.
      // A process notes each month of the cost ledger once (its first booking there): not per case.
      if (what !== 'consume') expect(steady(second[what].commands), what).toBe(steady(first[what].commands));
    }
    // A request's quotes: its list (one entry and the end) and the quote; the accepted check the same with the answer.
    expect(names(first.quotes.commands)).toEqual(['find caseLists', 'find caseLists', 'find quotes']);
    expect(names(first.accepted.commands)).toEqual(['find caseLists', 'find caseLists', 'find quoteAnswers']);
    expect(names(first.decision.commands)).toEqual(['find caseLists', 'find caseLists', 'find workOrders']);
    for (const [what, bound] of Object.entries(CASE_BOUNDS)) expect(first[what as keyof typeof first].commands.length, what).toBeLessThanOrEqual(bound);
  });

  it('a case closed before its report is marked waiting by _id under its lock, not by { _id, status }', async () => {
    await store.cases.insertOne({ _id: 'SR-WAIT', customerId: 'CUST-1', serialNumber: 'SN-1', entitlementSource: 'warranty', quoteRequired: false, model: null, productLine: null, raisedAt: new Date(), status: 'open', closedAt: null });
    const mark = await recorded(() => flow.allocate('SR-WAIT', new Date(), 'WO-WAIT'));
    expect(mark.result).toBe(0);
    expect(await store.cases.findOne({ _id: 'SR-WAIT' })).toMatchObject({ status: 'awaiting-report', closedWorkOrderId: 'WO-WAIT' });
    expect(scans(mark.commands)).toEqual([]);
    expect(names(mark.commands).filter((n) => n.endsWith(' cases'))).toEqual(['find cases', 'update cases']);
  });
});
