import { describe, expect, it } from 'vitest';
import { ConfigError, loadServiceConfig } from './config';
import { kafkaSecurity, securityEnvSchema, temporalSecurity } from './security';

const files: Record<string, string> = { '/etc/ca.pem': 'CA', '/etc/client.pem': 'CERT', '/etc/client.key': 'KEY' };
const read = (path: string) => Buffer.from(files[path] ?? '');
const env = (vars: Record<string, string>) => securityEnvSchema.parse(vars);

function problems(vars: Record<string, string>): string[] {
  try {
    loadServiceConfig('intake', 8081, vars);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('real-cluster switches', () => {
  it('refuses the development token secret in production, naming the variable', () => {
    expect(problems({ NODE_ENV: 'production' })).toEqual([expect.stringMatching(/^AUTH_JWT_SECRET: the development secret is refused in production/)]);
    expect(problems({ NODE_ENV: 'production', AUTH_JWT_SECRET: 'a-real-secret-of-at-least-32-characters!' })).toEqual([]);
    expect(problems({ NODE_ENV: 'development' })).toEqual([]);
  });

  it('names half-set pairs', () => {
    expect(problems({ KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'svc' })[0]).toMatch(/^KAFKA_SASL_MECHANISM: SASL needs/);
    expect(problems({ TEMPORAL_TLS: 'true', TEMPORAL_TLS_CERT_FILE: '/etc/client.pem' })[0]).toMatch(/^TEMPORAL_TLS_CERT_FILE: a client certificate needs its key/);
    expect(problems({ KAFKA_SSL_CA_FILE: '/etc/ca.pem' })[0]).toMatch(/^KAFKA_SSL_CA_FILE: set KAFKA_SSL=true/);
    expect(problems({ AUTH_OIDC_JWKS_URL: 'https://id.example.com/keys' })[0]).toMatch(/^AUTH_OIDC_JWKS_URL: needs AUTH_OIDC_ISSUER/);
    expect(problems({ AUTH_OIDC_ISSUER: 'not a url' })[0]).toMatch(/^AUTH_OIDC_ISSUER/);
  });

  it('gives kafkajs TLS with a private CA and SASL', () => {
    expect(kafkaSecurity(env({}), read)).toEqual({});
    expect(kafkaSecurity(env({ KAFKA_SSL: 'true' }), read)).toEqual({ ssl: true });
    expect(kafkaSecurity(env({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/etc/ca.pem', KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'svc', KAFKA_SASL_PASSWORD: 'pw' }), read)).toEqual({
      ssl: { ca: [Buffer.from('CA')] },
      sasl: { mechanism: 'scram-sha-512', username: 'svc', password: 'pw' },
    });
  });

  it('gives Temporal TLS, mTLS or an API key', () => {
    expect(temporalSecurity(env({}), read)).toEqual({});
    expect(temporalSecurity(env({ TEMPORAL_TLS: 'true', TEMPORAL_API_KEY: 'key' }), read)).toEqual({ tls: true, apiKey: 'key' });
    expect(temporalSecurity(env({ TEMPORAL_TLS: 'true', TEMPORAL_TLS_CA_FILE: '/etc/ca.pem', TEMPORAL_TLS_CERT_FILE: '/etc/client.pem', TEMPORAL_TLS_KEY_FILE: '/etc/client.key' }), read)).toEqual({
      tls: { serverRootCACertificate: Buffer.from('CA'), clientCertPair: { crt: Buffer.from('CERT'), key: Buffer.from('KEY') } },
    });
  });
});
