import { describe, expect, it } from 'vitest';
import { hostname } from 'node:os';
import { goneFromThisHost, trackedMarkerId, trackedMarkerOf, untrackedCollections, writersToSweepFor, type OutboxWriterDoc } from './outbox-writers';

describe('writersToSweepFor', () => {
  const at = new Date();
  const ago = (ms: number) => new Date(at.getTime() - ms);
  const docs: OutboxWriterDoc[] = [
    { _id: 'beating', kind: 'process', at: ago(20_000) },
    { _id: 'stopped', kind: 'process', at: ago(61_000) },
    { _id: 'mark-young', kind: 'missed', at: ago(9_000) },
    { _id: 'mark-old', kind: 'missed', at: ago(11_000) },
    { _id: 'tracked', kind: 'tracked', at: ago(86_400_000) },
  ];

  it('calls for a sweep for a heartbeat older than the staleness and a mark older than the grace, nothing else', () => {
    expect(writersToSweepFor(docs, at, 60_000, 10_000).map((d) => d._id)).toEqual(['stopped', 'mark-old']);
  });

  it('calls for nothing while every writer beats and no mark is old enough', () => {
    expect(writersToSweepFor(docs.filter((d) => d._id === 'beating' || d._id === 'mark-young'), at, 60_000, 10_000)).toEqual([]);
  });
});

describe('writersToSweepFor and a writer gone from this host', () => {
  it('calls for a sweep once its last beat is 25 s old, not before, and not for a running pid', () => {
    const at = new Date();
    const gone = (ageMs: number, pid: number): OutboxWriterDoc => ({ _id: `w-${ageMs}-${pid}`, kind: 'process', at: new Date(at.getTime() - ageMs), host: hostname(), pid });
    const running = (pid: number) => pid === 7;
    expect(writersToSweepFor([gone(26_000, 8), gone(20_000, 8), gone(26_000, 7)], at, 60_000, 10_000, running).map((d) => d._id)).toEqual(['w-26000-8']);
  });
});

describe('goneFromThisHost', () => {
  const beat = (over: Partial<OutboxWriterDoc>): OutboxWriterDoc => ({ _id: 'w', kind: 'process', at: new Date(), host: hostname(), pid: 4242, ...over });
  const running = (pids: number[]) => (pid: number) => pids.includes(pid);

  it('takes a heartbeat of this host whose pid no longer runs for a gone writer', () => {
    expect(goneFromThisHost(beat({}), running([]))).toBe(true);
  });

  it('leaves a running pid, another host, this process, a heartbeat without pid, and marks to the staleness', () => {
    expect(goneFromThisHost(beat({}), running([4242]))).toBe(false);
    expect(goneFromThisHost(beat({ host: `${hostname()}-other` }), running([]))).toBe(false);
    expect(goneFromThisHost(beat({ pid: process.pid }), running([]))).toBe(false);
    expect(goneFromThisHost(beat({ pid: undefined }), running([]))).toBe(false);
    expect(goneFromThisHost(beat({ kind: 'missed' }), running([]))).toBe(false);
  });
});

describe('untrackedCollections', () => {
  const marker = (_id: string): OutboxWriterDoc => ({ _id, kind: 'tracked', at: new Date() });
  const beat: OutboxWriterDoc = { _id: 'w', kind: 'process', at: new Date() };

  it('sweeps and marks every collection of a database never marked', () => {
    expect(untrackedCollections([beat], ['a', 'b'])).toEqual({ sweep: ['a', 'b'], mark: ['a', 'b'] });
  });

  it('marks without a sweep the collections of a database marked the earlier way, which covered them', () => {
    expect(untrackedCollections([beat, marker(trackedMarkerId)], ['a', 'b'])).toEqual({ sweep: [], mark: ['a', 'b'] });
  });

  it('sweeps only a collection without its marker once the collections are marked, the earlier marker or not', () => {
    expect(untrackedCollections([marker(trackedMarkerId), marker(trackedMarkerOf('a'))], ['a', 'b'])).toEqual({ sweep: ['b'], mark: ['b'] });
    expect(untrackedCollections([marker(trackedMarkerOf('a')), marker(trackedMarkerOf('b'))], ['a', 'b'])).toEqual({ sweep: [], mark: [] });
  });
});
