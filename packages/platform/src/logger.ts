import { AsyncLocalStorage } from 'node:async_hooks';
import pino, { type Logger } from 'pino';
import { activeTraceIds } from './tracing';

/** The ids that follow one unit of work through every log line it causes. */
export interface LogContext {
  requestId?: string;
  correlationId?: string;
  causationId?: string;
  workflowId?: string;
  eventId?: string;
}

const contextStore = new AsyncLocalStorage<LogContext>();

/** Runs `fn` with ids that every log line inside it carries, without passing loggers around. */
export function withLogContext<T>(context: LogContext, fn: () => T): T {
  return contextStore.run({ ...contextStore.getStore(), ...context }, fn);
}

export function currentLogContext(): LogContext {
  return contextStore.getStore() ?? {};
}

export function createLogger(service: string, level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    // The mixin adds the ids of the work in progress to every line, from any module.
    mixin: () => ({ ...contextStore.getStore(), ...activeTraceIds() }),
    redact: { paths: ['req.headers.authorization', 'authorization'], remove: true },
  });
}

export type { Logger };
