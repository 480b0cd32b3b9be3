import {
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import { priorityTiers, raiseTier, type ClockName, type PriorityTier } from '@aftersales/sla';
import type { ServiceRequestActivities, SyncInput, WorkflowEvent } from './activities';
import { handleFacts } from './facts';
import { legacyServiceRequest } from './legacy-v1';
import { assertAllowed, isAllowed, isFinal, TransitionRefused, type Transition } from './lifecycle';
import {
  acceptanceUpdate,
  cancelUpdate,
  getStateQuery,
  overrideQuoteUpdate,
  recordFirstResponseUpdate,
  reopenUpdate,
  resolveUpdate,
  resumeUpdate,
  retriageUpdate,
  screenUpdate,
  surveyUpdate,
  waitOnCustomerUpdate,
  type ResolutionInput,
  type ServiceRequestInput,
  type ServiceRequestInputV1,
  type ServiceRequestState,
  type ServiceRequestStatus,
  type ServiceRequestView,
} from './messages';
import * as engine from './sla-engine';

const activities = proxyActivities<ServiceRequestActivities>({
  startToCloseTimeout: '30 seconds',
  // Mongo or the network may be down for a while; the workflow waits rather than fails.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});
/**
 * The first sync as a local activity: it runs inside the run's first workflow task and leaves one
 * marker, where an activity costs the server a schedule, a start, a completion and a workflow task
 * more. It is short and idempotent (by revision), and retried like the others.
 */
const firstStep = proxyLocalActivities<ServiceRequestActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

const day = 86_400_000;
/** How long a closed request waits for its satisfaction survey before it counts as followed up. */
const surveyWindowMs = 7 * day;
/** A satisfaction score at or below this opens a complaint. */
const lowSatisfaction = 2;

function moreUrgent(tier: PriorityTier, floor: PriorityTier | undefined): PriorityTier {
  return floor && priorityTiers.indexOf(floor) < priorityTiers.indexOf(tier) ? floor : tier;
}
/** Event ids remembered for idempotency; far more than one request ever receives in one run. */
const appliedEventMemory = 500;
/** A request that lives for months keeps its history short by continuing as new with its state. */
const defaultHistoryLimit = 10_000;

/**
 * One service request from registration to follow-up, as a durable process with SLA clocks on
 * its service calendar. People's actions arrive as updates (refused at once when not allowed),
 * other services' facts as signals carrying their event id (applied once). Warnings, breaches
 * and escalation steps leave as events through intake's outbox.
 */
export async function serviceRequest(input: ServiceRequestInput | ServiceRequestInputV1): Promise<unknown> {
  if (!patched('sla-policy-clocks')) return legacyServiceRequest(input as ServiceRequestInputV1);
  return new ServiceRequestProcess(input as ServiceRequestInput).run();
}

class ServiceRequestProcess {
  private state: ServiceRequestState;
  private outgoing: WorkflowEvent[] = [];
  private dirty = false;

  constructor(private readonly input: ServiceRequestInput) {
    this.state = input.carried ?? {
      requestId: input.requestId,
      status: 'registered',
      registeredAt: input.registeredAt,
      sla: engine.startSla(input.sla, new Date(input.registeredAt), input.initialTier ?? input.sla.policy.provisionalTier, input.initialTier === undefined),
      screening: null,
      waitingOnCustomer: false,
      workOrder: null,
      resolution: null,
      survey: null,
      reopened: 0,
      escalations: [],
      history: [{ event: 'registered', at: input.registeredAt }],
      appliedEventIds: [],
      eventSeq: 0,
      syncRevision: 0,
    };
    this.registerHandlers();
  }

  private now(): Date {
    return new Date(Date.now());
  }

  view(): ServiceRequestView {
    const { appliedEventIds: _ids, syncRevision: _rev, sla, ...rest } = this.state;
    const { policy, policyVersion, calendarId, calendarVersion } = sla.terms;
    const terms = { policyId: policy.id, policyVersion: policyVersion ?? null, calendarId: calendarId ?? null, calendarVersion: calendarVersion ?? null };
    return { ...rest, tier: sla.tier, tierProvisional: sla.tierProvisional, clocks: engine.views(sla, this.now()), terms };
  }

  private emit(key: WorkflowEvent['key'], data: Record<string, unknown>): void {
    this.state.eventSeq += 1;
    this.outgoing.push({ id: `${this.state.requestId}:${this.state.eventSeq}`, key, occurredAt: this.now().toISOString(), data: { requestId: this.state.requestId, ...data } });
  }

  private record(event: string, by?: string, note?: string): void {
    this.state.history.push({ event, at: this.now().toISOString(), ...(by ? { by } : {}), ...(note ? { note } : {}) });
    this.dirty = true;
  }

  private move(status: ServiceRequestStatus, by?: string, note?: string): void {
    this.state.status = status;
    this.record(status, by, note);
  }

  /** An update: validated against the lifecycle first, so a refused one leaves no trace in history. */
  private update<A extends unknown[]>(
    def: UpdateDefinition<ServiceRequestView, A>,
    transition: Transition,
    apply: (...args: NoInfer<A>) => void,
    check: (...args: NoInfer<A>) => void = () => undefined,
  ): void {
    setHandler(
      def,
      (...args: A) => {
        apply(...args);
        return this.view();
      },
      {
        validator: (...args: A) => {
          assertAllowed(this.state, transition);
          check(...args);
        },
      },
    );
  }

  /** A fact from another service: applied once per event id, and only when the lifecycle allows it. */
  private fromEvent(eventId: string, transition: Transition, apply: () => void): void {
    if (this.state.appliedEventIds.includes(eventId)) return;
    this.state.appliedEventIds = [...this.state.appliedEventIds, eventId].slice(-appliedEventMemory);
    if (!isAllowed(this.state, transition)) {
      this.record(`ignored-${transition}`, undefined, `event ${eventId} arrived while ${this.state.status}`);
      return;
    }
    apply();
  }

  private paidWorkWaits(): boolean {
    return this.input.quoteRequired === true && this.state.quote?.status !== 'accepted' && !this.state.quoteOverride;
  }

  /** The request needs a person or a part: dispatch plans it from this event, which says what paid work rests on. */
  private requestDispatch(): void {
    const s = this.state;
    const onSite = engine.views(s.sla, this.now()).find((c) => c.name === 'on-site');
    const paidWork = !this.input.quoteRequired
      ? undefined
      : s.quote?.status === 'accepted'
        ? { basis: 'quote-accepted', quoteId: s.quote.id, acceptedAt: s.quote.at }
        : s.quoteOverride
          ? { basis: 'override', ...s.quoteOverride }
          : undefined;
    this.emit('service-request.dispatch-requested@1', {
      customerId: this.input.customerId,
      serialNumber: this.input.serialNumber,
      tier: s.sla.tier,
      responseMode: s.sla.terms.responseMode,
      locationClass: s.sla.terms.locationClass,
      onSiteDueAt: onSite?.dueAt ?? null,
      ...(paidWork ? { paidWork } : {}),
    });
  }

  /** The wait for the quote is over (accepted or overridden): the request goes to dispatch. */
  private releasePaidWork(): void {
    if (this.state.status !== 'awaiting-quote') return;
    this.move('awaiting-dispatch');
    this.requestDispatch();
  }

  /** Resolved, by the engineer's completed work order or a person: the customer's verdict is awaited. */
  private resolve({ cause, fix, firstTimeFix, by }: ResolutionInput): void {
    const s = () => this.state;
    const at = this.now();
    s().resolution = { cause, fix, firstTimeFix, by, at: at.toISOString() };
    // Resolved, not yet accepted: the resolution clock waits on the customer's verdict instead of stopping,
    // so a rejection resumes it where it was.
    s().sla = engine.stopOne(engine.stopOne(s().sla, 'first-response', at), 'on-site', at);
    s().sla = engine.pauseOne(s().sla, 'resolution', at, 'awaiting-acceptance');
    this.move('resolved', by);
  }

  private registerHandlers(): void {
    const s = () => this.state;
    setHandler(getStateQuery, () => this.view());
    handleFacts({
      state: () => this.state,
      now: () => this.now(),
      fromEvent: (eventId, transition, apply) => this.fromEvent(eventId, transition, apply),
      record: (event, by, note) => this.record(event, by, note),
      move: (status, by, note) => this.move(status, by, note),
      emit: (key, data) => this.emit(key, data),
      releasePaidWork: () => this.releasePaidWork(),
      resolve: (input) => this.resolve(input),
    });

    this.update(recordFirstResponseUpdate, 'firstResponse', ({ by, note }) => {
      s().sla = engine.stopOne(s().sla, 'first-response', this.now());
      this.record('first-response-given', by, note);
    }, () => {
      if (!engine.isClockOpen(s().sla, 'first-response')) throw new TransitionRefused('the first response was already given');
    });

    this.update(screenUpdate, 'screen', (screening) => {
      const at = this.now();
      // Screening answers the customer: it is the first response if none was given yet.
      s().sla = engine.stopOne(s().sla, 'first-response', at);
      if (screening.outcome === 'invalid') {
        s().screening = { outcome: 'invalid', reason: screening.reason, duplicateOf: screening.duplicateOf ?? null, by: screening.by, at: at.toISOString() };
        s().sla = engine.stopAll(s().sla, at);
        this.move('screened-invalid', screening.by, screening.note ?? screening.reason);
        this.emit('service-request.screened@1', { outcome: 'invalid', reason: screening.reason, duplicateOf: screening.duplicateOf ?? null });
        return;
      }
      s().screening = { outcome: 'valid', faultCategory: screening.faultCategory, severity: screening.severity, by: screening.by, at: at.toISOString() };
      s().sla = engine.setTier(s().sla, moreUrgent(screening.tier, this.input.initialTier), at);
      this.record('screened', screening.by, screening.note);
      // Paid work is not dispatched before the customer accepts its quote, or someone overrides the wait.
      const waits = this.paidWorkWaits();
      this.move(waits ? 'awaiting-quote' : 'awaiting-dispatch', undefined, waits ? 'paid work waits for an accepted quote or an override' : undefined);
      this.emit('service-request.screened@1', { outcome: 'valid', faultCategory: screening.faultCategory, severity: screening.severity, tier: s().sla.tier });
      if (!waits) this.requestDispatch();
    }, (screening) => {
      if (screening.outcome === 'valid' && !priorityTiers.includes(screening.tier)) throw new TransitionRefused(`tier must be one of ${priorityTiers.join(', ')}`);
      if (screening.outcome === 'invalid' && screening.reason === 'duplicate' && !screening.duplicateOf) throw new TransitionRefused('duplicateOf is required for a duplicate');
    });

    this.update(retriageUpdate, 'retriage', ({ tier, by, note }) => {
      const from = s().sla.tier;
      s().sla = engine.setTier(s().sla, tier, this.now());
      this.record('retriaged', by, `${from} -> ${tier}${note ? `: ${note}` : ''}`);
    }, ({ tier }) => {
      if (!priorityTiers.includes(tier)) throw new TransitionRefused(`tier must be one of ${priorityTiers.join(', ')}`);
    });

    this.update(waitOnCustomerUpdate, 'waitOnCustomer', ({ by, note }) => {
      s().sla = engine.pauseAll(s().sla, this.now(), 'waiting-on-customer');
      s().waitingOnCustomer = true;
      this.record('waiting-on-customer', by, note);
    });
    this.update(resumeUpdate, 'resume', ({ by, note }) => {
      s().sla = engine.resumeAll(s().sla, this.now());
      s().waitingOnCustomer = false;
      this.record('resumed', by, note);
    });

    this.update(overrideQuoteUpdate, 'quoteOverride', ({ by, reason }) => {
      const at = this.now();
      s().quoteOverride = { by, reason, at: at.toISOString() };
      // A quote still out paused the clocks for the customer's answer: the work goes ahead now.
      if (s().quote?.status === 'issued' && s().waitingOnCustomer) {
        s().sla = engine.resumeAll(s().sla, at);
        s().waitingOnCustomer = false;
      }
      this.record('quote-overridden', by, reason);
      this.releasePaidWork();
    }, ({ reason }) => {
      if (this.input.quoteRequired !== true) throw new TransitionRefused('this request needs no quote: there is nothing to override');
      if (s().quote?.status === 'accepted') throw new TransitionRefused(`quote ${s().quote!.id} was already accepted`);
      if (s().quoteOverride) throw new TransitionRefused(`the quote was already overridden by ${s().quoteOverride!.by}`);
      if (!reason.trim()) throw new TransitionRefused('reason is required');
    });

    this.update(resolveUpdate, 'resolve', (input) => this.resolve(input), ({ cause, fix }) => {
      if (!cause.trim()) throw new TransitionRefused('cause is required');
      if (!fix.trim()) throw new TransitionRefused('fix is required');
    });

    this.update(acceptanceUpdate, 'acceptance', ({ accepted, by, note }) => {
      const at = this.now();
      if (accepted) {
        s().sla = engine.stopAll(s().sla, at);
        this.record('accepted', by, note);
        this.move('closed');
        const resolution = s().resolution!;
        this.emit('service-request.closed@1', {
          customerId: this.input.customerId,
          serialNumber: this.input.serialNumber,
          tier: s().sla.tier,
          cause: resolution.cause,
          fix: resolution.fix,
          firstTimeFix: resolution.firstTimeFix && s().reopened === 0,
          resolvedAt: resolution.at,
          acceptedAt: at.toISOString(),
          workOrderId: s().workOrder?.id ?? null,
          engineerId: s().workOrder?.engineerId ?? null,
          slaMet: engine.views(s().sla, at).every((c) => c.status === 'met'),
        });
        return;
      }
      // Rejected: the work is not done. Back to the engineer, the resolution clock resumes.
      s().reopened += 1;
      s().resolution = null;
      s().sla = engine.resumeOne(s().sla, 'resolution', at);
      this.record('rejected', by, note);
      this.move(s().workOrder ? 'dispatched' : 'awaiting-dispatch');
    });

    this.update(surveyUpdate, 'survey', ({ score, comment }) => {
      const survey = { score, comment: comment ?? null, at: this.now().toISOString() };
      s().survey = survey;
      this.move('followed-up', undefined, `satisfaction ${score}/5`);
      // Every answer is a fact for reporting, published once: the lifecycle admits one survey per request.
      // Behind a patch: runs that recorded a survey before this change replay without the event.
      if (patched('surveyed-event')) {
        this.emit('service-request.surveyed@1', { customerId: this.input.customerId, score, comment: comment ?? null, answeredAt: survey.at });
      }
      // Behind a patch: runs that recorded a low score before this change replay without the event.
      if (score <= lowSatisfaction && patched('complaint-on-low-score')) {
        // An unhappy customer is a complaint, handled one tier more urgently than the request was.
        this.emit('service-request.complaint-raised@1', {
          customerId: this.input.customerId,
          serialNumber: this.input.serialNumber,
          score,
          comment: comment ?? null,
          tier: s().sla.tier,
          complaintTier: raiseTier(s().sla.tier),
        });
      }
    }, ({ score }) => {
      if (!Number.isInteger(score) || score < 1 || score > 5) throw new TransitionRefused('score must be a whole number from 1 to 5');
    });

    this.update(reopenUpdate, 'reopen', ({ by, reason }) => {
      s().reopened += 1;
      s().resolution = null;
      s().sla = engine.reopenResolution(s().sla, this.now(), s().reopened);
      this.record('reopened', by, reason);
      this.move(s().workOrder ? 'dispatched' : 'awaiting-dispatch');
    });

    this.update(cancelUpdate, 'cancel', ({ by, reason }) => {
      s().sla = engine.stopAll(s().sla, this.now());
      this.move('cancelled', by, reason);
      this.emit('service-request.cancelled@1', { reason, by });
    });
  }

  /** Fires what is due now; a raised tier can make more due at once, so it repeats until nothing is. */
  private fireDue(): void {
    const now = this.now();
    for (;;) {
      const { sla, actions } = engine.dueActions(this.state.sla, now);
      this.state.sla = sla;
      if (actions.length === 0) return;
      for (const action of actions) {
        if (action.kind === 'escalation') {
          this.state.escalations.push({ clock: action.clock, action: action.action, step: action.step, tier: action.tier, breachedAt: action.breachedAt, at: now.toISOString() });
          this.record(`escalated-${action.action}`, undefined, `${action.clock} step ${action.step}`);
          this.emit('service-request.escalated@1', { clock: action.clock, action: action.action, step: action.step, tier: action.tier, breachedAt: action.breachedAt, newTier: sla.tier });
        } else {
          const { view } = action;
          this.record(action.kind === 'warning' ? `sla-warning-${action.clock}` : `sla-breached-${action.clock}`);
          this.emit(action.kind === 'warning' ? 'service-request.sla-warning@1' : 'service-request.sla-breached@1', {
            clock: action.clock as ClockName,
            tier: this.state.sla.tier,
            targetMs: view.targetMs,
            warnAt: view.warnAt,
            dueAt: view.dueAt,
            elapsedMs: view.elapsedMs,
          });
        }
      }
    }
  }

  private async flush(first?: SyncInput['started']): Promise<void> {
    this.dirty = false;
    const events = this.outgoing.splice(0);
    this.state.syncRevision += 1;
    const sync = { requestId: this.state.requestId, revision: this.state.syncRevision, view: this.view(), events };
    await (first ? firstStep.syncServiceRequest({ ...sync, started: first }) : activities.syncServiceRequest(sync));
  }

  async run(): Promise<ServiceRequestView> {
    if (!this.input.carried) {
      const info = workflowInfo();
      const started = { workflowId: info.workflowId, runId: info.runId, startedAt: new Date(info.startTime).toISOString() };
      // The record shows the clocks from the start, so boards list a request nobody has touched yet.
      // Runs started before this patch linked the record and synced it as two activities.
      if (patched('first-sync-links-run')) await this.flush(started);
      else {
        await activities.recordWorkflowStarted({ requestId: this.state.requestId, ...started });
        if (patched('initial-sync')) await this.flush();
      }
    }
    const surveyDeadline = () => Date.parse(this.state.history.findLast((h) => h.event === 'closed')?.at ?? '') + surveyWindowMs;
    while (!isFinal(this.state.status)) {
      this.fireDue();
      if (this.dirty || this.outgoing.length > 0) await this.flush();
      const info = workflowInfo();
      if (info.continueAsNewSuggested || info.historyLength > (this.input.historyLimit ?? defaultHistoryLimit)) {
        await condition(allHandlersFinished);
        await this.flush();
        await continueAsNew<typeof serviceRequest>({ ...this.input, carried: this.state });
      }
      const wake = this.state.status === 'closed' ? new Date(surveyDeadline()) : engine.nextWakeUp(this.state.sla, this.now());
      const changed = () => this.dirty || this.outgoing.length > 0;
      const timedOut = wake === null ? !(await condition(changed).then(() => true)) : !(await condition(changed, Math.max(1, wake.getTime() - Date.now())));
      if (timedOut && this.state.status === 'closed' && Date.now() >= surveyDeadline()) this.move('followed-up', undefined, 'no survey answer');
    }
    await condition(allHandlersFinished);
    await this.flush();
    return this.view();
  }
}
