import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/client';
import { topics, type KnownEvent } from '@aftersales/contracts';
import { applyOnce, type ConsumedEvent, type ConsumerSpec, type Platform } from '@aftersales/platform';
import { acknowledgementChainId, acknowledgementTaskQueue, type acknowledgementChain } from '@aftersales/workflows';
import { tooOldToTell, type Call } from '../domain/notices';
import { allDisciplines, disciplineReminderId, disciplinesBefore, dueSoonAt, quoteReminderId } from '../domain/reminders';
import type { NotificationsStore } from '../store/collections';
import { tell, type FactToTell, type NoticeOptions, type TellOutcome } from '../store/notifier';
import { queueWebhooks } from '../worker/webhooks';

export const notificationsConsumer = 'notifications';

/** Every stream with a fact that calls for a person. */
export const notificationsTopics = [topics.serviceRequests, topics.workOrders, topics.reservations, topics.returns, topics.eightDs, topics.calendars];

const pick = <T extends object, K extends keyof T>(o: T, keys: K[]): Pick<T, K> => Object.fromEntries(keys.map((k) => [k, o[k]])) as Pick<T, K>;

export interface ConsumerOptions {
  maxFactAgeHours: number;
  notices?: NoticeOptions;
}

export interface Links {
  intakeUrl: string;
  dispatchUrl: string;
  sparesUrl: string;
  qualityUrl: string;
}

/**
 * The facts that call for a person: SLA warnings, breaches and escalation steps of requests, 8Ds
 * opened and disciplines overdue. The registration and the 8D's opening are kept (by `_id`) for
 * the region and product line the rosters are chosen by; they come first on their streams, which
 * are keyed by the request and the 8D. Each event is applied once per id; the writes of a fact
 * are unique-key inserts, so a fact applied again after a crash adds only what was missing.
 */
