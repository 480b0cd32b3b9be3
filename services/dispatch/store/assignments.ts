/**
 * Assigning a work order to an engineer over the store: the booking and the work order's change
 * under the engineer's calendar lock, the work order settled after the calendar shows it, and the
 * resume of a round an earlier attempt left (finished if its change is stored, else released and
 * booked afresh; store/bookings.ts `resume`, domain/round-recovery.ts). Auto-assignment tries the
 * ranked candidates best first.
 */
import type { Logger } from 'pino';
import { ConflictError, NotFoundError, PlatformError, UnprocessableError, type OutgoingEvent, type Platform } from '@aftersales/platform';
import type { Ranking } from '../domain/assignment';
import { chooseSlot } from '../domain/slot-choice';
import type { BookingDoc, DispatchCollections, WorkOrderDoc } from './models';
import type { Board } from './board';
import type { BookingStore, PlannedBooking, RoundResume } from './bookings';
import type { DispatchFaultPoint } from './fault-points';
import type { PlanningInputs } from './planning-inputs';
import type { WorkOrderStore } from './work-orders';

export type ReplanReason = 'absence' | 'overrun' | 'escalation' | 'declined' | 'manual';

export interface AssignOptions {
  start?: Date | null;
  replan?: { reason: ReplanReason; fromEngineerId: string | null };
  causationId?: string | null;
  /** A half-done earlier attempt of this round is finished whichever engineer it chose (auto-assignment). */
  anyEngineer?: boolean;
}

export interface AssignmentDeps {
  now: Platform['now'];
  logger: Logger;
  store: WorkOrderStore;
  bookings: BookingStore;
  board: Board;
  inputs: Pick<PlanningInputs, 'jobOf' | 'candidateFrom'>;
  engineers: DispatchCollections['engineers'];
  fault: (point: DispatchFaultPoint) => void;
  /** The ranking auto-assignment walks. */
  rank: (wo: WorkOrderDoc) => Promise<{ ranking: Ranking | null; problem: { field: string; reason: string } | null }>;
}

const ASSIGN_ATTEMPTS = 5;
/** Resumes of a taken round before giving up with 409: each frees it or finishes it, so two suffice unless attempts race. */
const ROUND_RESUMES = 3;

export function refused(reason: string): PlatformError {
  return new PlatformError(reason, { status: 409, code: 'transition_refused', field: 'status' });
}

