/**
 * Folding a batch of events at once (a rebuild reads the topics in batches): the events grouped by
 * the case they are about, each case folded in memory from its stored record, and the row-shard
 * changes of every case that changed gathered per shard, so a batch writes each touched case once
 * and each touched shard once. Pure: the store reads what the plan names and writes what it says.
 */
import type { EventEnvelope, KnownEvent } from '@aftersales/contracts';
import { shardOf } from '@aftersales/platform';
import type { CaseRecord, MachineRecord } from './case-record';
import { caseIdOf, foldCase } from './fold';
import { machineFrom } from './machines';
import { compactRow, placesOf, shardKey } from './placement';

/** A case as stored: its record and the row shards' places it was put in. */
export interface StoredCase {
  record: CaseRecord;
  places: string[];
}

/** A case the batch changed: the record to store and the places its row now belongs in. */
export interface ChangedCase {
  requestId: string;
  record: CaseRecord;
  places: string[];
}

/** What one row shard must change: rows to set (by request id) and rows to take out. */
export interface ShardChange {
  set: Record<string, CaseRecord>;
  remove: string[];
}

export interface BatchPlan {
  cases: ChangedCase[];
  /** By shard key (`month:2026-11#shard-3`), in key order. */
  shards: Map<string, ShardChange>;
}

/** A batch's events by the case they are about (in arrival order), its machine registrations and its stock valuations. */
export interface GroupedBatch {
  byCase: Map<string, EventEnvelope[]>;
  machines: KnownEvent<'machine.registered@1'>[];
  stock: KnownEvent<'stock.valued@1'>[];
}

export function groupByCase(events: readonly EventEnvelope[]): GroupedBatch {
  const byCase = new Map<string, EventEnvelope[]>();
  const machines: KnownEvent<'machine.registered@1'>[] = [];
  const stock: KnownEvent<'stock.valued@1'>[] = [];
  for (const event of events) {
    if (event.type === 'machine.registered' && event.version === 1) {
      machines.push(event as KnownEvent<'machine.registered@1'>);
      continue;
    }
    if (event.type === 'stock.valued' && event.version === 1) {
      stock.push(event as KnownEvent<'stock.valued@1'>);
      continue;
    }
    const requestId = caseIdOf(event);
    if (requestId === null) continue;
    const list = byCase.get(requestId);
    if (list) list.push(event);
    else byCase.set(requestId, [event]);
  }
  return { byCase, machines, stock };
}

/** Folds one case's events in order; null when none is about a case. */
export function foldEvents(current: CaseRecord | null, events: readonly EventEnvelope[]): CaseRecord | null {
  return events.reduce<CaseRecord | null>((record, event) => foldCase(record, event), current);
}

/**
 * The writes a batch needs, given the stored cases it touches (absent: not stored yet). A case
 * whose facts did not grow (every event seen before: a redelivered batch) is left out, and so are
 * the shards only it would touch.
 */
export function planBatch(byCase: ReadonlyMap<string, readonly EventEnvelope[]>, stored: ReadonlyMap<string, StoredCase>): BatchPlan {
  const cases: ChangedCase[] = [];
  const shards = new Map<string, ShardChange>();
  const change = (key: string) => {
    let c = shards.get(key);
    if (!c) shards.set(key, (c = { set: {}, remove: [] }));
    return c;
  };
  for (const [requestId, events] of byCase) {
    const before = stored.get(requestId);
    const record = foldEvents(before?.record ?? null, events);
    if (!record || (before && record.facts?.length === before.record.facts?.length)) continue;
    const places = placesOf(record);
    const row = compactRow(record);
    for (const place of places) change(shardKey(place, requestId)).set[requestId] = row;
    for (const place of (before?.places ?? []).filter((p) => !places.includes(p))) change(shardKey(place, requestId)).remove.push(requestId);
    cases.push({ requestId, record, places });
  }
  return { cases, shards: new Map([...shards].sort(([a], [b]) => a.localeCompare(b))) };
}

/** A shard's rows after its change. */
export function applyShardChange(rows: Record<string, CaseRecord>, change: ShardChange): Record<string, CaseRecord> {
  const next = { ...rows, ...change.set };
  for (const id of change.remove) delete next[id];
  return next;
}

/**
 * The lock a case changes under: one of a fixed set of buckets, so a batch touching hundreds of
 * cases takes at most `caseLockBuckets` locks (in key order, so two batches never deadlock) and a
 * single event takes the same lock its case's batch would.
 */
export const caseLockBuckets = 16;
export function caseLockKey(requestId: string): string {
  return `cases#${shardOf(requestId, caseLockBuckets)}`;
}

/** The distinct lock keys of a batch's cases, in the order they must be taken. */
export function caseLockKeys(requestIds: Iterable<string>): string[] {
  return [...new Set([...requestIds].map(caseLockKey))].sort();
}

/** One machine per serial, the first registration of each (as the first insert of a serial wins). */
export function machinesOf(events: readonly KnownEvent<'machine.registered@1'>[]): MachineRecord[] {
  const bySerial = new Map<string, MachineRecord>();
  for (const event of events) {
    const machine = machineFrom(event);
    if (!bySerial.has(machine.serialNumber)) bySerial.set(machine.serialNumber, machine);
  }
  return [...bySerial.values()];
}

/**
 * Counting machines into the installed base so each serial counts once even when a write is cut
 * short: the base remembers the serials its last version counted. A machine still marked
 * uncounted but named there was counted before the crash and is only marked; the rest are counted
 * in a new version, then marked with it.
 */
export interface CountState {
  version: number;
  lastCounted: string[];
}
export interface CountPlan {
  /** Counted by the current version already: mark them with it. */
  markOnly: string[];
  /** To count now, in a new version (the current + 1), then mark. */
  count: MachineRecord[];
}

export function planCount(state: CountState, uncounted: readonly MachineRecord[]): CountPlan {
  const done = new Set(state.lastCounted);
  return {
    markOnly: uncounted.filter((m) => done.has(m.serialNumber)).map((m) => m.serialNumber),
    count: uncounted.filter((m) => !done.has(m.serialNumber)),
  };
}
