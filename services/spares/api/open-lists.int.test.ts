import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteSpec } from '@aftersales/platform';
import { callRoute, commandNames, commandRecorder, scansOf, testLogger, uniqueName, utcDayAt } from '@aftersales/platform/testing';
import { DEFAULT_RETURN_POLICY, returnDueAt } from '../domain/returns';
import { createCaseFlow, type CaseFlow } from '../store/case-flow';
import { type DefectiveReturnDoc, type SparesStore, type SupplierClaimDoc, type WorkOrderDoc } from '../store/collections';
import { buildOpenListsOnce, createOpenLists, type OpenLists } from '../store/open-lists';
import { createReservationBook } from '../store/reservations';
import type { SparesDeps } from './common';
import { returnRoutes } from './returns';
import { monitoredSpares } from '../store/on-stack';

/**
 * The spares desk polls `GET /v1/returns?status=awaiting-return` and `GET /v1/supplier-claims?status=`
 * every 30 s. Returns and claims grow with every defective part of the year, and FerretDB v1 reads
 * them whole for any filter but `{ _id }`: the open ones are listed in `openReturns` and
 * `openSupplierClaims`, read whole, then each document by `_id`. The answers are the old filter's.
 */
const dbName = uniqueName('spares-open-lists').replace(/-/g, '_');
const growing = new Set(['defectiveReturns', 'supplierClaims']);
/** Small by construction: the open ones, and locks in use. */
const small = new Set(['openReturns', 'openSupplierClaims', 'sparesKeyLocks']);
// A month before today at 08:00 UTC: derived from the clock, so the test holds on any date.
const t0 = utcDayAt(-30, '08:00').getTime();
const ctx = { topic: (name: string) => `${dbName}.${name}`, now: () => new Date(), nudgeOutbox: () => undefined };

let connection: Connection;
let store: SparesStore;
let flow: CaseFlow;
let open: OpenLists;
let routes: RouteSpec[];
const { listener, recorded } = commandRecorder();

const route = (method: string, path: string) => routes.find((r) => r.method === method && r.path === path)!;
async function call(method: string, path: string, { query = {}, params = {}, body }: { query?: Record<string, string>; params?: Record<string, string>; body?: unknown }) {
  return callRoute(route(method, path), { query, params, body, principal: { sub: 'QA-1', roles: ['quality'] } });
}

/** The desk's list call, with the commands it sent (the old path, `find(q).sort().limit(500)`, kept as the check). */
async function desk(path: '/v1/returns' | '/v1/supplier-claims', query: Record<string, string>) {
  const { result, commands } = await recorded(() => call('get', path, { query }));
  const ids = (result.body as { items: { id: string }[] }).items.map((i) => i.id);
  return { ids, commands: commands.filter((c) => c.commandName !== 'endSessions') };
}

/** What the old filter answers; documents of one due date (or opening) in id order, as Mongo leaves ties unordered. */
async function byFilter(path: '/v1/returns' | '/v1/supplier-claims', q: Record<string, string>): Promise<string[]> {
  const docs: { _id: string; key: Date }[] =
    path === '/v1/returns'
      ? (await store.returns.find(q).sort({ dueAt: 1 }).limit(500).toArray()).map((r) => ({ _id: r._id, key: r.dueAt }))
      : (await store.supplierClaims.find(q).sort({ openedAt: 1 }).limit(500).toArray()).map((c) => ({ _id: c._id, key: c.openedAt }));
  return docs.sort((a, b) => a.key.getTime() - b.key.getTime() || (a._id < b._id ? -1 : 1)).map((d) => d._id);
}

const deskQueries: ['/v1/returns' | '/v1/supplier-claims', Record<string, string>][] = [
  ['/v1/returns', { status: 'awaiting-return' }],
  ['/v1/returns', { status: 'returned' }],
  ['/v1/returns', { status: 'awaiting-return', engineerId: 'ENG-2' }],
  ['/v1/returns', { status: 'awaiting-return', workOrderId: 'WO-NEW-1' }],
  ['/v1/supplier-claims', { status: 'open' }],
  ['/v1/supplier-claims', { status: 'submitted' }],
  ['/v1/supplier-claims', { status: 'accepted' }],
  ['/v1/supplier-claims', { status: 'open', supplierId: 'SUP-2' }],
];