export function createAssignments({ now, logger, store, bookings, board, inputs, engineers, fault, rank }: AssignmentDeps) {
  const log = logger.child({ module: 'assignments' });
  const { jobOf, candidateFrom } = inputs;

  /**
   * Books the engineer and commits the assignment, under the engineer's calendar lock: the slot is
   * chosen on the calendar read there, then the booking and its claims, then the work order's
   * change, then the calendar entry (one lock round), then the work order itself and the board
   * entry (together, beside the lock's release). A clash answers
   * 409 naming `start`; a lost race on the work order gives the slots back and answers 409. A round
   * already claimed (an earlier attempt, maybe of a process that died part-way) is resumed: finished
   * if its change is stored, else released and booked afresh (store/bookings.ts `resume`).
   */
  async function assign(wo: WorkOrderDoc, engineerId: string, by: string, opts: AssignOptions = {}): Promise<WorkOrderDoc> {
    if (wo.route !== 'field-visit') throw new UnprocessableError('route', `work order ${wo._id} is routed ${wo.route}: only a field visit books an engineer's time`);
    if (wo.status !== 'proposed') throw refused(`assignment is not allowed while the work order is ${wo.status} (allowed from proposed)`);
    if (wo.excludedEngineers.includes(engineerId)) throw new UnprocessableError('engineerId', `engineer ${engineerId} declined or was moved off this work order`);
    const [{ job, problem }, engineer] = await Promise.all([jobOf(wo), engineers.findOne({ _id: engineerId })]);
    if (!job) throw new UnprocessableError(problem!.field, problem!.reason);
    if (!engineer?.active) throw new NotFoundError('engineer', engineerId, 'engineerId');
    const bookingId = `${wo._id}:r${wo.round}`;
    let stored: WorkOrderDoc | null = null;
    const request: PlannedBooking = {
      bookingId,
      engineerId,
      workOrderId: wo._id,
      slot: (calendar) => {
        const at = now();
        const choice = chooseSlot(job, candidateFrom(engineer, calendar, at), opts.start ?? null, at);
        if (!choice.ok) throw new UnprocessableError(choice.field, choice.reason);
        return choice.slot;
      },
      commit: async (booking) => {
        stored = await store.record(wo, ...assigned(wo, engineerId, by, booking, opts));
      },
      // The change is stored and the calendar shows the booking: now the work order itself and the
      // board entry, side by side and beside the lock's release (neither reads the other).
      accepted: async () => {
        fault('calendar-write');
        await Promise.all([store.settle(stored!, wo), board.mark(wo.requestId, 'dispatched', wo._id)]);
      },
    };
    let booked = await bookings.book(request);
    for (let tries = 0; !booked.ok && booked.reason === 'round-taken' && tries < ROUND_RESUMES; tries++) {
      const resumed = await bookings.resume(bookingId);
      if (resumed.kind === 'accepted') return finishRound(wo, engineerId, resumed, opts.anyEngineer === true);
      if (resumed.kind === 'busy') throw new ConflictError(`work order ${wo._id} is being assigned by someone else; retry in ${Math.ceil(resumed.retryInMs / 1000)} s`, 'id');
      booked = await bookings.book(request);
    }
    if (!booked.ok) {
      if (booked.reason === 'round-taken') throw new ConflictError(`work order ${wo._id} is being assigned by someone else; reload`, 'id');
      const over = booked.over ? `${booked.over.start.toISOString()}–${booked.over.end.toISOString()}` : 'that time';
      throw new ConflictError(`engineer ${engineerId} is already booked over ${over} (booking ${booked.clashWith ?? 'unknown'})`, 'start');
    }
    log.info({ workOrderId: wo._id, serviceRequestId: wo.requestId, engineerId, bookingId, by, plannedStart: booked.booking.start }, 'work order assigned');
    return stored!;
  }

  /**
   * An earlier attempt of this round whose change is stored (the calendar shows it now): the work
   * order brought up to that change, whose events the relay publishes; no second change, no second
   * event. It answers for this call unless it booked another engineer than the one asked for.
   */
  async function finishRound(wo: WorkOrderDoc, engineerId: string, resumed: Extract<RoundResume, { kind: 'accepted' }>, anyEngineer: boolean): Promise<WorkOrderDoc> {
    const done = resumed.change ?? (await store.load(wo._id));
    if (!done) throw new NotFoundError('work order', wo._id, 'id');
    await Promise.all([resumed.change ? store.settle(resumed.change, wo) : null, board.mark(wo.requestId, 'dispatched', wo._id)]);
    log.warn({ workOrderId: wo._id, engineerId: done.engineerId, bookingId: resumed.booking._id }, 'half-done assignment finished');
    if (!anyEngineer && done.engineerId !== engineerId) throw refused(`work order ${wo._id} is assigned to ${done.engineerId ?? 'nobody'} by an earlier attempt (now finished); reload`);
    return done;
  }

  /** The work order assigned to a booking, and the events that say so. */
  function assigned(wo: WorkOrderDoc, engineerId: string, by: string, slot: BookingDoc, opts: AssignOptions): [WorkOrderDoc, OutgoingEvent[]] {
    const at = now();
    const next: WorkOrderDoc = {
      ...wo,
      status: 'assigned',
      engineerId,
      bookingId: slot._id,
      plannedDepartAt: slot.departAt,
      plannedStart: slot.start,
      plannedEnd: slot.end,
      assignedAt: at,
      assignedBy: by,
      planningNote: null,
      history: [...wo.history, { at, what: 'assigned', by, note: `${engineerId}, arrive ${slot.start.toISOString()}` }],
    };
    const events: OutgoingEvent[] = [];
    if (opts.replan) {
      events.push(store.event('work-order.replanned@1', { workOrderId: wo._id, requestId: wo.requestId, engineerId, fromEngineerId: opts.replan.fromEngineerId, plannedStart: slot.start.toISOString(), reason: opts.replan.reason, replannedAt: at.toISOString() }, wo, opts.causationId ?? null));
    }
    events.push(store.event('work-order.assigned@1', { workOrderId: wo._id, requestId: wo.requestId, engineerId, assignedAt: at.toISOString(), plannedStart: slot.start.toISOString(), plannedEnd: slot.end.toISOString(), assignedBy: by }, wo, opts.causationId ?? null));
    return [next, events];
  }

  /** Tries the ranked candidates best first; a clash with a concurrent booking moves on to the next. */
  async function autoAssign(wo: WorkOrderDoc, opts: Pick<AssignOptions, 'replan' | 'causationId'> = {}): Promise<WorkOrderDoc> {
    const { ranking, problem } = await rank(wo);
    const ranked = ranking?.ranked ?? [];
    for (const candidate of ranked.slice(0, ASSIGN_ATTEMPTS)) {
      try {
        // A half-done earlier auto-assignment of this round is finished, whichever engineer it chose.
        return await assign(wo, candidate.engineerId, 'auto', { ...opts, anyEngineer: true });
      } catch (error) {
        if (error instanceof PlatformError && error.status === 409 && error.field === 'start') {
          log.info({ workOrderId: wo._id, engineerId: candidate.engineerId }, 'candidate booked meanwhile; trying the next');
          continue;
        }
        throw error;
      }
    }
    const note = problem ? problem.reason : ranked.length === 0 ? `no eligible engineer (${ranking?.ineligible.length ?? 0} ineligible)` : `the best ${ASSIGN_ATTEMPTS} candidates were booked meanwhile`;
    const events = opts.replan
      ? [store.event('work-order.replanned@1', { workOrderId: wo._id, requestId: wo.requestId, engineerId: null, fromEngineerId: opts.replan.fromEngineerId, plannedStart: null, reason: opts.replan.reason, replannedAt: now().toISOString() }, wo, opts.causationId ?? null)]
      : [];
    log.warn({ workOrderId: wo._id, serviceRequestId: wo.requestId, note }, 'work order left for the dispatcher');
    return store.commit(wo, { ...wo, planningNote: note }, events);
  }

  return { assign, autoAssign };
}

export type Assignments = ReturnType<typeof createAssignments>;
