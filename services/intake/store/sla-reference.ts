import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/client';
import type { Collection, Document } from 'mongodb';
import { buildEvent, topics } from '@aftersales/contracts';
import { indexedOutbox, insertWithOutbox, isDuplicateKeyError, managedRecords, UnprocessableError, type HeadDoc, type HealthWarning, type Platform, type VersionDoc } from '@aftersales/platform';
import { defaultCalendars, defaultPolicies, holidayHorizonShort, holidaysKnownThrough, type HolidayHorizon, type ServiceCalendar, type SlaPolicy } from '@aftersales/sla';
import { serviceRequestTaskQueue, type calendarRollout, type CalendarRolloutInput, type SlaTerms } from '@aftersales/workflows';
import { checkCalendar, checkPolicy } from '../domain/managed-terms';
import { fallbackCalendarId, fallbackPolicyId, slaTermsFor, termIds, type TermsFacts } from '../domain/sla-terms';
import type { IntakeConfig } from '../config';

/**
 * The SLA reference data as managed versions: calendars and SLA policies. A request takes the
 * policy in force when it was registered and keeps it; it takes the calendar in force now and
 * follows every later calendar version through that version's rollout workflow.
 */
export type SlaReference = ReturnType<typeof createSlaReference>;

const meta = (subject: string, at: Date) => ({ id: crypto.randomUUID(), occurredAt: at, source: 'intake', subject, correlationId: subject, causationId: null });

const knownThroughOf = (calendar: ServiceCalendar) => (calendar.kind === 'business' ? holidaysKnownThrough(calendar) : null);

