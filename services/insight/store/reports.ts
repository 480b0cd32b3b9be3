import type { CaseRecord, MachineRecord } from '../domain/case-record';
import { defaultKpiOptions } from '../domain/kpis';
import { machinesOf, type InstalledBase } from '../domain/machines';
import { monthsBetween, shardKeys } from '../domain/placement';
import { readBase, readRows, type Generation } from './read-model';

const dayMs = 86_400_000;

/**
 * The cases a report over [from, to) can need, read by `_id` only: the row shards of each month
 * from `from` to the end of the repeat window after `to` (a close near the end may be repeated
 * then), and the open cases (stuck escalations are judged now).
 */
export async function loadPeriod(g: Generation, from: string, to: string): Promise<{ cases: CaseRecord[]; machines: MachineRecord[]; base: InstalledBase; shardsRead: number }> {
  const until = new Date(Date.parse(to) + (defaultKpiOptions.repeatWindowDays + 1) * dayMs).toISOString();
  const shards = [...monthsBetween(from, until), 'open'].flatMap(shardKeys);
  const [cases, base] = await Promise.all([readRows(g, shards), readBase(g)]);
  return { cases, machines: machinesOf(base), base, shardsRead: shards.length };
}
