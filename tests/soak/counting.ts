/**
 * The soak's verdict, from what the servers hold at the end: pure, so its rules are unit-tested.
 * "Lost" is an accepted request (answered 201) that never closed, or a step's effect missing;
 * "duplicate" is an effect that exists twice where the system promises once. Kafka delivers at
 * least once, so the same event id read twice is a redelivery, not a duplicate; two event ids
 * for a once-per-request fact are.
 */

export interface EventSeen {
  topic: string;
  id: string;
  type: string;
  subject: string;
}

export interface GroupOffsets {
  groupId: string;
  topic: string;
  /** Sum of the group's committed offsets over the topic's partitions. */
  committed: number;
  /** Sum of the partitions' high-water marks. */
  high: number;
}

export interface CensusInput {
  /** Request ids the API answered 201 for. */
  accepted: string[];
  /** Of those, the ones the client saw closed (acceptance answered closed). */
  closedByClient: string[];
  events: EventSeen[];
  workOrders: { id: string; requestId: string; status: string }[];
  allocations: { caseId: string; lineId: string; costCentre: string }[];
  failureRecords: { id: string; requestId: string }[];
  consumptions: { workOrderId: string; requestId: string }[];
  groups: GroupOffsets[];
}

export interface Finding {
  requestId: string;
  what: string;
  count?: number;
}

export interface TopicFigures {
  topic: string;
  messages: number;
  distinctEvents: number;
  /** Consumer groups reading it, with how many messages each has consumed and has still to. */
  groups: { groupId: string; consumed: number; lag: number }[];
}

export interface Verdict {
  accepted: number;
  closed: number;
  closedByClient: number;
  lost: Finding[];
  duplicates: Finding[];
  /** Same event id read more than once (at-least-once delivery; harmless when applied once). */
  redelivered: number;
  /** The redelivered ones by event type. */
  redeliveredByType: Record<string, number>;
  topics: TopicFigures[];
}

/** Facts that happen exactly once per request in the soak's flow, on their own topic. */
export const oncePerRequest: { type: string; subjectIs: 'request' | 'work order' }[] = [
  { type: 'service-request.registered', subjectIs: 'request' },
  { type: 'service-request.screened', subjectIs: 'request' },
  { type: 'service-request.dispatch-requested', subjectIs: 'request' },
  { type: 'service-request.closed', subjectIs: 'request' },
  { type: 'work-order.created', subjectIs: 'work order' },
  { type: 'work-order.completed', subjectIs: 'work order' },
];

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}