export function createSlaReference(platform: Platform, config: Pick<IntakeConfig, 'INTAKE_CALENDAR_CATCH_UP_SECONDS' | 'INTAKE_CALENDAR_HORIZON_MONTHS'>) {
  const db = platform.mongo.db!;
  const calendarVersions = indexedOutbox(db.collection<VersionDoc<ServiceCalendar>>('calendarVersions'));
  const horizonNotices = indexedOutbox(db.collection<{ _id: string; calendarId: string; raisedAt: Date }>('calendarHorizonNotices'));
  const rollouts = db.collection<{ _id: string; startedAt: Date }>('calendarRollouts');

  const calendars = managedRecords<ServiceCalendar>(
    {
      what: 'calendar',
      heads: db.collection<HeadDoc>('calendars'),
      versions: calendarVersions,
      check: (body) => checkCalendar(body),
      eventsFor: (v) => [
        {
          topic: platform.topic(topics.calendars),
          event: buildEvent('calendar.version-published@1', {
            calendarId: v.recordId, version: v.version, effectiveFrom: v.effectiveFrom.toISOString(), changedBy: v.changedBy, reason: v.reason, holidaysKnownThrough: knownThroughOf(v.body), calendar: { ...v.body },
          }, meta(v.recordId, v.changedAt)),
        },
      ],
    },
    platform.now,
  );
  const policies = managedRecords<SlaPolicy>(
    {
      what: 'SLA policy',
      heads: db.collection<HeadDoc>('slaPolicies'),
      versions: db.collection<VersionDoc<SlaPolicy>>('slaPolicyVersions'),
      check: (body, id) => {
        const problems = checkPolicy(body);
        const named = (body as { id?: unknown } | null)?.id;
        return named !== undefined && named !== id ? [...problems, { field: 'id', message: `must be ${id}, the policy's id in the path` }] : problems;
      },
    },
    platform.now,
  );

  let horizons: { at: number; found: Awaited<ReturnType<typeof shortHorizons>> } = { at: 0, found: [] };

  async function shortHorizons(now: Date) {
    const found: { calendarId: string; version: number; short: HolidayHorizon; warning: HealthWarning }[] = [];
    for (const head of await calendars.list()) {
      const current = await calendars.inForce(head._id, now);
      if (!current || current.body.kind !== 'business') continue;
      const zone = current.body.timeZone;
      const today = now.toLocaleDateString('sv-SE', { timeZone: zone }); // YYYY-MM-DD on the calendar's own clock
      const short = holidayHorizonShort(current.body, today, config.INTAKE_CALENDAR_HORIZON_MONTHS);
      if (!short) continue;
      found.push({
        calendarId: head._id,
        version: current.version,
        short,
        warning: {
          code: 'calendar-horizon-short',
          subject: `calendars/${head._id}`,
          message: `calendar ${head._id}: holidays are known through ${short.knownThrough}, ${short.shortByDays} days short of ${short.neededThrough}; import the next year's holidays, or its clocks will count them as working days`,
        },
      });
    }
    return found;
  }

  /** One notice per calendar and known-through date (a unique key), with its event to the calendar's owner. */
  async function tellOwners(found: Awaited<ReturnType<typeof shortHorizons>>, now: Date): Promise<void> {
    for (const { calendarId, version, short } of found) {
      const event = buildEvent('calendar.horizon-short@1', { calendarId, version, ...short }, meta(calendarId, now));
      await insertWithOutbox(horizonNotices as never, { _id: `${calendarId}:${short.knownThrough}`, calendarId, raisedAt: now }, [{ topic: platform.topic(topics.calendars), event }], now).catch((error: unknown) => {
        if (!isDuplicateKeyError(error)) throw error;
      });
    }
  }

  /** Starts the rollout of a calendar version once (a marker per version; Temporal refuses a second start). */
  async function startRollout(v: { id: string; version: number; body: ServiceCalendar; reason: string; changedBy: string; effectiveFrom: Date }): Promise<void> {
    const key = `${v.id}@${v.version}`;
    if (await rollouts.findOne({ _id: key })) return;
    const input: CalendarRolloutInput = {
      calendarId: v.id, version: v.version, calendar: v.body, reason: v.reason, changedBy: v.changedBy,
      effectiveFrom: v.effectiveFrom.toISOString(), catchUpAfterMs: config.INTAKE_CALENDAR_CATCH_UP_SECONDS * 1000,
    };
    try {
      await platform.temporal.workflow.start<typeof calendarRollout>('calendarRollout', {
        workflowId: `${platform.taskQueue('calendar-rollout')}:${key}`,
        taskQueue: platform.taskQueue(serviceRequestTaskQueue),
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        args: [input],
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
    await rollouts.insertOne({ _id: key, startedAt: platform.now() }).catch((error: unknown) => {
      if (!isDuplicateKeyError(error)) throw error;
    });
  }

  return {
    calendars,
    policies,
    /** The collections whose versions carry events (the relay sends them). */
    outboxCollections: [calendarVersions, horizonNotices] as unknown as Collection<Document>[],

    /** The shipped calendars and policies as version 1 of each, unless already there. */
    async seed(at: Date): Promise<void> {
      await calendars.seed(defaultCalendars, at);
      await policies.seed(defaultPolicies, at);
    },

    /** The policy in force at registration and the calendar in force now, falling back to the standard ones. */
    async termsFor(facts: TermsFacts, registeredAt: Date, now: Date): Promise<SlaTerms> {
      const ids = termIds(facts);
      const policy = (await policies.inForce(ids.policyId, registeredAt)) ?? (await policies.inForce(fallbackPolicyId, registeredAt));
      const calendar = (await calendars.inForce(ids.calendarId, now)) ?? (await calendars.inForce(fallbackCalendarId, now));
      if (!policy || !calendar) throw new Error(`the standard SLA terms (${fallbackPolicyId}, ${fallbackCalendarId}) are not stored; intake seeds them at start-up`);
      return slaTermsFor(facts, policy, calendar);
    },

    /** Refuses a contract's terms that name no managed policy or calendar (a typo would fall back to the standard terms unseen). */
    async assertTermsExist(ids: { slaPolicyId?: string | undefined; calendarId?: string | undefined }): Promise<void> {
      if (ids.slaPolicyId !== undefined && !(await policies.head(ids.slaPolicyId))) throw new UnprocessableError('slaPolicyId', `slaPolicyId: no SLA policy ${ids.slaPolicyId} (GET /v1/sla-policies lists them)`);
      if (ids.calendarId !== undefined && !(await calendars.head(ids.calendarId))) throw new UnprocessableError('calendarId', `calendarId: no calendar ${ids.calendarId} (GET /v1/calendars lists them)`);
    },

    /** A new calendar version: stored (with its event), then its rollout started. */
    async amendCalendar(id: string, change: Parameters<typeof calendars.amend>[1], by: string) {
      const doc = await calendars.amend(id, change, by);
      horizons = { at: 0, found: [] };
      // A version whose holidays already run short is told at once, not at the next hourly check.
      await shortHorizons(platform.now())
        .then((found) => tellOwners(found.filter((f) => f.calendarId === id), platform.now()))
        .catch((err: unknown) => platform.logger.warn({ err, calendarId: id }, 'horizon notice not raised yet; the periodic check will'));
      // A crash before the start leaves the marker missing; the worker's periodic check starts it.
      if (doc.version > 1) await startRollout({ id, ...doc }).catch((err: unknown) => platform.logger.warn({ err, calendarId: id, version: doc.version }, 'calendar rollout not started yet; the periodic check will'));
      return doc;
    },

    /** Calendars whose holidays run out within the horizon, as /healthz shows them (cached ten seconds). */
    async horizonWarnings(): Promise<HealthWarning[]> {
      if (Date.now() - horizons.at > 10_000) horizons = { at: Date.now(), found: await shortHorizons(platform.now()) };
      return horizons.found.map(({ warning }) => warning);
    },

    /**
     * The worker's periodic check: rollouts not yet started (a writer that died between storing a
     * version and starting it), and one notice to the calendar's owner per calendar and known-through date.
     */
    async check(): Promise<void> {
      for (const listed of await calendars.list()) {
        // Read fresh: that rolls the head forward over a version whose writer died before its head update.
        const head = (await calendars.head(listed._id, true)) ?? listed;
        for (const { version } of head.versions.filter((v) => v.version > 1)) {
          const doc = (await rollouts.findOne({ _id: `${head._id}@${version}` })) ? null : await calendars.version(head._id, version);
          if (doc) await startRollout({ id: head._id, ...doc });
        }
      }
      const now = platform.now();
      const found = await shortHorizons(now);
      horizons = { at: Date.now(), found };
      await tellOwners(found, now);
    },
  };
}
