import type { CaseRecord, MachineRecord } from '../domain/case-record';
import { defaultKpiOptions } from '../domain/kpis';
import { machinesOf, type InstalledBase } from '../domain/machines';
import { monthsBetween, shardKeys } from '../domain/placement';
import { readBase, readRows, readStock, type Generation } from './read-model';
import { stockMonthsBetween, type StockValuation } from '../domain/stock-valuations';

const dayMs = 86_400_000;

/**
 * The cases a report over [from, to) can need, read by `_id` only: the row shards of each month
 * from `from` to the end of the repeat window after `to` (a close near the end may be repeated
 * then), and the open cases (stuck escalations are judged now).
 */
export async function loadPeriod(g: Generation, from: string, to: string): Promise<{ cases: CaseRecord[]; machines: MachineRecord[]; base: InstalledBase; stock: StockValuation[]; shardsRead: number }> {
  const until = new Date(Date.parse(to) + (defaultKpiOptions.repeatWindowDays + 1) * dayMs).toISOString();
  const shards = [...monthsBetween(from, until), 'open'].flatMap(shardKeys);
  // Spares' stock valuations: one document per month of the period.
  const [cases, base, stock] = await Promise.all([readRows(g, shards), readBase(g), readStock(g, stockMonthsBetween(from, to))]);
  return { cases, machines: machinesOf(base), base, stock, shardsRead: shards.length };
}
