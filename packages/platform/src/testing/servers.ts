import type { Kafka } from 'kafkajs';
import { MongoClient, type CommandStartedEvent, type Db } from 'mongodb';
import type { Logger } from 'pino';
import { createKafka, ensureTopics } from '../kafka/client';
import { createEventProducer, type EventProducer } from '../kafka/producer';
import { deleteTopics, startTopicReader, type TopicReader } from './kafka';

export interface TestServers {
  mongo: MongoClient;
  /** The test's own database, named after it: dropped by close(). */
  db: Db;
  kafka: Kafka;
  producer: EventProducer;
  /** Reads the test's topics from the beginning. */
  reader: TopicReader;
  close(): Promise<void>;
}

/**
 * A Kafka-and-MongoDB test's connections to the real servers: its own database and topics (named
 * `ns`), a producer and a reader of those topics. `onCommand` sees every command the client sends
 * (a command recorder's listener), for tests that count round trips.
 */
export async function openTestServers(
  stack: { mongoUrl: string; kafkaBrokers: string },
  ns: string,
  topics: string[],
  options: { logger: Logger; onCommand?: (event: CommandStartedEvent) => void },
): Promise<TestServers> {
  const mongo = await MongoClient.connect(stack.mongoUrl, { serverSelectionTimeoutMS: 10_000, monitorCommands: Boolean(options.onCommand) });
  if (options.onCommand) mongo.on('commandStarted', options.onCommand);
  const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: ns, logger: options.logger });
  await ensureTopics(kafka, topics);
  const producer = await createEventProducer(kafka);
  const reader = await startTopicReader(kafka, topics);
  const db = mongo.db(ns);
  return {
    mongo,
    db,
    kafka,
    producer,
    reader,
    async close() {
      await reader.stop();
      await producer.disconnect();
      await deleteTopics(kafka, topics);
      await db.dropDatabase();
      await mongo.close();
    },
  };
}