/** Every desk query answers as the old filter does, and none sends a filter FerretDB would scan. */
async function expectDeskAsFilter(): Promise<void> {
  for (const [path, query] of deskQueries) {
    const { ids, commands } = await desk(path, query);
    expect(ids, `${path} ${JSON.stringify(query)}`).toEqual(await byFilter(path, query));
    expect(scansOf(commands, { keyed: growing, small }), `${path} ${JSON.stringify(query)}`).toEqual([]);
  }
}

const oldReturn = (i: number, status: DefectiveReturnDoc['status']): DefectiveReturnDoc => ({
  _id: `RET-OLD-${String(i).padStart(4, '0')}`, partNumber: 'P-LENS', removedSerial: null, quantity: 1, workOrderId: `WO-OLD-${i}`, requestId: `SR-OLD-${i}`, engineerId: i % 2 ? 'ENG-1' : 'ENG-2',
  machineSerial: 'SN-1', model: null, productLine: null, failureMode: null, createdAt: new Date(t0), dueAt: new Date(t0 + i * 60_000), status, returnedAt: status === 'awaiting-return' ? null : new Date(t0), lastChasedAt: null, chaseCount: 0, flaggedAt: null,
});
const oldClaim = (i: number, status: SupplierClaimDoc['status']): SupplierClaimDoc => ({
  _id: `SCL-OLD-${String(i).padStart(4, '0')}`, returnId: `RET-OLD-${i}`, partNumber: 'P-LENS', lot: null, supplierId: i % 2 ? 'SUP-1' : 'SUP-2', amountCents: 100, currency: 'EUR', status, reason: 'supplier defect', openedAt: new Date(t0 + i * 60_000),
});

function reportedWorkOrder(n: number, engineerId: string): WorkOrderDoc {
  return {
    _id: `WO-NEW-${n}`, requestId: `SR-NEW-${n}`, engineerId, status: 'completed', route: 'field-visit', updatedAt: new Date(),
    completion: { eventId: `E-NEW-${n}`, effortMinutes: 30, travelMinutes: 10, cause: 'lens', failureMode: null, partsUsed: [{ partNumber: 'P-LENS', quantity: 1, removedSerial: `LS-${n}` }], finishedAt: new Date(t0 + (1_000 + n) * 60_000) },
  };
}
const caseOf = (n: number) => ({ _id: `SR-NEW-${n}`, serialNumber: `SN-${n}`, model: null, productLine: null, entitlementSource: 'warranty' });

beforeAll(async () => {
  const opened = await monitoredSpares(dbName, listener);
  ({ connection, store } = opened);
  const models = opened.models;
  await models.parts.create({ _id: 'P-LENS', description: 'Lens', fitsModels: [], supersededBy: null, listPrice: 210, currency: 'EUR', supplierId: 'SUP-1' });
  const book = createReservationBook(store, ctx, testLogger());
  flow = createCaseFlow(store, models, book, ctx, testLogger(), { returnPolicy: DEFAULT_RETURN_POLICY, salesCentreId: 'SC', factoryId: 'F' });
  open = createOpenLists(store, ctx.now);
  routes = returnRoutes({ platform: ctx, store, models, book, flow } as unknown as SparesDeps);
  // As stored before the open lists: a year of analysed returns and settled claims, and some still open.
  await store.returns.insertMany([
    ...Array.from({ length: 600 }, (_, i) => oldReturn(100 + i, 'analysed')),
    ...Array.from({ length: 12 }, (_, i) => oldReturn(i, i % 4 === 3 ? 'returned' : 'awaiting-return')),
  ]);
  await store.supplierClaims.insertMany([
    ...Array.from({ length: 300 }, (_, i) => oldClaim(100 + i, i % 5 === 0 ? 'rejected' : 'settled')),
    ...Array.from({ length: 9 }, (_, i) => oldClaim(i, (['open', 'submitted', 'accepted'] as const)[i % 3]!)),
  ]);
});

afterAll(async () => {
  await connection?.dropDatabase();
  await connection?.close();
});

