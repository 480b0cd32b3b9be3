/**
 * The web console process (npm run console:web): serves console/web/dist and proxies
 * /api/<service>/... to the services. CONSOLE_PORT (8080); INTAKE_URL, DISPATCH_URL, SPARES_URL,
 * QUALITY_URL, NOTIFICATIONS_URL, INSIGHT_URL; AUTH_JWT_SECRET / AUTH_ISSUER and AUTH_OIDC_* as the services
 * read them; CONSOLE_DEV_LOGIN (true unless NODE_ENV=production) issues role tokens on request.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { loadConfig, platformEnvSchema } from '@aftersales/platform';
import { createConsoleApp } from './app';

const consoleEnv = platformEnvSchema.extend({
  CONSOLE_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  CONSOLE_HOST: z.string().default('127.0.0.1'),
  CONSOLE_DEV_LOGIN: z.enum(['true', 'false']).optional(),
  CONSOLE_STATIC_DIR: z.string().optional(),
  INTAKE_URL: z.url().default('http://127.0.0.1:8081'),
  DISPATCH_URL: z.url().default('http://127.0.0.1:8082'),
  SPARES_URL: z.url().default('http://127.0.0.1:8083'),
  QUALITY_URL: z.url().default('http://127.0.0.1:8084'),
  NOTIFICATIONS_URL: z.url().default('http://127.0.0.1:8085'),
  INSIGHT_URL: z.url().default('http://127.0.0.1:8086'),
});

const env = loadConfig(consoleEnv);
const here = path.dirname(fileURLToPath(import.meta.url));
const app = createConsoleApp({
  services: { intake: env.INTAKE_URL, dispatch: env.DISPATCH_URL, spares: env.SPARES_URL, quality: env.QUALITY_URL, notifications: env.NOTIFICATIONS_URL, insight: env.INSIGHT_URL },
  tokens: {
    secret: env.AUTH_JWT_SECRET,
    issuer: env.AUTH_ISSUER,
    ...(env.AUTH_OIDC_ISSUER
      ? { oidc: { issuer: env.AUTH_OIDC_ISSUER, audience: env.AUTH_OIDC_AUDIENCE, rolesClaim: env.AUTH_OIDC_ROLES_CLAIM, ...(env.AUTH_OIDC_JWKS_URL ? { jwksUrl: env.AUTH_OIDC_JWKS_URL } : {}) } }
      : {}),
  },
  devLogin: env.CONSOLE_DEV_LOGIN ? env.CONSOLE_DEV_LOGIN === 'true' : process.env.NODE_ENV !== 'production',
  staticDir: env.CONSOLE_STATIC_DIR ?? path.join(here, '..', 'web', 'dist'),
});

const server = app.listen(env.CONSOLE_PORT, env.CONSOLE_HOST, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : env.CONSOLE_PORT;
  // One line a parent process (npm start, the browser test) reads the URL from.
  console.log(`console listening on http://${env.CONSOLE_HOST}:${port}`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
