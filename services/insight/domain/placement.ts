/**
 * Where a case's compact row is kept so a period's report reads a bounded number of documents:
 * in each month one of its reported instants falls in (registered, resolved, closed, surveyed),
 * and in the open set while it is neither closed, cancelled nor screened invalid (stuck escalations
 * are judged now).
 * Each place is split into shards by request id so no document grows past a few hundred rows.
 */
import { shardOf } from '@aftersales/platform';
import type { CaseRecord } from './case-record';

/** The shard document of a request within a place: `month:2026-11#shard-3`. */
export function shardKey(place: string, requestId: string): string {
  return `${place}#${shardOf(requestId, shardCount)}`;
}

/** Every shard document of a place. */
export function shardKeys(place: string): string[] {
  return Array.from({ length: shardCount }, (_, k) => `${place}#shard-${k}`);
}

export const shardCount = 16;

export function monthOf(iso: string): string {
  return iso.slice(0, 7);
}

/** The index keys (`month:2026-11`, `open`) a case belongs to now. */
export function placesOf(c: CaseRecord): string[] {
  if (c.awaitingRegistration) return [];
  const months = new Set<string>();
  for (const at of [c.registeredAt, c.resolvedAt, c.closedAt, c.survey?.at ?? null]) if (at) months.add(`month:${monthOf(at)}`);
  const places = [...months].sort();
  // Screened invalid ends a request as surely as a close: it leaves the open set.
  if (c.closedAt === null && c.cancelledAt === null && c.screening !== 'invalid') places.push('open');
  return places;
}

/** Every month key from the one holding `from` to the one holding `to` (inclusive). */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = monthOf(from).split('-').map(Number) as [number, number];
  const last = monthOf(to);
  for (;;) {
    const key = `${y}-${String(m).padStart(2, '0')}`;
    out.push(`month:${key}`);
    if (key >= last || out.length > 240) return out;
    m += 1;
    if (m > 12) [y, m] = [y + 1, 1];
  }
}

/** What a report needs of a case: the record without the fold's bookkeeping. */
export function compactRow(c: CaseRecord): CaseRecord {
  const { facts: _facts, quotes: _quotes, stamps: _stamps, awaitingRegistration: _awaiting, ...row } = c;
  return row;
}