export function countSoak(input: CensusInput): Verdict {
  const lost: Finding[] = [];
  const duplicates: Finding[] = [];
  const distinct = new Map<string, EventSeen>();
  const redeliveredByType: Record<string, number> = {};
  for (const e of input.events) {
    if (!distinct.has(e.id)) distinct.set(e.id, e);
    else redeliveredByType[e.type] = (redeliveredByType[e.type] ?? 0) + 1;
  }
  const redelivered = input.events.length - distinct.size;
  const eventIdsBy = groupBy([...distinct.values()], (e) => `${e.type}|${e.subject}`);
  const closed = new Set([...distinct.values()].filter((e) => e.type === 'service-request.closed').map((e) => e.subject));

  const workOrdersOf = groupBy(input.workOrders.filter((w) => w.status !== 'cancelled'), (w) => w.requestId);
  const allocationsOf = groupBy(input.allocations, (a) => a.caseId);
  const failuresOf = groupBy(input.failureRecords, (f) => f.requestId);
  const consumedOf = groupBy(input.consumptions, (c) => c.workOrderId);

  for (const requestId of [...new Set(input.accepted)].sort()) {
    const missing = (what: string) => lost.push({ requestId, what });
    const twice = (what: string, count: number) => duplicates.push({ requestId, what, count });
    if (!closed.has(requestId)) missing('closed');
    const workOrders = workOrdersOf.get(requestId) ?? [];
    if (workOrders.length === 0) missing('work order');
    if (workOrders.length > 1) twice('work orders', workOrders.length);
    const workOrder = workOrders[0];
    if (workOrder && workOrder.status !== 'completed') missing(`work order completed (is ${workOrder.status})`);
    for (const { type, subjectIs } of oncePerRequest) {
      const subject = subjectIs === 'request' ? requestId : workOrder?.id;
      if (!subject) continue;
      const ids = eventIdsBy.get(`${type}|${subject}`) ?? [];
      if (ids.length === 0) missing(`event ${type}`);
      if (ids.length > 1) twice(`event ${type}`, ids.length);
    }
    if (workOrder) {
      const consumed = consumedOf.get(workOrder.id) ?? [];
      if (consumed.length === 0) missing('parts written off');
      if (consumed.length > 1) twice('parts written off', consumed.length);
    }
    const allocations = allocationsOf.get(requestId) ?? [];
    if (allocations.length === 0) missing('cost allocation');
    for (const [line, entries] of groupBy(allocations, (a) => `${a.lineId}|${a.costCentre}`)) {
      if (entries.length > 1) twice(`cost allocation of ${line}`, entries.length);
    }
    const failures = failuresOf.get(requestId) ?? [];
    if (failures.length === 0) missing('failure record');
    if (failures.length > 1) twice('failure record', failures.length);
  }

  const topics = [...groupBy(input.events, (e) => e.topic)].map(([topic, events]) => ({
    topic,
    messages: events.length,
    distinctEvents: new Set(events.map((e) => e.id)).size,
    groups: input.groups.filter((g) => g.topic === topic).map((g) => ({ groupId: g.groupId, consumed: g.committed, lag: Math.max(0, g.high - g.committed) })),
  }));
  topics.sort((a, b) => a.topic.localeCompare(b.topic));
  return {
    accepted: new Set(input.accepted).size,
    closed: input.accepted.filter((id) => closed.has(id)).length,
    closedByClient: new Set(input.closedByClient).size,
    lost,
    duplicates,
    redelivered,
    redeliveredByType,
    topics,
  };
}

export interface Recovery {
  fault: string;
  component: string;
  /** Seconds from the kill to the component answering its health or readiness check again. */
  healthySeconds: number;
  /** Seconds from the kill to every service answering /readyz again. */
  allReadySeconds: number;
  /** Seconds from the kill to the first flow step completed after the component was back (null: none seen). */
  flowSeconds: number | null;
}

/** The verdict and recoveries as the plain-text tables the soak prints. */
export function formatReport(verdict: Verdict, recoveries: Recovery[], extra: Record<string, string | number> = {}): string {
  const table = (header: string[], rows: (string | number)[][]) => {
    const cells = [header, ...rows].map((r) => r.map(String));
    const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i]?.length ?? 0)));
    return cells.map((r, j) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ') + (j === 0 ? `\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : '')).join('\n');
  };
  const lines = [
    table(['figure', 'value'], [
      ['requests accepted (201)', verdict.accepted],
      ['requests closed (event on Kafka)', verdict.closed],
      ['requests closed (client saw it)', verdict.closedByClient],
      ['lost', verdict.lost.length],
      ['duplicate effects', verdict.duplicates.length],
      ['events redelivered (same id again)', verdict.redelivered],
      ...Object.entries(verdict.redeliveredByType).map(([type, count]): [string, number] => [`  of them ${type}`, count]),
      ...Object.entries(extra),
    ]),
    '',
    table(['topic', 'messages', 'distinct events', 'consumer groups', 'consumed (sum)', 'lag (sum)'], verdict.topics.map((t) => [t.topic, t.messages, t.distinctEvents, t.groups.length, t.groups.reduce((s, g) => s + g.consumed, 0), t.groups.reduce((s, g) => s + g.lag, 0)])),
    '',
    table(['fault', 'component', 'healthy after s', 'all ready after s', 'flow moving after s'], recoveries.map((r) => [r.fault, r.component, r.healthySeconds.toFixed(1), r.allReadySeconds.toFixed(1), r.flowSeconds === null ? '-' : r.flowSeconds.toFixed(1)])),
  ];
  const findings = [...verdict.lost.map((f) => `LOST       ${f.requestId}: ${f.what}`), ...verdict.duplicates.map((f) => `DUPLICATE  ${f.requestId}: ${f.what} x${f.count}`)];
  if (findings.length) lines.push('', ...findings.slice(0, 50), ...(findings.length > 50 ? [`... and ${findings.length - 50} more`] : []));
  return lines.join('\n');
}
