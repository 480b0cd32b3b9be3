import { readFileSync } from 'node:fs';
import type { SASLOptions } from 'kafkajs';
import { z } from 'zod';

/**
 * The switches a real cluster needs: TLS and SASL to Kafka, TLS or an API key to Temporal (Temporal
 * Cloud takes either), tokens from an OpenID Connect issuer. MongoDB takes TLS through its URL
 * (`?tls=true&tlsCAFile=...`). Unset, every service talks plain TCP on loopback, as the local stack does.
 */
export const devJwtSecret = 'dev-only-secret-change-me-in-any-real-deployment';

const flag = z.enum(['true', 'false']).default('false').transform((v) => v === 'true');
const file = z.string().min(1).optional();

export const securityEnvSchema = z.object({
  KAFKA_SSL: flag,
  /** A CA bundle for brokers whose certificates a private CA signed; unset, the system's roots. */
  KAFKA_SSL_CA_FILE: file,
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
  TEMPORAL_TLS: flag,
  TEMPORAL_TLS_CA_FILE: file,
  /** mTLS: a client certificate and its key (both or neither). */
  TEMPORAL_TLS_CERT_FILE: file,
  TEMPORAL_TLS_KEY_FILE: file,
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  /** An OpenID Connect issuer whose tokens (RS256/ES256, keys from its JWKS) the services accept. */
  AUTH_OIDC_ISSUER: z.url().optional(),
  /** Where its signing keys are; unset, read from the issuer's discovery document. */
  AUTH_OIDC_JWKS_URL: z.url().optional(),
  AUTH_OIDC_AUDIENCE: z.string().min(1).default('aftersales-api'),
  /** The claim holding the platform's role names, a dotted path (Keycloak: realm_access.roles). */
  AUTH_OIDC_ROLES_CLAIM: z.string().regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'a claim name or dotted path').default('roles'),
});
export type SecurityEnv = z.infer<typeof securityEnvSchema>;

/** Rules across variables, each naming the variable to change. */
export function securityProblems(env: SecurityEnv & { NODE_ENV: string; AUTH_JWT_SECRET: string }): string[] {
  const problems: string[] = [];
  if (env.NODE_ENV === 'production' && env.AUTH_JWT_SECRET === devJwtSecret) {
    problems.push('AUTH_JWT_SECRET: the development secret is refused in production; set a secret of your own (and AUTH_OIDC_ISSUER for people\'s tokens)');
  }
  const sasl = [env.KAFKA_SASL_MECHANISM, env.KAFKA_SASL_USERNAME, env.KAFKA_SASL_PASSWORD];
  if (sasl.some(Boolean) && !sasl.every(Boolean)) problems.push('KAFKA_SASL_MECHANISM: SASL needs KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD together');
  if (Boolean(env.TEMPORAL_TLS_CERT_FILE) !== Boolean(env.TEMPORAL_TLS_KEY_FILE)) problems.push('TEMPORAL_TLS_CERT_FILE: a client certificate needs its key (TEMPORAL_TLS_KEY_FILE), and the other way round');
  if (env.KAFKA_SSL_CA_FILE && !env.KAFKA_SSL) problems.push('KAFKA_SSL_CA_FILE: set KAFKA_SSL=true to use it');
  if ((env.TEMPORAL_TLS_CA_FILE || env.TEMPORAL_TLS_CERT_FILE) && !env.TEMPORAL_TLS) problems.push('TEMPORAL_TLS_CA_FILE: set TEMPORAL_TLS=true to use TLS files');
  if (env.AUTH_OIDC_JWKS_URL && !env.AUTH_OIDC_ISSUER) problems.push('AUTH_OIDC_JWKS_URL: needs AUTH_OIDC_ISSUER, whose tokens it verifies');
  return problems;
}

type Read = (path: string) => Buffer;
const readFile: Read = (path) => readFileSync(path);

/** kafkajs's `ssl` and `sasl` options. */
export function kafkaSecurity(env: SecurityEnv, read: Read = readFile): { ssl?: true | { ca: Buffer[] }; sasl?: SASLOptions } {
  const ssl = env.KAFKA_SSL ? (env.KAFKA_SSL_CA_FILE ? { ca: [read(env.KAFKA_SSL_CA_FILE)] } : (true as const)) : undefined;
  const sasl =
    env.KAFKA_SASL_MECHANISM && env.KAFKA_SASL_USERNAME && env.KAFKA_SASL_PASSWORD
      ? ({ mechanism: env.KAFKA_SASL_MECHANISM, username: env.KAFKA_SASL_USERNAME, password: env.KAFKA_SASL_PASSWORD } as SASLOptions)
      : undefined;
  return { ...(ssl ? { ssl } : {}), ...(sasl ? { sasl } : {}) };
}

export interface TemporalSecurity {
  tls?: true | { serverRootCACertificate?: Buffer; clientCertPair?: { crt: Buffer; key: Buffer } };
  apiKey?: string;
}

/** The `tls` and `apiKey` options both the client's Connection and the worker's NativeConnection take. */
export function temporalSecurity(env: SecurityEnv, read: Read = readFile): TemporalSecurity {
  let tls: TemporalSecurity['tls'];
  if (env.TEMPORAL_TLS) {
    const ca = env.TEMPORAL_TLS_CA_FILE ? { serverRootCACertificate: read(env.TEMPORAL_TLS_CA_FILE) } : {};
    const pair = env.TEMPORAL_TLS_CERT_FILE && env.TEMPORAL_TLS_KEY_FILE ? { clientCertPair: { crt: read(env.TEMPORAL_TLS_CERT_FILE), key: read(env.TEMPORAL_TLS_KEY_FILE) } } : {};
    tls = Object.keys(ca).length + Object.keys(pair).length > 0 ? { ...ca, ...pair } : true;
  }
  return { ...(tls ? { tls } : {}), ...(env.TEMPORAL_API_KEY ? { apiKey: env.TEMPORAL_API_KEY } : {}) };
}
