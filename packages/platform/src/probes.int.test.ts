import { afterAll, describe, expect, inject, it } from 'vitest';
import { createKafka, describeKafka } from './kafka/client';
import { connectMongo, pingMongo } from './mongo/connection';
import { connectTemporalClient, describeTemporal } from './temporal';
import { testLogger, uniqueName } from './testing';

const stack = inject('stack');
const logger = testLogger();
const closers: (() => Promise<unknown>)[] = [];

afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

/** The readiness probes against the real servers: each is a real round trip and says what answered. */
describe('readiness probes', () => {
  it('pingMongo names the server and the database', async () => {
    const db = uniqueName('probe');
    const mongo = await connectMongo(stack.mongoUrl, db);
    closers.push(async () => {
      await mongo.dropDatabase();
      await mongo.close();
    });
    expect(await pingMongo(mongo)).toMatch(new RegExp(`^mongo \\d+\\.\\d+\\.\\d+.*, db ${db}$`));
  });

  it('describeKafka names the cluster and its brokers', async () => {
    const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: uniqueName('probe'), logger });
    expect(await describeKafka(kafka)).toMatch(/^cluster \S+, [1-9]\d* broker\(s\), controller \d+$/);
  });

  it('describeTemporal names the server version and the namespace', async () => {
    const { connection } = await connectTemporalClient(stack.temporalAddress, stack.temporalNamespace);
    closers.push(() => connection.close());
    expect(await describeTemporal(connection, stack.temporalNamespace)).toMatch(new RegExp(`^temporal \\S+, namespace ${stack.temporalNamespace}$`));
    await expect(describeTemporal(connection, uniqueName('no-such-namespace'))).rejects.toThrow();
  });
});
