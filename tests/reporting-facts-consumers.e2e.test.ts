import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { deadLetterTopic, topics } from '@aftersales/contracts';
import { useFactPublisher } from './support/kafka';
import { useTestBed } from './support/testbed';
import { eventually } from './support/wait';

/**
 * The facts published for reporting (issue 20) travel on streams other services already read:
 * notifications and quality (and spares, dispatch) must pass over the types they do not handle
 * (service-request.surveyed, machine.registered, case-cost.allocated, a registration with
 * customerClass) and keep going: every consumer group of the namespace commits to the end of each
 * stream, and no event lands on a dead-letter topic.
 */
describe('consumers and the reporting facts', () => {
  const bed = useTestBed('reporting-facts', { notifications: {}, quality: {}, spares: {}, dispatch: {} });
  const facts = useFactPublisher(bed);
  const streams = [topics.serviceRequests, topics.reservations, topics.machines];

  it('every consumer group reads past the new types to the end of its streams, dead-lettering none', async () => {
    const requestId = `SR-RF-${randomUUID().slice(0, 8)}`;
    const now = Date.now();
    const at = (offsetMs: number) => new Date(now + offsetMs).toISOString();
    await facts.publish('service-request.registered@1', requestId, {
      requestId, customerId: 'CUST-RF', contact: { name: 'Li Wei' }, channel: 'phone', serialNumber: 'SN-RF', symptom: 'burr on the cut edge', raisedAt: at(-60_000), neededBy: at(86_400_000), customerClass: 'vip',
    });
    await facts.publish('service-request.surveyed@1', requestId, { requestId, customerId: 'CUST-RF', score: 2, comment: 'slow', answeredAt: at(0) });
    await facts.publish('case-cost.allocated@1', requestId, { requestId, revision: 1, allocatedAt: at(0), currency: 'EUR', lines: [{ lineId: 'labour', kind: 'labour', costCentre: 'factory', amountCents: 9_000, inWarranty: true, reason: 'quality failure covered by the warranty' }] });
    await facts.publish('machine.registered@1', 'SN-RF', { serialNumber: 'SN-RF', customerId: 'CUST-RF', siteId: null, model: 'FL-3015', productLine: 'fiber-laser-cutting', installedAt: null, registeredAt: at(0), dealerId: null });

    const admin = new Kafka({ brokers: bed.stack.kafkaBrokers.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const ends = new Map<string, Map<number, string>>();
      for (const stream of streams) {
        const topic = `${bed.ns}.${stream}`;
        ends.set(topic, new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p.high])));
      }
      /** What the groups had committed at the last look, for the message of a timeout. */
      let seen = '';
      // Which groups read which stream, as committed: each of this namespace's groups, at the end of every stream it reads.
      const readers = await eventually('every group at the end of its streams', async () => {
        const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(`${bed.ns}-`));
        const reading: string[] = [];
        seen = JSON.stringify({ groups, ends: [...ends].map(([t, m]) => [t, [...m]]) });
        for (const groupId of groups) {
          for (const { topic, partitions } of await admin.fetchOffsets({ groupId, topics: [...ends.keys()] })) {
            const committed = partitions.filter((p) => p.offset !== '-1');
            if (committed.length === 0) continue;
            seen += ` ${groupId} ${topic} ${JSON.stringify(partitions)}`;
            // An empty partition has nothing to commit (-1); every other is read to its end.
            const atEnd = (p: { partition: number; offset: string }) => p.offset === ends.get(topic)!.get(p.partition) || (p.offset === '-1' && ends.get(topic)!.get(p.partition) === '0');
            if (!partitions.every(atEnd)) return undefined;
            reading.push(`${groupId.slice(bed.ns.length + 1)} ${topic.slice(bed.ns.length + 1)}`);
          }
        }
        const expected = ['notifications intake.service-requests.v1', 'notifications spares.reservations.v1', 'spares-service-requests intake.service-requests.v1', 'dispatch-service-requests intake.service-requests.v1'];
        return expected.every((e) => reading.includes(e)) && reading.some((r) => r.startsWith('quality-') && r.endsWith(topics.serviceRequests)) ? reading : undefined;
      }).catch((error: unknown) => {
        throw new Error(`${(error as Error).message}; last seen: ${seen}`);
      });
      expect(readers.length).toBeGreaterThanOrEqual(5);
      for (const stream of streams) {
        const dlt = deadLetterTopic(`${bed.ns}.${stream}`);
        const existing = (await admin.listTopics()).includes(dlt) ? await admin.fetchTopicOffsets(dlt) : [];
        expect(existing.reduce((sum, p) => sum + Number(p.high), 0), `${dlt} holds no event`).toBe(0);
      }
    } finally {
      await admin.disconnect();
    }
  });
});
