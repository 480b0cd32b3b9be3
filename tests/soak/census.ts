import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { startTopicReader } from '@aftersales/platform/testing';
import type { StackEndpoints } from '../support/stack';
import type { CensusInput, EventSeen, GroupOffsets } from './counting';

type Held = Omit<CensusInput, 'accepted' | 'closedByClient'>;

/** What the soak's namespace holds at the end: its databases read directly, its topics from the beginning. */
export async function takeCensus(stack: StackEndpoints, ns: string): Promise<Held> {
  const [stored, kafka] = await Promise.all([readDatabases(stack.mongoUrl, ns), readTopics(stack.kafkaBrokers, ns)]);
  return { ...stored, ...kafka };
}

async function readDatabases(mongoUrl: string, ns: string): Promise<Pick<Held, 'workOrders' | 'allocations' | 'failureRecords' | 'consumptions'>> {
  const client = await MongoClient.connect(mongoUrl, { serverSelectionTimeoutMS: 30_000 });
  try {
    const dispatch = client.db(`${ns}_dispatch`);
    const spares = client.db(`${ns}_spares`);
    const quality = client.db(`${ns}_quality`);
    type Doc = Record<string, unknown> & { _id: string };
    const all = (db: typeof dispatch, name: string) => db.collection<Doc>(name).find({}).toArray();
    const [open, closed, allocations, failures, consumptions] = await Promise.all([
      all(dispatch, 'workOrders'),
      all(dispatch, 'closedWorkOrders'),
      all(spares, 'costAllocations'),
      all(quality, 'failureRecords'),
      all(spares, 'consumptions'),
    ]);
    // A work order moves from the open collection to the closed one; one seen in both is one work order (the closed copy wins).
    const workOrders = new Map<string, { id: string; requestId: string; status: string }>();
    for (const w of [...open, ...closed]) workOrders.set(w._id, { id: w._id, requestId: String(w.requestId), status: String(w.status) });
    return {
      workOrders: [...workOrders.values()],
      allocations: allocations.map((a) => ({ caseId: String(a.caseId), lineId: String(a.lineId), costCentre: String(a.costCentre) })),
      failureRecords: failures.map((f) => ({ id: f._id, requestId: typeof f.requestId === 'string' ? f.requestId : f._id.replace(/^FR-/, '') })),
      consumptions: consumptions.map((c) => ({ workOrderId: String(c.workOrderId ?? c._id), requestId: String(c.requestId) })),
    };
  } finally {
    await client.close();
  }
}

async function readTopics(brokers: string, ns: string): Promise<{ events: EventSeen[]; groups: GroupOffsets[] }> {
  const kafka = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING, clientId: 'soak-census' });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${ns}.`)).sort();
    const high = new Map<string, number>();
    for (const topic of topics) high.set(topic, (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0));
    const total = [...high.values()].reduce((a, b) => a + b, 0);
    const events: EventSeen[] = [];
    if (total > 0) {
      const reader = await startTopicReader(kafka, topics.filter((t) => (high.get(t) ?? 0) > 0));
      try {
        const read = await reader.waitFor(total, `every message of ${ns}'s topics`, undefined, 180_000);
        for (const m of read) {
          try {
            const e = JSON.parse(m.value) as { id?: string; type?: string; subject?: string };
            events.push({ topic: m.topic.slice(ns.length + 1), id: e.id ?? `${m.topic}:${m.partition}:${m.offset}`, type: e.type ?? '?', subject: e.subject ?? m.key ?? '' });
          } catch {
            events.push({ topic: m.topic.slice(ns.length + 1), id: `${m.topic}:${m.partition}:${m.offset}`, type: 'unparsable', subject: m.key ?? '' });
          }
        }
      } finally {
        await reader.stop();
      }
    }
    const groups: GroupOffsets[] = [];
    const groupIds = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(ns));
    for (const groupId of groupIds) {
      for (const { topic, partitions } of await admin.fetchOffsets({ groupId, topics })) {
        // A group that committed on any partition of the topic reads it; a partition it has not committed on counts as unread.
        if (!partitions.some((p) => Number(p.offset) >= 0)) continue;
        const ends = await admin.fetchTopicOffsets(topic);
        groups.push({
          groupId: groupId.slice(ns.length + 1),
          topic: topic.slice(ns.length + 1),
          committed: partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0),
          high: ends.reduce((sum, e) => sum + Number(e.high), 0),
        });
      }
    }
    return { events, groups };
  } finally {
    await admin.disconnect();
  }
}
