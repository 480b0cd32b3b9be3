import { describe, expect, it } from 'vitest';
import { writersToSweepFor, type OutboxWriterDoc } from './outbox-writers';

describe('writersToSweepFor', () => {
  const at = new Date();
  const ago = (ms: number) => new Date(at.getTime() - ms);
  const docs: OutboxWriterDoc[] = [
    { _id: 'beating', kind: 'process', at: ago(20_000) },
    { _id: 'stopped', kind: 'process', at: ago(61_000) },
    { _id: 'mark-young', kind: 'missed', at: ago(9_000) },
    { _id: 'mark-old', kind: 'missed', at: ago(11_000) },
  ];

  it('calls for a sweep for a heartbeat older than the staleness and a mark older than the grace, nothing else', () => {
    expect(writersToSweepFor(docs, at, 60_000, 10_000).map((d) => d._id)).toEqual(['stopped', 'mark-old']);
  });

  it('calls for nothing while every writer beats and no mark is old enough', () => {
    expect(writersToSweepFor(docs.filter((d) => d._id === 'beating' || d._id === 'mark-young'), at, 60_000, 10_000)).toEqual([]);
  });
});
