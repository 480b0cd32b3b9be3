import type { Collection, Document } from 'mongodb';
import { topics } from '@aftersales/contracts';
import { indexedOutbox, type ServiceDefinition } from '@aftersales/platform';
import { acknowledgementTaskQueue, notificationsWorkflowsPath, workflowInterceptorModules } from '@aftersales/workflows';
import { acknowledgementLinkRoutes } from './api/acknowledgement-links';
import { directoryRoutes } from './api/directory';
import { inboxRoutes } from './api/inbox';
import { webhookRoutes } from './api/webhooks';
import { loadNotificationsConfig } from './config';
import { ackToken } from './domain/ack-link';
import { notificationsConsumers, notificationsTopics } from './events/consumers';
import { createNotificationsStore } from './store/collections';
import { createSubjectNotices } from './store/subject-notices';
import { buildInboxesOnce } from './store/inboxes';
import { webhookLogsOf } from './store/webhook-logs';
import { loadDemoData } from './store/demo-data';
import { createAcknowledgementActivities } from './worker/acknowledgement-activities';
import { createMailSender } from './worker/mail-sender';
import { tellDueReminders } from './worker/reminders';
import { createWebhookSender } from './worker/webhooks';

/** Notifications: the facts that call for a person reach the people on duty, in their inbox and by e-mail. */
export const notificationsService: ServiceDefinition = {
  name: 'notifications',
  defaultPort: 8085,
  version: '0.1.0',
  description: 'People and duty rosters; SLA and 8D facts told to the people on duty by inbox and e-mail, with acknowledgement and the evidence of every delivery.',
  async setup(platform) {
    const config = loadNotificationsConfig();
    const store = createNotificationsStore(platform.mongo);
    await store.init();
    if (platform.config.SEED_DEMO_DATA) await loadDemoData(store, platform.now());
    // Once per database: notices sent before the subjects' lists existed.
    await createSubjectNotices(store, platform.now).buildOnce();
    await webhookLogsOf(store).buildOnce(platform.now());
    await buildInboxesOnce(store, platform.now); // the inboxes of people whose notices predate inbox documents
    const runsWorker = platform.config.PROCESS_ROLE !== 'api';
    const ackLinkFor = (noticeId: string) => `${config.NOTIFY_PUBLIC_URL.replace(/\/$/, '')}/v1/acknowledgements/${ackToken(noticeId, config.NOTIFY_LINK_SECRET)}`;
    const notices = { ackLinkFor, topic: platform.topic };
    const mail = runsWorker
      ? createMailSender(store, {
          smtpUrl: config.SMTP_URL,
          from: config.NOTIFY_FROM,
          pollMs: config.NOTIFY_MAIL_POLL_MS,
          leaseSeconds: config.NOTIFY_MAIL_LEASE_SECONDS,
          now: platform.now,
          log: platform.logger.child({ module: 'mail' }),
        })
      : null;
    mail?.start();
    const hooks = runsWorker
      ? createWebhookSender(store, { maxAttempts: config.NOTIFY_WEBHOOK_MAX_ATTEMPTS, pollMs: config.NOTIFY_MAIL_POLL_MS, timeoutMs: config.NOTIFY_WEBHOOK_TIMEOUT_MS, now: platform.now, log: platform.logger.child({ module: 'webhooks' }) })
      : null;
    hooks?.start();
    return {
      routes: [...directoryRoutes(store, platform.now), ...inboxRoutes(store, platform), ...acknowledgementLinkRoutes(store, platform, config.NOTIFY_LINK_SECRET), ...webhookRoutes(store, platform.now, () => hooks?.nudge())],
      // Facts about notices (told, acknowledged) for the request's history.
      outboxCollections: [indexedOutbox(store.noticeFacts) as unknown as Collection<Document>],
      topics: [...notificationsTopics, topics.notices],
      consumers: notificationsConsumers(platform, store, { intakeUrl: config.NOTIFY_INTAKE_URL, dispatchUrl: config.NOTIFY_DISPATCH_URL, sparesUrl: config.NOTIFY_SPARES_URL, qualityUrl: config.NOTIFY_QUALITY_URL }, { maxFactAgeHours: config.NOTIFY_MAX_FACT_AGE_HOURS, notices }, () => {
        mail?.nudge();
        hooks?.nudge();
      }),
      tasks: [{ name: 'reminders', everyMs: config.NOTIFY_REMINDER_POLL_MS, run: () => tellDueReminders(store, platform.now, platform.logger.child({ module: 'reminders' }), notices, () => { mail?.nudge(); platform.nudgeOutbox(); }).then(() => undefined) }],
      temporalWorkers: [{ taskQueue: acknowledgementTaskQueue, workflowsPath: notificationsWorkflowsPath, workflowInterceptorModules, activities: createAcknowledgementActivities(store, platform.now, notices) }],
    };
  },
};
