import { setHandler } from '@temporalio/workflow';
import type { WorkflowEvent } from './activities';
import { isFinal, type Transition } from './lifecycle';
import {
  calendarChangedSignal,
  engineerArrivedSignal,
  partsSignal,
  quoteSignal,
  routeChosenSignal,
  workOrderAssignedSignal,
  workOrderCompletedSignal,
  workOrderStepSignal,
  type ResolutionInput,
  type ServiceRequestState,
  type ServiceRequestStatus,
  type WorkOrderStage,
} from './messages';
import * as engine from './sla-engine';

/** What the handlers of other services' facts may do to the request's process (see workflow.ts). */
export interface FactHost {
  state(): ServiceRequestState;
  now(): Date;
  /** Applies a fact once per event id, and only when the lifecycle allows it. */
  fromEvent(eventId: string, transition: Transition, apply: () => void): void;
  record(event: string, by?: string, note?: string): void;
  move(status: ServiceRequestStatus, by?: string, note?: string): void;
  emit(key: WorkflowEvent['key'], data: Record<string, unknown>): void;
  /** The wait for the quote is over: the request goes to dispatch. */
  releasePaidWork(): void;
  resolve(input: ResolutionInput): void;
}

/**
 * The facts other services send a request as signals, each carrying its event id: dispatch's work
 * orders and arrivals, the route chosen, spares' quotes and parts, and intake's calendar changes.
 */
