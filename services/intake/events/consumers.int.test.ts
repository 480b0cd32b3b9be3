import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildEvent, deadLetterTopic, namespacedTopic, topics, type ArticlePublishedV1, type DeviceAlarmRaisedV1 } from '@aftersales/contracts';
import { connectMongo, createEventConsumer, createEventProducer, createKafka, ensureTopics, type EventConsumer, type EventProducer } from '@aftersales/platform';
import { deleteGroups, deleteTopics, eventually, startTopicReader, testLogger, uniqueName, type TopicReader } from '@aftersales/platform/testing';
import { createAlarmIntake } from '../store/alarms';
import { createIntakeModels, type IntakeModels, type KnownFixDoc, type ServiceRequestDoc } from '../store/models';
import { alarmsOfRequest, readModelsOf } from '../store/read-models';
import { createRegistrar } from '../store/registrar';
import { createArticleHandler } from './articles';
import { createDeviceAlarmHandler } from './device-alarms';

const stack = inject('stack');
const ns = uniqueName('intake-consumers');
const alarmsTopic = namespacedTopic(ns, topics.deviceAlarms);
const articlesTopic = namespacedTopic(ns, topics.articles);
const groupId = `${ns}-intake`;
const logger = testLogger();

let kafka: Kafka;
let producer: EventProducer;
let mongo: Connection;
let models: IntakeModels;
let consumer: EventConsumer;
let dltReader: TopicReader;

function alarmEvent(data: Partial<DeviceAlarmRaisedV1> & { deviceEventId: string }, id: string = randomUUID()) {
  const full: DeviceAlarmRaisedV1 = { serialNumber: 'CUT-1', alarmCode: 'E-1023', severity: 'critical', message: 'No laser output', raisedAt: new Date(Date.now() - 60_000).toISOString(), ...data };
  return buildEvent('device.alarm-raised@1', full, { id, occurredAt: new Date(), source: 'device-gateway', subject: full.serialNumber, correlationId: full.deviceEventId, causationId: null });
}

function articleEvent(version: number, title: string) {
  const data: ArticlePublishedV1 = { articleId: 'KB-7', version, title, models: ['FL-3015'], symptom: 'no laser output', cause: 'fibre', fix: 'replace the fibre', parts: [], publishedAt: new Date().toISOString() };
  return buildEvent('article.published@1', data, { id: randomUUID(), occurredAt: new Date(), source: 'quality', subject: 'KB-7', correlationId: 'KB-7', causationId: null });
}

async function requestsFor(code: string): Promise<ServiceRequestDoc[]> {
  return models.serviceRequests.find({ serialNumber: 'CUT-1', 'alarm.alarmCode': code }).lean<ServiceRequestDoc[]>();
}

beforeAll(async () => {
  kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: ns, logger });
  await ensureTopics(kafka, [alarmsTopic, articlesTopic, deadLetterTopic(alarmsTopic), deadLetterTopic(articlesTopic)]);
  mongo = await connectMongo(stack.mongoUrl, ns);
  models = createIntakeModels(mongo);
  await Promise.all(Object.values(models).map((m) => m.init()));
  await models.customers.collection.insertOne({ _id: 'C-1', name: 'Acme', class: 'standard', dealerId: null, contacts: [{ name: 'Ada', phone: '+86 21 5555 0101' }], sites: [] } as never);
  await models.machines.collection.insertOne({ _id: 'CUT-1', customerId: 'C-1', model: 'FL-3015', productLine: 'laser', status: 'active', parentSerial: null, warranty: null } as never);
  producer = await createEventProducer(kafka);
  dltReader = await startTopicReader(kafka, [deadLetterTopic(alarmsTopic)]);
  const platform = { mongo, logger, now: () => new Date(), topic: (name: string) => namespacedTopic(ns, name), nudgeOutbox: () => undefined };
  const alarms = createAlarmIntake(platform, models, createRegistrar(platform, models));
  consumer = createEventConsumer({
    kafka,
    groupId,
    topics: [alarmsTopic, articlesTopic],
    handlers: { 'device.alarm-raised@1': createDeviceAlarmHandler(platform, alarms), 'article.published@1': createArticleHandler(platform, models) },
    producer,
    logger,
    maxBackoffMs: 500,
  });
  await consumer.start();
});

afterAll(async () => {
  await consumer?.stop();
  await dltReader?.stop();
  await producer?.disconnect();
  if (kafka) {
    await deleteTopics(kafka, [alarmsTopic, articlesTopic, deadLetterTopic(alarmsTopic), deadLetterTopic(articlesTopic)]);
    await deleteGroups(kafka, [groupId]);
  }
  await mongo?.dropDatabase();
  await mongo?.close();
});

