/**
 * The dispatcher's moves over the store: create a work order from a dispatch request, rank
 * engineers, walk the steps, re-plan and cancel; the assignment itself (and the resume of a round a
 * dead attempt left) is store/assignments.ts. Decisions are the pure functions in ../domain; this
 * file loads their inputs and stores their outcome.
 */
import type { Logger } from 'pino';
import type { FailureCategory, ResolutionRoute } from '@aftersales/contracts';
import { ConflictError, NotFoundError, UnprocessableError, faultInjector, isDuplicateKeyError, type Platform } from '@aftersales/platform';
import { haversineKm, rankCandidates, shouldAutoAssign, type Ranking } from '../domain/assignment';
import type { ContainmentMatch } from '../domain/containment';
import { canChangeRoute, decideStep, initialRoute, isOpen, isReplannable, type Tier, type WorkOrderStep } from '../domain/work-order';
import { createAssignments, refused, type ReplanReason } from './assignments';
import { createBoard, type Board } from './board';
import { createBookingStore, type BookingStore } from './bookings';
import type { DispatchFaultPoint } from './fault-points';
import { createPlanningInputs, touchRoster } from './planning-inputs';
import type { ServiceCalendars } from './service-calendars';
import type { DispatchCollections, DispatchModels, WorkOrderDoc, WorkOrderReport } from './models';
import { createWorkOrderStore, type WorkOrderStore } from './work-orders';

export type PlannerDeps = Pick<Platform, 'topic' | 'now' | 'nudgeOutbox' | 'logger'>;

export type { ReplanReason };

export interface DispatchRequest {
  requestId: string;
  customerId: string;
  serialNumber: string;
  tier: Tier;
  responseMode: 'on-site' | 'nbd' | 'remote';
  onSiteDueAt: Date | null;
}

export interface StepInput {
  by: string;
  reason?: string;
  benchId?: string;
  report?: Omit<WorkOrderReport, 'customerSignOff' | 'failureDecision'> & { customerSignOff: { name: string; at: Date } | null; travelMinutes?: number; failureCategory?: FailureCategory };
}

function iso(d: Date | null): string | null {
  return d ? d.toISOString() : null;
}

