import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, loadConfig, loadServiceConfig, namespaced, platformEnvSchema } from './config';

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  const schema = z.object({
    PORT: z.coerce.number().int().min(1),
    MODE: z.enum(['a', 'b']),
    NAME: z.string().min(1),
  });

  it('parses and coerces a good environment', () => {
    expect(loadConfig(schema, { PORT: '80', MODE: 'a', NAME: 'x' })).toEqual({ PORT: 80, MODE: 'a', NAME: 'x' });
  });

  it('names every bad variable with its value, and those not set', () => {
    const error = configError(() => loadConfig(schema, { PORT: 'eighty', MODE: 'c' }));
    expect(error.problems).toHaveLength(3);
    expect(error.problems.find((p) => p.startsWith('PORT: '))).toContain('(got "eighty")');
    expect(error.problems.find((p) => p.startsWith('MODE: '))).toContain('(got "c")');
    expect(error.problems.find((p) => p.startsWith('NAME: '))).toContain('(not set)');
    for (const problem of error.problems) expect(error.message).toContain(problem);
  });

  it('reads process.env by default', () => {
    expect(loadConfig(z.object({ PATH: z.string() })).PATH).toBe(process.env.PATH);
  });
});

describe('platformEnvSchema', () => {
  it('has working defaults for the local stack', () => {
    const env = loadConfig(platformEnvSchema, {});
    expect(env).toMatchObject({
      NODE_ENV: 'development',
      PROCESS_ROLE: 'all',
      MONGO_URL: 'mongodb://127.0.0.1:27017/',
      KAFKA_BROKERS: '127.0.0.1:9092',
      TEMPORAL_ADDRESS: '127.0.0.1:7233',
      PLATFORM_NAMESPACE: '',
      OUTBOX_POLL_MS: 500,
      SEED_DEMO_DATA: false,
      HTTP_BODY_LIMIT: '100kb',
    });
  });

  it('keeps the Mongo pool per process small, naming a size that could wedge FerretDB', () => {
    expect(loadConfig(platformEnvSchema, {}).MONGO_MAX_POOL_SIZE).toBe(16);
    expect(loadConfig(platformEnvSchema, { MONGO_MAX_POOL_SIZE: '8' }).MONGO_MAX_POOL_SIZE).toBe(8);
    const error = configError(() => loadConfig(platformEnvSchema, { MONGO_MAX_POOL_SIZE: '100' }));
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(/^MONGO_MAX_POOL_SIZE: .*\(got "100"\)$/);
  });

  it('turns SEED_DEMO_DATA into a boolean and rejects a short secret', () => {
    expect(loadConfig(platformEnvSchema, { SEED_DEMO_DATA: 'true' }).SEED_DEMO_DATA).toBe(true);
    const error = configError(() => loadConfig(platformEnvSchema, { AUTH_JWT_SECRET: 'short' }));
    expect(error.problems).toEqual(['AUTH_JWT_SECRET: must be at least 32 characters (got "short")']);
  });
});

describe('loadServiceConfig', () => {
  it('uses the service defaults', () => {
    const config = loadServiceConfig('intake', 8081, {});
    expect(config).toMatchObject({ service: 'intake', port: 8081, mongoDb: 'intake', PROCESS_ROLE: 'all' });
  });

  it('reads <SERVICE>_PORT and <SERVICE>_MONGO_DB', () => {
    const config = loadServiceConfig('intake', 8081, { INTAKE_PORT: '9001', INTAKE_MONGO_DB: 'intake_alt' });
    expect(config.port).toBe(9001);
    expect(config.mongoDb).toBe('intake_alt');
  });

  it('prefixes the database with PLATFORM_NAMESPACE', () => {
    expect(loadServiceConfig('intake', 8081, { PLATFORM_NAMESPACE: 't-run1' }).mongoDb).toBe('t-run1_intake');
  });

  it('names a bad port with its value', () => {
    const error = configError(() => loadServiceConfig('intake', 8081, { INTAKE_PORT: '70000' }));
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(/^INTAKE_PORT: .*\(got "70000"\)$/);
  });

  it('names a bad MONGO_URL and KAFKA_BROKERS with their values', () => {
    const error = configError(() => loadServiceConfig('intake', 8081, { MONGO_URL: 'postgres://db', KAFKA_BROKERS: 'broker-without-port' }));
    expect(error.problems).toEqual([
      'MONGO_URL: must be a mongodb:// URL (got "postgres://db")',
      'KAFKA_BROKERS: must be host:port[,host:port...] (got "broker-without-port")',
    ]);
  });

  it('names every bad variable at once, the service ones and the platform ones', () => {
    const error = configError(() =>
      loadServiceConfig('intake', 8081, { INTAKE_PORT: 'x', PLATFORM_NAMESPACE: 'Upper_Case', TEMPORAL_ADDRESS: 'nowhere' }),
    );
    expect(error.problems.map((p) => p.split(':')[0]).sort()).toEqual(['INTAKE_PORT', 'PLATFORM_NAMESPACE', 'TEMPORAL_ADDRESS']);
  });
});

describe('namespaced', () => {
  it('joins with the separator only when a namespace is set', () => {
    expect(namespaced('t-1', 'group')).toBe('t-1-group');
    expect(namespaced('t-1', 'db', '_')).toBe('t-1_db');
    expect(namespaced('', 'group')).toBe('group');
  });
});
