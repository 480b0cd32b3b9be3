import { z } from 'zod';
import { loadConfig } from '@aftersales/platform';

const positiveInt = z.coerce.number().int().positive();
const url = z.url();

/** Notifications' own settings; like the platform's, wrong values stop the process and are named. */
export const notificationsEnvSchema = z.object({
  /** Where e-mail goes: smtp://host:port (the local stack's Mailpit by default). */
  SMTP_URL: z.string().regex(/^smtps?:\/\/[^\s]+$/, 'smtp://host:port or smtps://host:port').default('smtp://127.0.0.1:1025'),
  /** The sender every notice comes from. */
  NOTIFY_FROM: z.email().default('after-sales@notify.example.com'),
  /** Base URLs of the services whose items notices link to. */
  NOTIFY_INTAKE_URL: url.default('http://127.0.0.1:8081'),
  NOTIFY_DISPATCH_URL: url.default('http://127.0.0.1:8082'),
  NOTIFY_SPARES_URL: url.default('http://127.0.0.1:8083'),
  NOTIFY_QUALITY_URL: url.default('http://127.0.0.1:8084'),
  /** Where people's browsers reach this service: the base of the acknowledgement links in e-mails. */
  NOTIFY_PUBLIC_URL: url.default('http://127.0.0.1:8085'),
  /** Signs acknowledgement links (HMAC); set your own in every real deployment, and keep it when you scale out. */
  NOTIFY_LINK_SECRET: z.string().min(16).default('local-stack-only-acknowledgement-link-secret'),
  /** Facts older than this when they are read (a stream read from its beginning) are recorded as seen and tell nobody. */
  NOTIFY_MAX_FACT_AGE_HOURS: positiveInt.default(72),
  /** How often the worker looks for reminders due (a quote the customer has not answered). */
  NOTIFY_REMINDER_POLL_MS: positiveInt.default(60_000),
  /** How often the worker looks for e-mail due (a new notice also wakes it). */
  NOTIFY_MAIL_POLL_MS: positiveInt.default(1000),
  /** A claimed send not finished after this long (its process died) is tried again. */
  NOTIFY_MAIL_LEASE_SECONDS: positiveInt.default(60),
  /** Attempts of one webhook delivery before it is parked as dead (replayable). */
  NOTIFY_WEBHOOK_MAX_ATTEMPTS: positiveInt.default(6),
  /** How long a subscriber may take to answer one POST. */
  NOTIFY_WEBHOOK_TIMEOUT_MS: positiveInt.default(5000),
});

export type NotificationsConfig = z.infer<typeof notificationsEnvSchema>;

export function loadNotificationsConfig(env: NodeJS.ProcessEnv = process.env): NotificationsConfig {
  return loadConfig(notificationsEnvSchema, env);
}
