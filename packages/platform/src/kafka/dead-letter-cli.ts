/**
 * Dead letters from the terminal:
 *   npm run -s dead-letters -- list intake.service-requests.v1
 *   npm run -s dead-letters -- replay intake.service-requests.v1 0:12 2:3
 * The topic is the stream's name (its `.dlt` is read) within PLATFORM_NAMESPACE; KAFKA_BROKERS as the services use it.
 */
import { deadLetterTopic, namespacedTopic } from '@aftersales/contracts';
import { loadConfig, platformEnvSchema } from '../config';
import { createLogger } from '../logger';
import { createKafka } from './client';
import { readDeadLetters, replayDeadLetters, type DeadLetter } from './dead-letters';
import { createEventProducer } from './producer';

const [command, stream, ...chosen] = process.argv.slice(2);
if (!stream || (command !== 'list' && command !== 'replay') || (command === 'replay' && chosen.length === 0)) {
  process.stderr.write('usage: dead-letters list <topic> | dead-letters replay <topic> <partition:offset>...\n');
  process.exit(2);
}

const env = loadConfig(platformEnvSchema);
const topic = namespacedTopic(env.PLATFORM_NAMESPACE, stream.replace(/\.dlt$/, ''));
const dlt = deadLetterTopic(topic);
const kafka = createKafka({ brokers: env.KAFKA_BROKERS, clientId: 'dead-letter-cli', logger: createLogger('dead-letters', 'warn') });

const line = (l: DeadLetter) => {
  let event = '';
  try {
    const parsed = JSON.parse(l.value) as { type?: string; version?: number; id?: string };
    event = `${parsed.type}@${parsed.version} ${parsed.id}`;
  } catch {
    event = '(not JSON)';
  }
  return `${l.partition}:${l.offset}\t${l.headers['dlt-at'] ?? ''}\t${l.headers['dlt-group'] ?? ''}\t${event}\t${l.headers['dlt-reason'] ?? ''}`;
};

process.on('uncaughtException', (error) => {
  process.stderr.write(`dead-letters: ${error.message}\n`);
  process.exit(1);
});

if (command === 'list') {
  const letters = await readDeadLetters(kafka, dlt);
  process.stdout.write(`${letters.length} on ${dlt}\n${letters.map(line).join('\n')}${letters.length ? '\n' : ''}`);
} else {
  const producer = await createEventProducer(kafka);
  try {
    const replayed = await replayDeadLetters(kafka, producer, dlt, chosen);
    process.stdout.write(`replayed ${replayed.length} onto ${topic}\n${replayed.map(line).join('\n')}\n`);
  } finally {
    await producer.disconnect();
  }
}
