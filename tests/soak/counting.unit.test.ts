import { describe, expect, it } from 'vitest';
import { countSoak, formatReport, oncePerRequest, type CensusInput, type EventSeen } from './counting';

/** A request that went through everything once: its events, work order, allocation, failure record. */
function complete(requestId: string): Omit<CensusInput, 'accepted' | 'closedByClient' | 'groups'> {
  const workOrderId = `WO-${requestId}-1`;
  const events: EventSeen[] = oncePerRequest.map(({ type, subjectIs }) => ({
    topic: type.startsWith('work-order') ? 'dispatch.work-orders.v1' : 'intake.service-requests.v1',
    id: `${type}:${requestId}`,
    type,
    subject: subjectIs === 'request' ? requestId : workOrderId,
  }));
  return {
    events,
    workOrders: [{ id: workOrderId, requestId, status: 'completed' }],
    allocations: [{ caseId: requestId, lineId: 'part|P-LENS-B', costCentre: 'factory' }, { caseId: requestId, lineId: 'labour', costCentre: 'factory' }],
    failureRecords: [{ id: `FR-${requestId}`, requestId }],
    consumptions: [{ workOrderId, requestId }],
  };
}

function merge(...parts: Omit<CensusInput, 'accepted' | 'closedByClient' | 'groups'>[]) {
  return {
    events: parts.flatMap((p) => p.events),
    workOrders: parts.flatMap((p) => p.workOrders),
    allocations: parts.flatMap((p) => p.allocations),
    failureRecords: parts.flatMap((p) => p.failureRecords),
    consumptions: parts.flatMap((p) => p.consumptions),
  };
}

describe('countSoak', () => {
  it('counts complete requests as closed with nothing lost or twice, and a redelivered event as a redelivery only', () => {
    const held = merge(complete('SR-1'), complete('SR-2'));
    const again = held.events[0]!;
    const verdict = countSoak({ accepted: ['SR-1', 'SR-2'], closedByClient: ['SR-1'], ...held, events: [...held.events, again], groups: [{ groupId: 'dispatch', topic: 'intake.service-requests.v1', committed: 9, high: 9 }] });
    expect(verdict).toMatchObject({ accepted: 2, closed: 2, closedByClient: 1, lost: [], duplicates: [], redelivered: 1, redeliveredByType: { [again.type]: 1 } });
    expect(verdict.topics.find((t) => t.topic === 'intake.service-requests.v1')).toEqual({ topic: 'intake.service-requests.v1', messages: 9, distinctEvents: 8, groups: [{ groupId: 'dispatch', consumed: 9, lag: 0 }] });
  });

  it('names what an accepted request is missing', () => {
    const held = complete('SR-1');
    const verdict = countSoak({
      accepted: ['SR-1', 'SR-9'],
      closedByClient: [],
      ...held,
      events: held.events.filter((e) => e.type !== 'service-request.closed'),
      allocations: [],
      groups: [],
    });
    expect(verdict.lost).toEqual(expect.arrayContaining([{ requestId: 'SR-1', what: 'closed' }, { requestId: 'SR-1', what: 'event service-request.closed' }, { requestId: 'SR-1', what: 'cost allocation' }]));
    // Never seen anywhere: closed, work order, its events, allocation, failure record.
    expect(verdict.lost.filter((f) => f.requestId === 'SR-9').map((f) => f.what)).toEqual(['closed', 'work order', 'event service-request.registered', 'event service-request.screened', 'event service-request.dispatch-requested', 'event service-request.closed', 'cost allocation', 'failure record']);
    expect(verdict.closed).toBe(0);
  });

  it('finds a second work order, a second event id for a once-only fact, a line charged twice and a failure recorded twice', () => {
    const held = complete('SR-1');
    const verdict = countSoak({
      accepted: ['SR-1'],
      closedByClient: ['SR-1'],
      ...held,
      workOrders: [...held.workOrders, { id: 'WO-SR-1-2', requestId: 'SR-1', status: 'assigned' }, { id: 'WO-SR-1-3', requestId: 'SR-1', status: 'cancelled' }],
      events: [...held.events, { topic: 'intake.service-requests.v1', id: 'another', type: 'service-request.closed', subject: 'SR-1' }],
      allocations: [...held.allocations, { caseId: 'SR-1', lineId: 'labour', costCentre: 'factory' }],
      failureRecords: [...held.failureRecords, { id: 'FR-SR-1-b', requestId: 'SR-1' }],
      groups: [{ groupId: 'spares', topic: 'intake.service-requests.v1', committed: 3, high: 8 }],
    });
    expect(verdict.duplicates).toEqual([
      { requestId: 'SR-1', what: 'work orders', count: 2 },
      { requestId: 'SR-1', what: 'event service-request.closed', count: 2 },
      { requestId: 'SR-1', what: 'cost allocation of labour|factory', count: 2 },
      { requestId: 'SR-1', what: 'failure record', count: 2 },
    ]);
    expect(verdict.lost).toEqual([]);
    expect(verdict.topics.find((t) => t.topic === 'intake.service-requests.v1')?.groups).toEqual([{ groupId: 'spares', consumed: 3, lag: 5 }]);
  });

  it('prints the figures, the topics and each recovery as tables, and the findings below', () => {
    const verdict = countSoak({ accepted: ['SR-1'], closedByClient: [], ...merge(), groups: [] });
    const text = formatReport(verdict, [{ fault: 'kafka+intake', component: 'kafka', healthySeconds: 12.34, allReadySeconds: 15, flowSeconds: null }]);
    expect(text).toContain('requests accepted (201)');
    expect(text).toMatch(/kafka\+intake\s+kafka\s+12\.3\s+15\.0\s+-/);
    expect(text).toContain('LOST       SR-1: closed');
  });
});
