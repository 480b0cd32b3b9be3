import type { Collection } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { uniqueName, utcDayAt } from '@aftersales/platform/testing';
import { type DefectiveReturnDoc, type SparesStore } from './collections';
import { onSparesStore } from './on-stack';
import { createGuardedWrites } from './guarded-writes';

const dbName = uniqueName('spares-guarded').replace(/-/g, '_');
const now = () => utcDayAt(0, '08:00');
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** On the real Mongo server: a conditional write read, checked and written by `_id` never acts on a state another writer moved on. */
describe('guarded writes', () => {
  let store!: SparesStore;
  onSparesStore(dbName, (s) => (store = s));

  it('a receipt that read a return as awaited, while its analysis is recorded, does not set it back from analysed', async () => {
    const at = now();
    await store.returns.insertOne({ _id: 'RET-1', partNumber: 'P-1', removedSerial: null, quantity: 1, workOrderId: 'WO-1', requestId: 'SR-1', engineerId: null, machineSerial: 'SN-1', model: null, productLine: null, failureMode: null, createdAt: at, dueAt: at, status: 'awaiting-return', returnedAt: null, lastChasedAt: null, chaseCount: 0, flaggedAt: null });
    const analysis = createGuardedWrites(store, now);
    let analysed: Promise<boolean> | null = null;
    // The receipt's read answers, then the analysis runs in full (if nothing holds it) before the receipt writes.
    const returns = new Proxy(store.returns, {
      get(target, prop) {
        if (prop === 'findOne' && !analysed) {
          return async (...args: Parameters<Collection<DefectiveReturnDoc>['findOne']>) => {
            const read = await target.findOne(...args);
            analysed = analysis.setIf(store.returns, 'RET-1', () => true, { status: 'analysed' });
            await sleep(300);
            return read;
          };
        }
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const receipt = createGuardedWrites(store, now);
    expect(await receipt.setIf(returns, 'RET-1', (r) => r.status === 'awaiting-return', { status: 'returned', returnedAt: at })).toBe(true);
    expect(await analysed).toBe(true);
    expect(await store.returns.findOne({ _id: 'RET-1' })).toMatchObject({ status: 'analysed' });
    // Received again later: it stays analysed.
    expect(await receipt.setIf(store.returns, 'RET-1', (r) => r.status === 'awaiting-return', { status: 'returned', returnedAt: at })).toBe(false);
    expect(await store.locks.countDocuments({})).toBe(0);
  });
});