export function handleFacts(host: FactHost): void {
  const s = host.state;

  setHandler(workOrderAssignedSignal, ({ eventId, at, workOrderId, engineerId }) =>
    host.fromEvent(eventId, 'workOrderAssigned', () => {
      s().workOrder = { id: workOrderId, engineerId, assignedAt: at, arrivedAt: null, stage: 'assigned' };
      host.move('dispatched', engineerId ?? undefined, `work order ${workOrderId}`);
    }),
  );
  setHandler(engineerArrivedSignal, ({ eventId, at, workOrderId }) =>
    host.fromEvent(eventId, 'engineerArrived', () => {
      if (s().workOrder?.id === workOrderId) s().workOrder = { ...s().workOrder!, arrivedAt: at, stage: 'on-site' };
      // The clock stops when the workflow learns of the arrival; the record keeps the reported instant.
      s().sla = engine.stopOne(s().sla, 'on-site', host.now());
      host.move('on-site', undefined, `work order ${workOrderId}`);
    }),
  );

  const stageAfter: Partial<Record<string, WorkOrderStage>> = { accepted: 'accepted', 'travel-started': 'travelling', 'work-started': 'working', 'work-finished': 'work-finished' };
  setHandler(workOrderStepSignal, ({ eventId, workOrderId, engineerId, step, plannedStart, note }) =>
    host.fromEvent(eventId, 'workOrderStep', () => {
      const current = s().workOrder;
      // A fact about a work order this request no longer follows (replaced after a decline) is history only.
      if (current && current.id !== workOrderId && step !== 'replanned') {
        host.record(`work-order-${step}`, engineerId ?? undefined, `work order ${workOrderId} (not the current one)`);
        return;
      }
      if (step === 'declined' || step === 'cancelled') {
        // The engineer said no, or dispatch withdrew the order: the request waits for a new plan.
        s().workOrder = step === 'declined' && current ? { ...current, engineerId: null } : null;
        host.record(`work-order-${step}`, engineerId ?? undefined, note ?? `work order ${workOrderId}`);
        if (s().status !== 'awaiting-dispatch') host.move('awaiting-dispatch');
        return;
      }
      if (step === 'replanned') {
        s().workOrder = { id: workOrderId, engineerId, assignedAt: current?.assignedAt ?? host.now().toISOString(), arrivedAt: null, stage: 'assigned', plannedStart: plannedStart ?? null };
        host.record('work-order-replanned', engineerId ?? undefined, note ?? `work order ${workOrderId}`);
        if (engineerId && s().status === 'awaiting-dispatch') host.move('dispatched', engineerId);
        return;
      }
      if (current) s().workOrder = { ...current, stage: stageAfter[step] ?? current.stage ?? 'assigned' };
      host.record(`work-order-${step}`, engineerId ?? undefined, note);
    }),
  );

  setHandler(routeChosenSignal, ({ eventId, workOrderId, route, by }) =>
    host.fromEvent(eventId, 'route', () => {
      const at = host.now();
      s().route = route;
      // No visit, no on-site promise: set aside rather than counted met or breached. Back to a visit restores it.
      s().sla = route === 'field-visit' ? engine.restoreWaived(s().sla, 'on-site') : engine.waiveOne(s().sla, 'on-site', at, `route ${route}`);
      host.record('route-chosen', by, `${route} (work order ${workOrderId})`);
    }),
  );

  setHandler(quoteSignal, ({ eventId, quoteId, outcome, totalCents, currency, by, reason }) =>
    host.fromEvent(eventId, 'quote', () => {
      const at = host.now();
      s().quote = { id: quoteId, status: outcome, totalCents: totalCents ?? s().quote?.totalCents ?? null, currency: currency ?? s().quote?.currency ?? null, at: at.toISOString() };
      if (outcome === 'issued') {
        // Paid work waits for the customer's yes; that wait is not ours to count.
        s().sla = engine.pauseAll(s().sla, at, 'awaiting-quote');
        s().waitingOnCustomer = true;
        host.record('quote-issued', undefined, `quote ${quoteId}`);
      } else if (outcome === 'accepted') {
        s().sla = engine.resumeAll(s().sla, at);
        s().waitingOnCustomer = false;
        host.record('quote-accepted', by, `quote ${quoteId}`);
        host.releasePaidWork();
      } else {
        s().sla = engine.stopAll(s().sla, at);
        s().waitingOnCustomer = false;
        const why = `quote ${quoteId} declined${reason ? `: ${reason}` : ''}`;
        host.move('cancelled', by ?? 'customer', why);
        host.emit('service-request.cancelled@1', { reason: why, by: by ?? 'customer' });
      }
    }),
  );

  setHandler(partsSignal, ({ eventId, workOrderId, outcome, lines, expectedAt }) =>
    host.fromEvent(eventId, 'parts', () => {
      const awaited = s().partsAwaited ?? [];
      const numbers = new Set(lines.map((l) => l.partNumber));
      if (outcome === 'backordered') s().partsAwaited = [...awaited.filter((p) => !numbers.has(p.partNumber)), ...lines.map((l) => ({ ...l, expectedAt: expectedAt ?? null }))];
      else if (outcome === 'reserved' || outcome === 'consumed') s().partsAwaited = awaited.filter((p) => !numbers.has(p.partNumber));
      host.record(`parts-${outcome}`, undefined, `${lines.map((l) => `${l.quantity} x ${l.partNumber}`).join(', ')} (work order ${workOrderId})`);
    }),
  );

  setHandler(workOrderCompletedSignal, ({ eventId, workOrderId, engineerId, cause, fix, firstTimeFix }) =>
    host.fromEvent(eventId, 'resolve', () => host.resolve({ cause, fix, firstTimeFix, by: engineerId ?? `work order ${workOrderId}` })),
  );
  setHandler(calendarChangedSignal, ({ reason, changedBy, ...change }) => {
    const terms = s().sla.terms;
    if (isFinal(s().status)) return;
    if (terms.calendarId !== undefined && terms.calendarId !== change.calendarId) return;
    if (terms.calendarVersion !== undefined && change.version <= terms.calendarVersion) return;
    const { sla, moved } = engine.changeCalendar(s().sla, change, host.now());
    s().sla = sla;
    const moves = moved.map((m) => `${m.clock} due ${m.from} -> ${m.to}`).join('; ');
    host.record('calendar-changed', changedBy, `${change.calendarId} version ${change.version} (${reason}): ${moves || 'no due instant moved'}`);
  });
}