describe('device alarms from Kafka', () => {
  it('opens exactly one request for an alarm published twice, and for the same alarm re-sent under a new event id', async () => {
    const first = alarmEvent({ deviceEventId: `${ns}-dev-1` });
    const resent = alarmEvent({ deviceEventId: `${ns}-dev-1` });
    // Same key (the serial), so one partition: the marker after them proves they were all handled.
    const marker = alarmEvent({ deviceEventId: `${ns}-marker`, alarmCode: 'M-1', message: 'marker' });
    await producer.publish([{ topic: alarmsTopic, event: first }]);
    await producer.publish([{ topic: alarmsTopic, event: first }, { topic: alarmsTopic, event: resent }, { topic: alarmsTopic, event: marker }]);

    await eventually('the marker alarm to open its request', async () => ((await requestsFor('M-1')).length === 1 ? true : undefined));
    const opened = await requestsFor('E-1023');
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ channel: 'alarm', customerId: 'C-1', idempotencyKey: `alarm:${ns}-dev-1`, contact: { name: 'Ada' }, symptom: 'Alarm E-1023 (critical): No laser output' });
    expect(opened[0]!.outbox?.[0]?.event).toMatchObject({ type: 'service-request.registered', data: { channel: 'alarm', alarm: { deviceEventId: `${ns}-dev-1`, alarmCode: 'E-1023' } } });
  });

  it('links a repeated alarm of the same code to the open request instead of opening another', async () => {
    const repeat = alarmEvent({ deviceEventId: `${ns}-dev-2` });
    const marker = alarmEvent({ deviceEventId: `${ns}-marker-2`, alarmCode: 'M-2', message: 'marker' });
    await producer.publish([{ topic: alarmsTopic, event: repeat }, { topic: alarmsTopic, event: marker }]);

    await eventually('the second marker', async () => ((await requestsFor('M-2')).length === 1 ? true : undefined));
    const [request] = await requestsFor('E-1023');
    expect(await requestsFor('E-1023')).toHaveLength(1);
    const linked = await models.alarms.find({ serviceRequestId: request!._id }).sort({ _id: 1 }).lean();
    expect(linked.map((a) => [a._id, a.outcome])).toEqual([
      [`${ns}-dev-1`, 'opened'],
      [`${ns}-dev-2`, 'linked'],
    ]);
    // The request's page lists them from one document by `_id`, not from a filter over every alarm.
    const listed = await alarmsOfRequest(readModelsOf(models), request!._id);
    expect(listed).toEqual(linked.sort((a, b) => a.raisedAt.getTime() - b.raisedAt.getTime() || (a._id < b._id ? -1 : 1)));

    // A writer that died between the alarm's record and the list: the next delivery lists it again, once.
    await readModelsOf(models).requestAlarms.updateOne({ _id: request!._id }, { $set: { alarms: listed.slice(0, 1) } });
    const marker3 = alarmEvent({ deviceEventId: `${ns}-marker-3`, alarmCode: 'M-3', message: 'marker' });
    // The device sends the same alarm again, twice (new event ids: the consumer applies an event id once).
    const again = () => alarmEvent({ deviceEventId: `${ns}-dev-2` });
    await producer.publish([{ topic: alarmsTopic, event: again() }, { topic: alarmsTopic, event: again() }, { topic: alarmsTopic, event: marker3 }]);
    await eventually('the third marker', async () => ((await requestsFor('M-3')).length === 1 ? true : undefined));
    expect((await alarmsOfRequest(readModelsOf(models), request!._id)).map((a) => a._id)).toEqual(listed.map((a) => a._id));
    expect((await readModelsOf(models).requestAlarms.findOne({ _id: request!._id }))!.alarms).toHaveLength(2);
  });

  it('parks an alarm from a serial not in the installed base on the dead-letter topic with the reason', async () => {
    const unknown = alarmEvent({ deviceEventId: `${ns}-ghost`, serialNumber: 'GHOST-1' });
    await producer.publish([{ topic: alarmsTopic, event: unknown }]);
    const [parked] = await dltReader.waitFor(1, 'the ghost alarm', (m) => m.key === 'GHOST-1');
    expect(parked!.headers['dlt-reason']).toMatch(/^handler failed: serialNumber: no machine with serial GHOST-1/);
    expect(await models.serviceRequests.countDocuments({ serialNumber: 'GHOST-1' })).toBe(0);
  });
});

describe('knowledge-base articles from Kafka', () => {
  it('keeps the highest version when an older one arrives after it', async () => {
    await producer.publish([{ topic: articlesTopic, event: articleEvent(2, 'Fibre broken (v2)') }, { topic: articlesTopic, event: articleEvent(1, 'Fibre broken (v1)') }]);
    const marker = articleEvent(3, 'Fibre broken (v3)');
    await eventually('both articles applied', async () => ((await mongo.collection('inbox').countDocuments({ consumer: 'intake-known-fixes' })) >= 2 ? true : undefined));
    expect(await models.knownFixes.findById('KB-7').lean<KnownFixDoc>()).toMatchObject({ version: 2, title: 'Fibre broken (v2)' });
    await producer.publish([{ topic: articlesTopic, event: marker }]);
    await eventually('version 3', async () => ((await models.knownFixes.findById('KB-7').lean<KnownFixDoc>())?.version === 3 ? true : undefined));
  });
});