export function notificationsConsumers(platform: Platform, store: NotificationsStore, links: Links, options: ConsumerOptions, onTold: () => void): ConsumerSpec[] {
  const log = platform.logger.child({ module: 'notify' });
  const once = (event: ConsumedEvent['event'], apply: () => Promise<void>) => applyOnce(platform.mongo, notificationsConsumer, event.id, apply).then(() => undefined);

  /** Every urgent notice waits for acknowledgement in its own workflow; a second start is refused, so a re-applied fact starts none. */
  async function startChains(outcome: TellOutcome): Promise<void> {
    for (const { noticeId, chain, windowMs } of outcome.chains) {
      try {
        await platform.temporal.workflow.start<typeof acknowledgementChain>('acknowledgementChain', {
          workflowId: acknowledgementChainId(noticeId),
          taskQueue: platform.taskQueue(acknowledgementTaskQueue),
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          args: [{ noticeId, chain, windowMs }],
        });
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
    }
  }

  /** The people on duty (inbox, e-mail, their acknowledgement chains) and the webhook subscribers. */
  async function tellEveryone(fact: FactToTell): Promise<TellOutcome> {
    const outcome = await tell(store, fact, platform.now, log, options.notices);
    platform.nudgeOutbox();
    await startChains(outcome);
    await queueWebhooks(store, fact, platform.now);
    return outcome;
  }

  /** Tells the people a fact calls for, in the request's region and product line (kept from its registration). */
  /** A stream read from its beginning sets no reminders for last year's quotes and disciplines. */
  const stale = (event: ConsumedEvent['event']) => tooOldToTell(new Date(event.occurredAt), platform.now(), options.maxFactAgeHours);

  async function tellFor(event: ConsumedEvent['event'], call: Call, where: { region: string | null; productLine: string | null }, link: string): Promise<void> {
    if (tooOldToTell(new Date(event.occurredAt), platform.now(), options.maxFactAgeHours)) {
      log.info({ eventId: event.id, kind: call.kind, occurredAt: event.occurredAt }, 'fact too old to tell anyone (stream read from its beginning)');
      return;
    }
    const outcome = await tellEveryone({ eventId: event.id, eventType: event.type, occurredAt: new Date(event.occurredAt), call, ...where, link });
    log.info({ eventId: event.id, kind: call.kind, told: outcome.told.map((t) => t.personId), unresolved: outcome.unresolved }, 'fact told');
    onTold();
  }

  async function requestFact(event: ConsumedEvent['event'], requestId: string, call: Call, link = `${links.intakeUrl}/v1/service-requests/${requestId}`): Promise<void> {
    const context = await store.requestContexts.findOne({ _id: requestId });
    await tellFor(event, call, { region: context?.region ?? null, productLine: context?.productLine ?? null }, link);
  }

  async function eightDFact(event: ConsumedEvent['event'], eightDId: string, call: Call): Promise<void> {
    const context = await store.eightDContexts.findOne({ _id: eightDId });
    await tellFor(event, call, { region: null, productLine: context?.productLine ?? null }, `${links.qualityUrl}/v1/eight-ds/${eightDId}`);
  }

  return [
    {
      group: notificationsConsumer,
      topics: notificationsTopics,
      // A fact's writes are unique-key inserts and the inbox changes under its person's lock, so
      // partitions may be told side by side; each request's or 8D's facts stay in order in theirs.
      concurrentPartitions: 4,
      handlers: {
        'service-request.registered@1': ({ event }) => {
          const { data } = event as KnownEvent<'service-request.registered@1'>;
          return once(event, async () => {
            const context = { region: data.site?.city ?? null, productLine: data.machine?.productLine ?? null, model: data.machine?.model ?? null, customerId: data.customerId };
            await store.requestContexts.updateOne({ _id: data.requestId }, { $set: context }, { upsert: true });
          });
        },
        'service-request.sla-warning@1': ({ event }) => {
          const { data } = event as KnownEvent<'service-request.sla-warning@1'>;
          return once(event, () => requestFact(event, data.requestId, { kind: 'sla-warning', requestId: data.requestId, clock: data.clock, tier: data.tier, dueAt: data.dueAt }));
        },
        'service-request.sla-breached@1': ({ event }) => {
          const { data } = event as KnownEvent<'service-request.sla-breached@1'>;
          return once(event, () => requestFact(event, data.requestId, { kind: 'sla-breached', requestId: data.requestId, clock: data.clock, tier: data.tier, dueAt: data.dueAt }));
        },
        'service-request.escalated@1': ({ event }) => {
          const { data } = event as KnownEvent<'service-request.escalated@1'>;
          return once(event, () =>
            requestFact(event, data.requestId, { kind: 'sla-escalation', requestId: data.requestId, clock: data.clock, tier: data.tier, action: data.action, step: data.step, newTier: data.newTier, breachedAt: data.breachedAt }),
          );
        },
        'work-order.assigned@1': ({ event }) => {
          const { data } = event as KnownEvent<'work-order.assigned@1'>;
          if (!data.engineerId) return Promise.resolve();
          const engineerId = data.engineerId;
          return once(event, () =>
            requestFact(event, data.requestId, { kind: 'work-assigned', requestId: data.requestId, workOrderId: data.workOrderId, engineerId, plannedStart: data.plannedStart }, `${links.dispatchUrl}/v1/work-orders/${data.workOrderId}`),
          );
        },
        'requisition.approval-requested@1': ({ event }) => {
          const { data } = event as KnownEvent<'requisition.approval-requested@1'>;
          const call: Call = { kind: 'requisition-approval', ...pick(data, ['requestId', 'requisitionId', 'requesterId', 'approver', 'level', 'deadlineAt', 'reasons', 'lines']) };
          return once(event, () => requestFact(event, data.requestId, call, `${links.sparesUrl}/v1/requisitions/${data.requisitionId}`));
        },
        'defective-part.return-overdue@1': ({ event }) => {
          const { data } = event as KnownEvent<'defective-part.return-overdue@1'>;
          const call: Call = { kind: 'return-overdue', ...pick(data, ['requestId', 'returnId', 'partNumber', 'engineerId', 'dueAt', 'chase', 'flagged']) };
          return once(event, () => requestFact(event, data.requestId, call, `${links.sparesUrl}/v1/returns?status=awaiting-return`));
        },
        'quote.issued@1': ({ event }) => {
          const { data } = event as KnownEvent<'quote.issued@1'>;
          return once(event, async () => {
            const call: Call = { kind: 'quote-answer-due', requestId: data.requestId, quoteId: data.quoteId, totalCents: data.totalCents, currency: data.currency, validUntil: data.validUntil };
            if (stale(event)) return;
            const dueAt = dueSoonAt(new Date(data.issuedAt), new Date(data.validUntil));
            const context = await store.requestContexts.findOne({ _id: data.requestId });
            const where = { region: context?.region ?? null, productLine: context?.productLine ?? null };
            await store.reminders.updateOne({ _id: quoteReminderId(data.quoteId) }, { $setOnInsert: { dueAt, call, link: `${links.sparesUrl}/v1/quotes/${data.quoteId}`, ...where } }, { upsert: true });
          });
        },
        // An answer, either way, means nobody needs reminding.
        'quote.accepted@1': ({ event }) => {
          const { data } = event as KnownEvent<'quote.accepted@1'>;
          return once(event, () => store.reminders.deleteOne({ _id: quoteReminderId(data.quoteId) }).then(() => undefined));
        },
        'quote.declined@1': ({ event }) => {
          const { data } = event as KnownEvent<'quote.declined@1'>;
          return once(event, () => store.reminders.deleteOne({ _id: quoteReminderId(data.quoteId) }).then(() => undefined));
        },
        'eight-d.opened@1': ({ event }) => {
          const { data } = event as KnownEvent<'eight-d.opened@1'>;
          return once(event, async () => {
            await store.eightDContexts.updateOne({ _id: data.eightDId }, { $set: { productLine: data.problem.productLine, model: data.problem.model } }, { upsert: true });
            await eightDFact(event, data.eightDId, { kind: 'eight-d-opened', eightDId: data.eightDId, model: data.problem.model, failureMode: data.problem.failureMode, reason: data.reason });
          });
        },
        'eight-d.escalated@1': ({ event }) => {
          const { data } = event as KnownEvent<'eight-d.escalated@1'>;
          return once(event, async () => {
            await store.reminders.deleteOne({ _id: disciplineReminderId(data.eightDId, data.discipline) });
            await eightDFact(event, data.eightDId, { kind: 'eight-d-escalated', eightDId: data.eightDId, discipline: data.discipline, level: data.level, to: data.to, dueAt: data.dueAt, owner: data.owner ?? null });
          });
        },
        'eight-d.discipline-assigned@1': ({ event }) => {
          const { data } = event as KnownEvent<'eight-d.discipline-assigned@1'>;
          return once(event, async () => {
            // The disciplines before it were approved: nothing of theirs is due any more. This one is, soon.
            await store.reminders.deleteMany({ _id: { $in: disciplinesBefore(data.discipline).map((d) => disciplineReminderId(data.eightDId, d)) } });
            const context = await store.eightDContexts.findOne({ _id: data.eightDId });
            if (stale(event)) return;
            const call: Call = { kind: 'eight-d-due-soon', eightDId: data.eightDId, discipline: data.discipline, owner: data.owner, dueAt: data.dueAt };
            const reminder = { dueAt: dueSoonAt(new Date(data.assignedAt), new Date(data.dueAt)), call, link: `${links.qualityUrl}/v1/eight-ds/${data.eightDId}`, region: null, productLine: context?.productLine ?? null };
            await store.reminders.replaceOne({ _id: disciplineReminderId(data.eightDId, data.discipline) }, reminder, { upsert: true });
            await eightDFact(event, data.eightDId, { kind: 'eight-d-assigned', eightDId: data.eightDId, discipline: data.discipline, owner: data.owner, dueAt: data.dueAt });
          });
        },
        'eight-d.closed@1': ({ event }) => {
          const { data } = event as KnownEvent<'eight-d.closed@1'>;
          return once(event, async () => {
            await store.reminders.deleteMany({ _id: { $in: allDisciplines.map((d) => disciplineReminderId(data.eightDId, d)) } });
            await eightDFact(event, data.eightDId, { kind: 'eight-d-closed', eightDId: data.eightDId, rootCause: data.rootCause });
          });
        },
        'calendar.horizon-short@1': ({ event }) => {
          const { data } = event as KnownEvent<'calendar.horizon-short@1'>;
          return once(event, async () => {
            const call: Call = { kind: 'calendar-horizon-short', calendarId: data.calendarId, knownThrough: data.knownThrough, neededThrough: data.neededThrough };
            await tellFor(event, call, { region: null, productLine: null }, `${links.intakeUrl}/v1/calendars/${data.calendarId}`);
          });
        },
      },
    },
  ];
}
