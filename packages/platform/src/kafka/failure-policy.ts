/**
 * What a consumer does when a handler throws. An outage (database, broker, Temporal unreachable)
 * is waited out in place however long it lasts: the partition holds, order holds, nothing is
 * skipped. A refusal the code names (a PlatformError that is not retriable) is parked at once.
 * Anything else is most likely a bug or bad data: tried a bounded number of times, then parked on
 * the dead-letter topic with its stack, so one poison event never stalls its partition.
 */
import { PlatformError } from '../errors';

export type FailureStep = { action: 'retry'; delayMs: number } | { action: 'dead-letter'; reason: string };

export interface FailurePolicy {
  /** Attempts for an error that is neither an outage nor a named refusal (default 10, about half a minute). */
  maxAttempts: number;
  /** Upper bound of one pause between attempts. */
  maxBackoffMs: number;
  /** [0, 1); injected so tests can pin the jitter. */
  random: () => number;
}

export const defaultFailurePolicy: FailurePolicy = { maxAttempts: 10, maxBackoffMs: 5_000, random: Math.random };

/** Driver errors meaning "cannot reach the server now", by class name. */
const MONGO_OUTAGES = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoPoolClearedError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoServerClosedError',
  'MongoWaitQueueTimeoutError',
]);
/** Server error codes of a node stepping down, shutting down or unreachable. */
const MONGO_TRANSIENT_CODES = new Set([6, 7, 89, 91, 189, 9001, 10107, 11600, 11602, 13435, 13436]);
const SYSTEM_OUTAGES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** gRPC UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED: Temporal's frontend is down or busy. */
const GRPC_TRANSIENT_CODES = new Set([14, 4, 8]);

type ErrorLike = { name?: unknown; code?: unknown; message?: unknown; retriable?: unknown; errorLabels?: unknown; cause?: unknown };

function isOutageItself(error: ErrorLike): boolean {
  const name = typeof error.name === 'string' ? error.name : '';
  if (MONGO_OUTAGES.has(name)) return true;
  if (name === 'MongoServerError' && typeof error.code === 'number' && MONGO_TRANSIENT_CODES.has(error.code)) return true;
  if (Array.isArray(error.errorLabels) && error.errorLabels.some((l) => l === 'RetryableWriteError' || l === 'ResetPool')) return true;
  if (name === 'MongooseError' && typeof error.message === 'string' && /buffering timed out/.test(error.message)) return true;
  if (name.startsWith('KafkaJS') && error.retriable === true) return true;
  if (typeof error.code === 'string' && SYSTEM_OUTAGES.has(error.code)) return true;
  if ((name === 'ServiceError' || name === 'TransportError') && typeof error.code === 'number' && GRPC_TRANSIENT_CODES.has(error.code)) return true;
  return false;
}

/** True when the error, or one it wraps, says a dependency cannot be reached now. */
export function isOutage(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    if (current instanceof PlatformError) return current.retriable;
    if (isOutageItself(current as ErrorLike)) return true;
    current = (current as ErrorLike).cause;
  }
  return false;
}

/** The pause before attempt `attempt + 1`: exponential, capped, half of it jittered so members do not retry in step. */
export function backoffMs(attempt: number, policy: Pick<FailurePolicy, 'maxBackoffMs' | 'random'>): number {
  const ceiling = Math.min(policy.maxBackoffMs, 100 * 2 ** Math.min(attempt, 16));
  return Math.round(ceiling / 2 + (ceiling / 2) * policy.random());
}

/** What to do after `attempt` attempts (1-based) failed with `error`. */
export function afterFailure(error: unknown, attempt: number, policy: FailurePolicy): FailureStep {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof PlatformError && !error.retriable) return { action: 'dead-letter', reason: `handler failed: ${message}` };
  if (isOutage(error)) return { action: 'retry', delayMs: backoffMs(attempt, policy) };
  if (attempt >= policy.maxAttempts) {
    const name = error instanceof Error ? error.name : typeof error;
    return { action: 'dead-letter', reason: `handler failed ${attempt} times: ${name}: ${message}` };
  }
  return { action: 'retry', delayMs: backoffMs(attempt, policy) };
}
