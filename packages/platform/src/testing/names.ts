import { randomUUID } from 'node:crypto';
import pino, { type Logger } from 'pino';

/**
 * A name no other test run uses, safe as a database name (FerretDB: letters, digits, _ and -),
 * a topic prefix and a consumer group.
 */
export function uniqueName(prefix: string): string {
  return `t-${prefix}-${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`;
}

/** Tests assert on behaviour, not on log lines; LOG_LEVEL=debug shows what the code under test logs. */
export function testLogger(): Logger {
  return pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
}
