import { z } from 'zod';
import { devJwtSecret, securityEnvSchema, securityProblems } from './security';

/** Fails fast at start-up, naming every variable that is wrong and why. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const name = issue.path.join('.');
      const value = env[name];
      return `${name}: ${issue.message}${value === undefined ? ' (not set)' : ` (got "${value}")`}`;
    }),
  );
}

const port = z.coerce.number().int().min(1).max(65535);
const positiveInt = z.coerce.number().int().positive();

/** Process roles: an API process and a worker process deploy apart; `all` runs both (local use). */
export const processRoles = ['api', 'worker', 'all'] as const;
export type ProcessRole = (typeof processRoles)[number];

/** Mongo connections per process unless configured (MONGO_MAX_POOL_SIZE below says why it is small). */
export const defaultMongoPoolSize = 16;

/**
 * The variables every service reads. Defaults point at the local stack from infra/stack.mjs;
 * a deployment sets them to real clusters.
 */
export const platformEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PROCESS_ROLE: z.enum(processRoles).default('all'),
  HOST: z.string().default('127.0.0.1'),
  MONGO_URL: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// URL').default('mongodb://127.0.0.1:27017/'),
  /**
   * Connections (so operations in flight) per process. FerretDB v1 on SQLite gives each database 100
   * connections, and a findAndModify holds one for its query while it waits for a second to update:
   * a hundred at once wedge the server. A small pool per process keeps that out of reach.
   */
  MONGO_MAX_POOL_SIZE: z.coerce.number().int().min(1).max(40).default(defaultMongoPoolSize),
  KAFKA_BROKERS: z
    .string()
    .regex(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, 'must be host:port[,host:port...]')
    .default('127.0.0.1:9092'),
  KAFKA_CLIENT_ID: z.string().optional(),
  TEMPORAL_ADDRESS: z.string().regex(/^[^:\s]+:\d+$/, 'must be host:port').default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  /** Where a build put the prebuilt workflow bundles (one `<taskQueue>.js` each); unset, workers bundle from sources. */
  WORKFLOW_BUNDLE_DIR: z.string().min(1).optional(),
  /** Where spans go over OTLP/HTTP (e.g. http://collector:4318/v1/traces); unset, they are not exported. */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url().optional(),
  /** host:port where a worker's Temporal SDK serves its own Prometheus metrics (unset: not exported). */
  TEMPORAL_METRICS_BIND: z.string().regex(/^[^:\s]*:\d+$/, 'must be host:port').optional(),
  /** Prefix for topics, consumer groups, databases and task queues, so test runs share servers safely. */
  PLATFORM_NAMESPACE: z
    .string()
    .regex(/^[a-z0-9-]*$/, 'lower-case letters, digits and dashes only')
    .default(''),
  AUTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').default(devJwtSecret),
  AUTH_ISSUER: z.string().default('aftersales-dev'),
  OUTBOX_POLL_MS: positiveInt.default(500),
  /**
   * Fault injection for crash tests (tests/outbox-writer-crash.fault.test.ts): the process kills
   * itself with SIGKILL right after a document with events is inserted, before its pending entry.
   */
  OUTBOX_FAULT_KILL_BEFORE_ENTRY: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** Load the small demo data set at start (npm start sets it); upserts, never overwrites. */
  SEED_DEMO_DATA: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  HTTP_BODY_LIMIT: z.string().regex(/^\d+(kb|mb)$/, 'like 100kb or 1mb').default('100kb'),
}).extend(securityEnvSchema.shape);
export type PlatformEnv = z.infer<typeof platformEnvSchema>;

export interface ServiceConfig extends PlatformEnv {
  service: string;
  port: number;
  mongoDb: string;
}

/**
 * A service's configuration: the platform variables plus its port (`<SERVICE>_PORT`, e.g.
 * INTAKE_PORT) and its own database (`<SERVICE>_MONGO_DB`), each with the project's default.
 */
export function loadServiceConfig(service: string, defaultPort: number, env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const upper = service.toUpperCase();
  // Both parts are checked before failing, so one error names every wrong variable.
  const problems: string[] = [];
  const own = collectProblems(problems, () =>
    loadConfig(
      z.object({
        [`${upper}_PORT`]: port.default(defaultPort),
        [`${upper}_MONGO_DB`]: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only').default(service),
      }),
      env,
    ),
  );
  const platform = collectProblems(problems, () => loadConfig(platformEnvSchema, env));
  if (platform) problems.push(...securityProblems(platform));
  if (!own || !platform || problems.length > 0) throw new ConfigError(problems);
  return {
    ...platform,
    service,
    port: own[`${upper}_PORT`] as number,
    mongoDb: namespaced(platform.PLATFORM_NAMESPACE, own[`${upper}_MONGO_DB`] as string, '_'),
  };
}

function collectProblems<T>(problems: string[], load: () => T): T | undefined {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
    return undefined;
  }
}

export function namespaced(namespace: string, name: string, separator = '-'): string {
  return namespace ? `${namespace}${separator}${name}` : name;
}