describe("the spares desk's lists read the open returns and claims only", () => {
  it('lists what was open before the lists, once at start (marker open-lists@1)', async () => {
    expect(await store.openReturns.countDocuments()).toBe(0);
    expect(await buildOpenListsOnce(store, ctx.now)).toBe(12 + 9);
    expect(await buildOpenListsOnce(store, ctx.now)).toBe(-1);
    expect(await store.builds.findOne({ _id: 'open-lists@1' })).not.toBeNull();
    await expectDeskAsFilter();
  });

  it('answers as the filter did, through returns opened, received and analysed and claims opened and moved on, with no filter FerretDB would scan', async () => {
    for (let n = 1; n <= 4; n++) {
      await store.workOrders.insertOne(reportedWorkOrder(n, n % 2 ? 'ENG-1' : 'ENG-2'));
      expect(await flow.openReturns(reportedWorkOrder(n, n % 2 ? 'ENG-1' : 'ENG-2'), caseOf(n))).toBe(1);
    }
    // A redelivered report opens nothing twice.
    expect(await flow.openReturns(reportedWorkOrder(1, 'ENG-1'), caseOf(1))).toBe(0);
    await expectDeskAsFilter();
    const polled = await desk('/v1/returns', { status: 'awaiting-return' });
    // The open entries, then each open return by `_id` (12 stored before, 9 of them awaiting, and 4 new).
    expect(commandNames(polled.commands)).toEqual(['find openReturns', ...Array<string>(16).fill('find defectiveReturns')]);

    await call('post', '/v1/returns/:id/receipt', { params: { id: 'RET-WO-NEW-1-1' } });
    await call('post', '/v1/returns/:id/receipt', { params: { id: 'RET-WO-NEW-2-1' } });
    await expectDeskAsFilter();
    // A supplier defect: the return is analysed (final, off the list) and its claim opens.
    const analysed = await call('post', '/v1/returns/:id/analysis', { params: { id: 'RET-WO-NEW-1-1' }, body: { finding: 'supplier-defect', supplierId: 'SUP-2', lot: 'LOT-1' } });
    expect(analysed.body).toMatchObject({ status: 'analysed', supplierClaimId: 'SCL-RET-WO-NEW-1-1' });
    expect(await store.openReturns.findOne({ _id: 'RET-WO-NEW-1-1' })).toBeNull();
    expect(await store.openSupplierClaims.findOne({ _id: 'SCL-RET-WO-NEW-1-1' })).not.toBeNull();
    await expectDeskAsFilter();
    expect((await desk('/v1/supplier-claims', { status: 'open', supplierId: 'SUP-2' })).ids).toContain('SCL-RET-WO-NEW-1-1');

    // Claims moved on: to submitted and accepted they stay listed; settled and rejected (final) leave the list.
    await call('post', '/v1/supplier-claims/:id/status', { params: { id: 'SCL-RET-WO-NEW-1-1' }, body: { status: 'submitted' } });
    await call('post', '/v1/supplier-claims/:id/status', { params: { id: 'SCL-OLD-0000' }, body: { status: 'accepted' } });
    await expectDeskAsFilter();
    const settled = await call('post', '/v1/supplier-claims/:id/status', { params: { id: 'SCL-OLD-0000' }, body: { status: 'settled' } });
    expect(settled.body).toMatchObject({ id: 'SCL-OLD-0000', status: 'settled' });
    await call('post', '/v1/supplier-claims/:id/status', { params: { id: 'SCL-OLD-0001' }, body: { status: 'rejected' } });
    expect(await store.openSupplierClaims.findOne({ _id: 'SCL-OLD-0000' })).toBeNull();
    expect(await store.openSupplierClaims.findOne({ _id: 'SCL-OLD-0001' })).toBeNull();
    await expectDeskAsFilter();
    // A final claim moved open again is listed again.
    await call('post', '/v1/supplier-claims/:id/status', { params: { id: 'SCL-OLD-0001' }, body: { status: 'submitted' } });
    expect(await store.openSupplierClaims.findOne({ _id: 'SCL-OLD-0001' })).not.toBeNull();
    await expectDeskAsFilter();
    await expect(call('post', '/v1/supplier-claims/:id/status', { params: { id: 'SCL-NONE' }, body: { status: 'settled' } })).rejects.toThrow(/SCL-NONE/);
  });

  it('a crash between the two writes never hides an open one: an entry naming nothing or a closed one is skipped, a closed one taken off', async () => {
    // A return opened up to its entry: not stored, not listed; the redelivery stores it and it is.
    const wo = reportedWorkOrder(5, 'ENG-2');
    await open.open('returns', 'RET-WO-NEW-5-1', returnDueAt(wo.completion!.finishedAt));
    await expectDeskAsFilter();
    expect(await store.openReturns.findOne({ _id: 'RET-WO-NEW-5-1' })).not.toBeNull();
    expect(await flow.openReturns(wo, caseOf(5))).toBe(1);
    // Its entry carries its due date, and the list finds it.
    expect((await store.openReturns.findOne({ _id: 'RET-WO-NEW-5-1' }))?.at).toEqual((await store.returns.findOne({ _id: 'RET-WO-NEW-5-1' }))?.dueAt);
    expect((await desk('/v1/returns', { status: 'awaiting-return', engineerId: 'ENG-2' })).ids).toContain('RET-WO-NEW-5-1');
    await expectDeskAsFilter();

    // An analysis that stored the status and died before taking its entry off: skipped, then taken off.
    await store.returns.updateOne({ _id: 'RET-WO-NEW-2-1' }, { $set: { status: 'analysed' } });
    expect(await store.openReturns.findOne({ _id: 'RET-WO-NEW-2-1' })).not.toBeNull();
    await expectDeskAsFilter();
    expect(await store.openReturns.findOne({ _id: 'RET-WO-NEW-2-1' })).toBeNull();

    // A claim settled, its entry left: the same.
    await store.supplierClaims.updateOne({ _id: 'SCL-OLD-0002' }, { $set: { status: 'settled' } });
    await expectDeskAsFilter();
    expect(await store.openSupplierClaims.findOne({ _id: 'SCL-OLD-0002' })).toBeNull();
    // A claim moved open again that died after its entry: still settled, so not listed (and taken off).
    await open.open('supplier-claims', 'SCL-OLD-0100', new Date(t0));
    await expectDeskAsFilter();
    expect(await store.openSupplierClaims.findOne({ _id: 'SCL-OLD-0100' })).toBeNull();
    // A claim opened by an analysis up to its entry: nothing stored, skipped, left for the write under way.
    await open.open('supplier-claims', 'SCL-RET-NONE', new Date(t0));
    await expectDeskAsFilter();
    expect(await store.openSupplierClaims.findOne({ _id: 'SCL-RET-NONE' })).not.toBeNull();
  });

  it('a final status, or none, is read by filter as before', async () => {
    for (const [path, query] of [['/v1/returns', { status: 'analysed' }], ['/v1/returns', {}], ['/v1/supplier-claims', { status: 'settled' }], ['/v1/supplier-claims', {}]] as const) {
      const { ids, commands } = await desk(path, query);
      expect(ids).toEqual(await byFilter(path, query));
      expect(ids.length).toBeGreaterThan(0);
      expect(commandNames(commands)[0]).toBe(`find ${path === '/v1/returns' ? 'defectiveReturns' : 'supplierClaims'}`);
    }
  });

  it('an analysis whose call died once it was stored is finished by the retry, which still answers that it was analysed before', async () => {
    // The call stored its analysis (a supplier defect) and died before anything that follows it.
    const id = 'RET-OLD-0003';
    expect((await store.returns.findOne({ _id: id }))?.status).toBe('returned');
    await store.returnAnalyses.insertOne({ _id: id, finding: 'supplier-defect', lot: 'LOT-9', supplierId: 'SUP-1', failureMode: null, notes: null, analysedAt: new Date(t0), by: 'QA-1' } as never);
    const retry = () => call('post', '/v1/returns/:id/analysis', { params: { id }, body: { finding: 'wear' } });
    await expect(retry()).rejects.toThrow(/analysed before/);
    // Finished from the stored analysis, not from the retry's body: its claim opened and listed, the return analysed and off the list.
    expect(await store.supplierClaims.findOne({ _id: `SCL-${id}` })).toMatchObject({ supplierId: 'SUP-1', lot: 'LOT-9', status: 'open', openedAt: new Date(t0) });
    expect(await store.openSupplierClaims.findOne({ _id: `SCL-${id}` })).not.toBeNull();
    expect((await store.returns.findOne({ _id: id }))?.status).toBe('analysed');
    expect(await store.openReturns.findOne({ _id: id })).toBeNull();
    await expectDeskAsFilter();
    // Once the return is analysed, a retry changes nothing.
    const claimBefore = await store.supplierClaims.findOne({ _id: `SCL-${id}` });
    await expect(retry()).rejects.toThrow(/analysed before/);
    expect(await store.supplierClaims.findOne({ _id: `SCL-${id}` })).toEqual(claimBefore);
  });
});
