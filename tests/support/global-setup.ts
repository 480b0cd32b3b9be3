import { Connection } from '@temporalio/client';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import type { TestProject } from 'vitest/node';
import { stackEndpoints, type StackEndpoints } from './stack';

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackEndpoints;
  }
}

/**
 * Finds the servers (the local stack that `npm test` started, or those named by MONGO_URL,
 * KAFKA_BROKERS and TEMPORAL_ADDRESS), proves each answers, and says which versions they are.
 */
export default async function setup(project: TestProject): Promise<void> {
  const stack = stackEndpoints();
  const temporal = await Connection.connect({ address: stack.temporalAddress, connectTimeout: '10s' });
  const info = await temporal.workflowService.getSystemInfo({});
  await temporal.close();

  const mongo = await MongoClient.connect(stack.mongoUrl, { serverSelectionTimeoutMS: 10_000 });
  const build = await mongo.db('admin').command({ buildInfo: 1 });
  await mongo.close();

  const admin = new Kafka({ brokers: stack.kafkaBrokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const cluster = await admin.describeCluster();
  await admin.disconnect();

  const ferret = typeof build.ferretdbVersion === 'string' ? ` (FerretDB ${build.ferretdbVersion})` : '';
  const lines = [
    `temporal  ${stack.temporalAddress}  server ${info.serverVersion}`,
    `temporal  time-skipping test server ${stack.temporalTestServerPath ?? '(none: its tests are skipped)'}${stack.temporalTestServerVersion ? ` ${stack.temporalTestServerVersion}` : ''}`,
    `kafka     ${stack.kafkaBrokers}  ${stack.kafkaVersion ? `Apache Kafka ${stack.kafkaVersion}, ` : ''}cluster ${cluster.clusterId}, ${cluster.brokers.length} broker(s)`,
    `mongo     ${stack.mongoUrl}  MongoDB protocol ${String(build.version)}${ferret}`,
    `pdftotext ${stack.pdftotextPath ?? '(none: the PDF report test fails, naming it)'}`,
    `smtp      ${stack.smtpUrl ?? '(none: the notifications test fails, naming it)'}${stack.mailApiUrl ? `  read back through ${stack.mailApiUrl}` : ''}`,
  ];
  process.stdout.write(`\nReal servers under test (${project.name}):\n${lines.map((l) => `  ${l}`).join('\n')}\n\n`);
  project.provide('stack', stack);
}
