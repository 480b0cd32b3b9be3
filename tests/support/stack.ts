import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface StackEndpoints {
  mongoUrl: string;
  kafkaBrokers: string;
  temporalAddress: string;
  temporalNamespace: string;
  temporalTestServerPath: string | null;
  temporalTestServerVersion: string | null;
  kafkaVersion: string | null;
  /** pdftotext (poppler-utils) the stack unpacked; null before `up` unpacked it (the PDF report test then fails, naming it). */
  pdftotextPath: string | null;
  /** SMTP server the notifications service sends through, and its REST API to read what arrived (Mailpit). */
  smtpUrl: string | null;
  mailApiUrl: string | null;
}

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

interface StackJson {
  temporal?: { address?: string; namespace?: string };
  temporalTestServer?: { path?: string; version?: string };
  kafka?: { brokers?: string[]; version?: string };
  mongo?: { url?: string };
  pdftotext?: { path?: string } | null;
  mailpit?: { smtp?: { host?: string; port?: number }; apiUrl?: string };
}

/** The environment wins (real clusters); otherwise what infra/stack.mjs wrote when it started the local stack. */
export function stackEndpoints(env: NodeJS.ProcessEnv = process.env): StackEndpoints {
  const file = `${repoRoot}.stack/run/stack.json`;
  const local: StackJson = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as StackJson) : {};
  const localBrokers = local.kafka?.brokers?.join(',');
  const kafkaBrokers = env.KAFKA_BROKERS ?? localBrokers ?? '127.0.0.1:9092';
  return {
    mongoUrl: env.MONGO_URL ?? local.mongo?.url ?? 'mongodb://127.0.0.1:27017/',
    kafkaBrokers,
    temporalAddress: env.TEMPORAL_ADDRESS ?? local.temporal?.address ?? '127.0.0.1:7233',
    temporalNamespace: env.TEMPORAL_NAMESPACE ?? local.temporal?.namespace ?? 'default',
    temporalTestServerPath: env.TEMPORAL_TEST_SERVER_PATH ?? local.temporalTestServer?.path ?? null,
    temporalTestServerVersion: local.temporalTestServer?.version ?? null,
    // The broker does not say its version over the protocol; the local stack knows which jars it runs.
    kafkaVersion: kafkaBrokers === localBrokers ? (local.kafka?.version ?? null) : null,
    pdftotextPath: env.PDFTOTEXT_PATH ?? local.pdftotext?.path ?? null,
    smtpUrl: env.SMTP_URL ?? (local.mailpit?.smtp ? `smtp://${local.mailpit.smtp.host}:${local.mailpit.smtp.port}` : null),
    mailApiUrl: env.MAIL_API_URL ?? local.mailpit?.apiUrl ?? null,
  };
}

/** The variables a service process needs to reach the servers under test. */
export function serviceEnv(stack: StackEndpoints): Record<string, string> {
  return {
    MONGO_URL: stack.mongoUrl,
    KAFKA_BROKERS: stack.kafkaBrokers,
    TEMPORAL_ADDRESS: stack.temporalAddress,
    TEMPORAL_NAMESPACE: stack.temporalNamespace,
  };
}