export function createPlanner(deps: PlannerDeps, models: DispatchModels, c: DispatchCollections, options: { autoAssignTiers: ReadonlySet<string>; calendars: ServiceCalendars; faultKillAfter?: DispatchFaultPoint | null; flagsCopyMaxAgeMs?: number }) {
  const log: Logger = deps.logger.child({ module: 'planner' });
  const store: WorkOrderStore = createWorkOrderStore(deps, c);
  const fault = faultInjector(options.faultKillAfter ?? null);
  const bookings: BookingStore = createBookingStore({ collections: c, now: deps.now, logger: deps.logger, fault });

  async function mustLoad(id: string): Promise<WorkOrderDoc> {
    const wo = await store.load(id);
    if (!wo) throw new NotFoundError('work order', id, 'id');
    return wo;
  }

  const board: Board = createBoard(models);
  const inputs = createPlanningInputs(board, c, bookings, options.calendars, { flagsCopyMaxAgeMs: options.flagsCopyMaxAgeMs });
  const { calendarOf, calendarIds, containmentOf, jobOf, candidates } = inputs;

  async function rank(wo: WorkOrderDoc): Promise<{ ranking: Ranking | null; problem: { field: string; reason: string } | null; excluded: string[]; containment: ContainmentMatch[] }> {
    const now = deps.now();
    // The job and the pool are read side by side: neither depends on the other.
    const [{ job, problem, containment }, all] = await Promise.all([jobOf(wo), candidates(null, now)]);
    if (!job) return { ranking: null, problem, excluded: wo.excludedEngineers, containment };
    const pool = all.filter((e) => !wo.excludedEngineers.includes(e.engineerId));
    return { ranking: rankCandidates(job, pool, now), problem: null, excluded: wo.excludedEngineers, containment };
  }

  const { assign, autoAssign } = createAssignments({ now: deps.now, logger: deps.logger, store, bookings, board, inputs, engineers: c.engineers, fault, rank });

  async function createFromRequest(req: DispatchRequest, causationId: string): Promise<WorkOrderDoc> {
    const existing = await store.ofRequest(req.requestId);
    const open = existing.find((w) => isOpen(w.status));
    if (open) {
      // A re-run after a crash between creation and auto-assignment finishes the job; otherwise nothing to do.
      const wo = (await store.load(open._id))!;
      return wo.status === 'proposed' && wo.engineerId === null && wo.route === 'field-visit' && shouldAutoAssign(wo.tier, options.autoAssignTiers) ? autoAssign(wo, { causationId }) : wo;
    }
    const now = deps.now();
    const wo: WorkOrderDoc = {
      _id: `WO-${req.requestId}-${existing.length + 1}`,
      requestId: req.requestId,
      version: 1,
      status: 'proposed',
      route: initialRoute(req.responseMode),
      tier: req.tier,
      onSiteDueAt: req.onSiteDueAt,
      customerId: req.customerId,
      serialNumber: req.serialNumber,
      createdAt: now,
      updatedAt: now,
      engineerId: null,
      bookingId: null,
      round: 1,
      plannedDepartAt: null,
      plannedStart: null,
      plannedEnd: null,
      assignedAt: null,
      assignedBy: null,
      excludedEngineers: [],
      planningNote: null,
      steps: {},
      report: null,
      depot: null,
      cancelReason: null,
      history: [{ at: now, what: 'created', by: 'dispatch', note: `from dispatch request (${req.responseMode})` }],
    };
    const created = store.event('work-order.created@1', { workOrderId: wo._id, requestId: wo.requestId, engineerId: null, tier: wo.tier, route: wo.route, onSiteDueAt: iso(wo.onSiteDueAt), createdAt: now.toISOString() }, wo, causationId);
    const { workOrder } = await store.create(wo, [created]);
    log.info({ workOrderId: wo._id, serviceRequestId: req.requestId, tier: req.tier, route: wo.route }, 'work order created');
    if (workOrder.route === 'field-visit' && shouldAutoAssign(workOrder.tier, options.autoAssignTiers)) return autoAssign(workOrder, { causationId });
    return store.commit(workOrder, { ...workOrder, planningNote: workOrder.route === 'field-visit' ? `tier ${workOrder.tier} is proposed to the dispatcher, not auto-assigned` : null }, []);
  }

  /** Frees the engineer's time and opens a new assignment round. */
  function unassigned(wo: WorkOrderDoc, exclude: boolean): WorkOrderDoc {
    return {
      ...wo,
      status: 'proposed',
      engineerId: null,
      bookingId: null,
      round: wo.round + 1,
      plannedDepartAt: null,
      plannedStart: null,
      plannedEnd: null,
      excludedEngineers: exclude && wo.engineerId ? [...new Set([...wo.excludedEngineers, wo.engineerId])] : wo.excludedEngineers,
    };
  }

  /** Moves a work order off its engineer (or onto one, if it had none) and says what moved. Null when it cannot move any more. */
  async function replan(id: string, reason: ReplanReason, by: string, causationId: string | null = null): Promise<WorkOrderDoc | null> {
    const wo = await mustLoad(id);
    if (!isReplannable(wo.status) || wo.route !== 'field-visit') {
      log.info({ workOrderId: id, status: wo.status, reason }, 'work order not re-planned: already under way or not a field visit');
      return null;
    }
    const fromEngineerId = wo.engineerId;
    const at = deps.now();
    const freed = await store.commit(wo, { ...unassigned(wo, true), history: [...wo.history, { at, what: `replanning (${reason})`, by, ...(fromEngineerId ? { note: `off ${fromEngineerId}` } : {}) }] }, []);
    if (wo.bookingId) await bookings.release(wo.bookingId);
    return autoAssign(freed, { replan: { reason, fromEngineerId }, causationId });
  }

  async function step(id: string, stepName: WorkOrderStep, input: StepInput): Promise<WorkOrderDoc> {
    const wo = await mustLoad(id);
    const decision = decideStep(wo.route, wo.status, stepName);
    if (!decision.ok) throw refused(decision.reason);
    const at = deps.now();
    const base = { workOrderId: wo._id, requestId: wo.requestId, engineerId: wo.engineerId };
    const history = [...wo.history, { at, what: stepName, by: input.by, ...(input.reason ? { note: input.reason } : {}) }];
    const next: WorkOrderDoc = { ...wo, status: decision.to, history };
    switch (stepName) {
      case 'accept':
        return store.commit(wo, { ...next, steps: { ...wo.steps, acceptedAt: at } }, [store.event('work-order.accepted@1', { ...base, acceptedAt: at.toISOString() }, wo, null)]);
      case 'decline': {
        const declined = await store.commit(wo, { ...unassigned(wo, true), history }, [store.event('work-order.declined@1', { ...base, declinedAt: at.toISOString(), reason: input.reason ?? 'declined' }, wo, null)]);
        if (wo.bookingId) await bookings.release(wo.bookingId);
        // A decline re-plans at once; without an eligible engineer it waits on the board.
        return autoAssign(declined, { replan: { reason: 'declined', fromEngineerId: wo.engineerId } });
      }
      case 'start-travel':
        return store.commit(wo, { ...next, steps: { ...wo.steps, travelStartedAt: at } }, [store.event('work-order.travel-started@1', { ...base, startedAt: at.toISOString() }, wo, null)]);
      case 'arrive':
        return store.commit(wo, { ...next, steps: { ...wo.steps, arrivedAt: at } }, [store.event('work-order.arrived@1', { ...base, arrivedAt: at.toISOString() }, wo, null)]);
      case 'start-work': {
        const depot = wo.route === 'depot' ? await takeBench(wo, input.benchId) : wo.depot;
        try {
          return await store.commit(wo, { ...next, depot, steps: { ...wo.steps, workStartedAt: at } }, [store.event('work-order.work-started@1', { ...base, startedAt: at.toISOString() }, wo, null)]);
        } catch (error) {
          if (depot?.tokenId && depot.tokenId !== wo.depot?.tokenId) await c.benchTokens.deleteOne({ _id: depot.tokenId });
          throw error;
        }
      }
      case 'finish-work': {
        const stored = await store.commit(wo, { ...next, steps: { ...wo.steps, workFinishedAt: at } }, [store.event('work-order.work-finished@1', { ...base, finishedAt: at.toISOString() }, wo, null)]);
        if (wo.depot?.tokenId) await c.benchTokens.deleteOne({ _id: wo.depot.tokenId });
        return stored;
      }
      case 'complete': {
        const r = input.report;
        if (!r) throw new UnprocessableError('report', 'the engineer report is required');
        if (r.finishedAt <= r.startedAt) throw new UnprocessableError('finishedAt', 'finishedAt must be after startedAt');
        if (r.finishedAt.getTime() > at.getTime() + 60_000) throw new UnprocessableError('finishedAt', 'finishedAt is in the future');
        if (wo.steps.workStartedAt && r.startedAt.getTime() < wo.steps.workStartedAt.getTime() - 24 * 3_600_000) throw new UnprocessableError('startedAt', 'startedAt is more than a day before work started');
        const { failureCategory, ...reported } = r;
        // The engineer's decision on why it failed: who made it and when travel with it.
        const failureDecision = failureCategory ? { category: failureCategory, decidedBy: input.by, decidedAt: at } : undefined;
        const report: WorkOrderReport = { ...reported, ...(failureDecision ? { failureDecision } : {}) };
        delete (report as { travelMinutes?: number }).travelMinutes;
        const engineerId = wo.engineerId ?? input.by;
        const completed = store.event(
          'work-order.completed@1',
          {
            ...base,
            engineerId,
            startedAt: r.startedAt.toISOString(),
            finishedAt: r.finishedAt.toISOString(),
            effortMinutes: r.effortMinutes,
            cause: r.cause,
            fix: r.fix,
            workDone: r.workDone,
            partsUsed: r.partsUsed.map((p) => ({ partNumber: p.partNumber, quantity: p.quantity, ...(p.removedSerial ? { removedSerial: p.removedSerial } : {}) })),
            firstTimeFix: r.firstTimeFix,
            ...(r.failureMode ? { failureMode: r.failureMode } : {}),
            ...(failureDecision ? { failureDecision: { ...failureDecision, decidedAt: at.toISOString() } } : {}),
            ...(r.travelMinutes !== undefined ? { travelMinutes: r.travelMinutes } : {}),
            customerSignOff: r.customerSignOff ? { name: r.customerSignOff.name, at: r.customerSignOff.at.toISOString() } : null,
          },
          wo,
          null,
        );
        const stored = await store.commit(wo, { ...next, report, steps: { ...wo.steps, completedAt: at } }, [completed]);
        // Done before the planned end: the rest of the booked time is free again.
        if (wo.bookingId) await bookings.trim(wo.bookingId, at);
        await board.mark(wo.requestId, 'completed', wo._id);
        return stored;
      }
    }
  }

  /** A bench place is a unique key per WIP slot: two jobs can never take the last place at once. */
  async function takeBench(wo: WorkOrderDoc, benchId: string | undefined): Promise<WorkOrderDoc['depot']> {
    if (!wo.depot) throw new UnprocessableError('route', 'the work order has no depot');
    if (!benchId) throw new UnprocessableError('benchId', 'a depot job starts on a bench: benchId is required');
    const depot = await c.depots.findOne({ _id: wo.depot.depotId });
    const bench = depot?.benches.find((b) => b.benchId === benchId);
    if (!bench) throw new UnprocessableError('benchId', `bench ${benchId} is not a bench of depot ${wo.depot.depotId}`);
    for (let k = 0; k < bench.wipLimit; k++) {
      const tokenId = `${wo.depot.depotId}|${benchId}|${k}`;
      try {
        await c.benchTokens.insertOne({ _id: tokenId, workOrderId: wo._id, takenAt: deps.now() });
        return { ...wo.depot, benchId, tokenId };
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
    }
    throw new ConflictError(`bench ${benchId} is at its WIP limit of ${bench.wipLimit}: finish a job there first`, 'benchId');
  }

  async function chooseRoute(id: string, route: ResolutionRoute, by: string, opts: { reason?: string; depotId?: string; rush?: boolean }): Promise<WorkOrderDoc> {
    const wo = await mustLoad(id);
    if (!canChangeRoute(wo.status)) throw refused(`the route cannot change while the work order is ${wo.status}`);
    if (route === wo.route && route !== 'depot') throw new UnprocessableError('route', `the work order is already routed ${route}`);
    let depot: WorkOrderDoc['depot'] = null;
    if (route === 'depot') {
      const depots = await c.depots.find({}).toArray();
      if (opts.depotId) {
        if (!depots.some((d) => d._id === opts.depotId)) throw new UnprocessableError('depotId', `depot ${opts.depotId} not found`);
        depot = { depotId: opts.depotId, benchId: null, rush: opts.rush ?? false, tokenId: null };
      } else {
        const entry = await board.entry(wo.requestId);
        const site = entry?.site;
        const nearest = depots
          .map((d) => ({ d, km: site && d.benches.length > 0 ? haversineKm(site, d) : Infinity }))
          .sort((a, b) => a.km - b.km)[0];
        if (!nearest) throw new UnprocessableError('depotId', 'no depot is configured');
        depot = { depotId: nearest.d._id, benchId: null, rush: opts.rush ?? false, tokenId: null };
      }
    }
    const at = deps.now();
    const leavesField = wo.route === 'field-visit' && route !== 'field-visit';
    const base = leavesField ? unassigned(wo, false) : wo;
    const next: WorkOrderDoc = { ...base, route, depot, status: leavesField ? 'proposed' : wo.status, history: [...wo.history, { at, what: `route ${route}`, by, ...(opts.reason ? { note: opts.reason } : {}) }] };
    const stored = await store.commit(wo, next, [
      store.event('work-order.route-chosen@1', { workOrderId: wo._id, requestId: wo.requestId, engineerId: next.engineerId, route, chosenAt: at.toISOString(), by, ...(opts.reason ? { reason: opts.reason } : {}) }, wo, null),
    ]);
    if (leavesField && wo.bookingId) await bookings.release(wo.bookingId);
    if (route === 'field-visit' && stored.status === 'proposed' && shouldAutoAssign(stored.tier, options.autoAssignTiers)) return autoAssign(stored);
    return stored;
  }

  async function cancelForRequest(requestId: string, reason: string, causationId: string): Promise<WorkOrderDoc[]> {
    const open = (await store.ofRequest(requestId)).filter((w) => isOpen(w.status));
    const cancelled: WorkOrderDoc[] = [];
    for (const { _id } of open) {
      const wo = (await store.load(_id))!;
      if (!isOpen(wo.status)) continue;
      const at = deps.now();
      const stored = await store.commit(
        wo,
        { ...wo, status: 'cancelled', cancelReason: reason, steps: { ...wo.steps, cancelledAt: at }, history: [...wo.history, { at, what: 'cancelled', by: 'service request', note: reason }] },
        [store.event('work-order.cancelled@1', { workOrderId: wo._id, requestId, engineerId: wo.engineerId, reason, cancelledAt: at.toISOString() }, wo, causationId)],
      );
      // Cancelled before work began frees the whole booking; during work, the rest of it.
      if (wo.bookingId) await (wo.steps.workStartedAt ? bookings.trim(wo.bookingId, at) : bookings.release(wo.bookingId));
      if (wo.depot?.tokenId) await c.benchTokens.deleteOne({ _id: wo.depot.tokenId });
      cancelled.push(stored);
    }
    await board.mark(requestId, 'cancelled');
    return cancelled;
  }

  /** A reported absence: the engineer's bookings that overlap it are re-planned. */
  async function reportAbsence(engineerId: string, absence: { start: Date; end: Date; reason: string }, by: string): Promise<{ moved: { workOrderId: string; to: string | null; plannedStart: Date | null }[]; kept: string[] }> {
    const engineer = await c.engineers.findOne({ _id: engineerId });
    if (!engineer) throw new NotFoundError('engineer', engineerId, 'id');
    await c.engineers.updateOne({ _id: engineerId }, { $push: { absences: absence } });
    await touchRoster(c);
    const affected = (await bookings.busyOf([engineerId], absence)).get(engineerId) ?? [];
    const moved: { workOrderId: string; to: string | null; plannedStart: Date | null }[] = [];
    const kept: string[] = [];
    for (const b of affected) {
      const after = await replan(b.workOrderId, 'absence', by);
      if (after) moved.push({ workOrderId: after._id, to: after.engineerId, plannedStart: after.plannedStart });
      else kept.push(b.workOrderId);
    }
    log.info({ engineerId, moved: moved.length, kept: kept.length }, 'absence reported');
    return { moved, kept };
  }

  /**
   * A job under way runs past its planned end: the engineer's later bookings up to `until` are
   * re-planned (reason overrun), then this job's booking is extended over the freed time.
   */
  async function reportOverrun(id: string, until: Date, by: string): Promise<{ moved: { workOrderId: string; to: string | null; plannedStart: Date | null }[]; kept: string[]; workOrder: WorkOrderDoc }> {
    const wo = await mustLoad(id);
    if (!['travelling', 'on-site', 'working'].includes(wo.status) || !wo.bookingId || !wo.engineerId) throw refused(`an overrun is reported on a job under way, not one that is ${wo.status}`);
    const booking = await c.bookings.findOne({ _id: wo.bookingId });
    if (!booking) throw new ConflictError(`work order ${id} holds no booking`, 'id');
    if (until <= booking.end) throw new UnprocessableError('until', `until must be after the planned end ${booking.end.toISOString()}`);
    const later = ((await bookings.busyOf([wo.engineerId], { start: booking.end, end: until })).get(wo.engineerId) ?? []).filter((b) => b._id !== wo.bookingId);
    const moved: { workOrderId: string; to: string | null; plannedStart: Date | null }[] = [];
    const kept: string[] = [];
    for (const b of later) {
      const after = await replan(b.workOrderId, 'overrun', by);
      if (after) moved.push({ workOrderId: after._id, to: after.engineerId, plannedStart: after.plannedStart });
      else kept.push(b.workOrderId);
    }
    const extended = await bookings.extend(wo.bookingId, until);
    if (!extended.ok) kept.push(`booking ${extended.clashWith} still holds time before ${until.toISOString()}`);
    const at = deps.now();
    const stored = await store.commit(wo, { ...wo, plannedEnd: extended.ok ? until : wo.plannedEnd, history: [...wo.history, { at, what: 'overrun', by, note: `until ${until.toISOString()}, ${moved.length} moved` }] }, []);
    log.info({ workOrderId: id, engineerId: wo.engineerId, until, moved: moved.length, kept: kept.length }, 'overrun reported');
    return { moved, kept, workOrder: stored };
  }

  async function openWorkOrdersOf(requestId: string): Promise<string[]> {
    return (await store.ofRequest(requestId)).filter((w) => isOpen(w.status)).map((w) => w._id);
  }

  return { store, bookings, board, reportOverrun, openWorkOrdersOf, rank, assign, autoAssign, createFromRequest, replan, step, chooseRoute, cancelForRequest, reportAbsence, candidates, containmentOf, flagsChanged: inputs.flagsChanged, calendarOf, calendarIds, mustLoad, roster: inputs.roster };
}

export type Planner = ReturnType<typeof createPlanner>;
