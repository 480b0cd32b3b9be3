import { topics, type KnownEvent } from '@aftersales/contracts';
import { applyOnce, type ConsumedEvent, type ConsumerSpec, type Platform } from '@aftersales/platform';
import type { SparesStore, WorkOrderDoc } from '../store/collections';
import type { CaseFlow } from '../store/case-flow';
import { createCaseLists } from '../store/case-lists';
import { createGuardedWrites } from '../store/guarded-writes';
import type { ReservationBook } from '../store/reservations';

export const casesConsumer = 'spares-service-requests';
export const workOrdersConsumer = 'spares-work-orders';

const causeOf = (event: ConsumedEvent['event']) => ({ correlationId: event.correlationId, causationId: event.id });

/**
 * Spares' local view of cases and work orders, fed by intake's and dispatch's events, and what
 * follows from them: a cancelled work order's reservations go back, a completed one's parts are
 * written off and its defective parts expected back, a closed case is costed.
 */
export function sparesConsumers(platform: Platform, store: SparesStore, book: ReservationBook, flow: CaseFlow): ConsumerSpec[] {
  const log = platform.logger.child({ module: 'consumers' });
  const lists = createCaseLists(store);
  const guarded = createGuardedWrites(store, () => platform.now());
  const once = (group: string, event: ConsumedEvent['event'], apply: () => Promise<void>) => applyOnce(platform.mongo, group, event.id, apply);

  const registered = async ({ event }: ConsumedEvent) => {
    const { data } = event as KnownEvent<'service-request.registered@1'>;
    await once(casesConsumer, event, async () => {
      await store.cases.updateOne(
        { _id: data.requestId },
        {
          $setOnInsert: {
            customerId: data.customerId,
            dealerId: data.dealerId ?? null,
            serialNumber: data.serialNumber,
            entitlementSource: data.entitlement?.source ?? null,
            quoteRequired: data.entitlement?.quoteRequired ?? false,
            ...(data.entitlement?.covers ? { covers: data.entitlement.covers } : {}),
            ...(data.entitlement?.exclusions ? { exclusions: data.entitlement.exclusions } : {}),
            ...(data.entitlement?.coversConsumables !== undefined ? { coversConsumables: data.entitlement.coversConsumables } : {}),
            ...(data.entitlement?.warrantyEnd !== undefined ? { warrantyEnd: data.entitlement.warrantyEnd === null ? null : new Date(data.entitlement.warrantyEnd) } : {}),
            model: data.machine?.model ?? null,
            productLine: data.machine?.productLine ?? null,
            raisedAt: new Date(data.raisedAt),
            status: 'open',
            closedAt: null,
          },
        },
        { upsert: true },
      );
      log.info({ serviceRequestId: data.requestId }, 'case recorded');
      await flow.caseRecorded(data.requestId);
    });
  };

  /** Dispatch was asked for: for paid work, on an accepted quote or an override (who, why), which parts may now be reserved on. */
  const dispatchRequested = async ({ event }: ConsumedEvent) => {
    const { data } = event as KnownEvent<'service-request.dispatch-requested@1'>;
    await once(casesConsumer, event, async () => {
      const p = data.paidWork;
      const paidWork = !p ? { basis: 'before-the-quote-rule' as const } : p.basis === 'override' ? { ...p, at: new Date(p.at) } : { basis: p.basis, quoteId: p.quoteId, at: new Date(p.acceptedAt) };
      // The first basis stays (a quote's acceptance may have set it).
      await guarded.setIf(store.cases, data.requestId, (c) => c.quoteRequired && !c.paidWork, { paidWork });
    });
  };

  const closed = async ({ event }: ConsumedEvent) => {
    const { data } = event as KnownEvent<'service-request.closed@1'>;
    await once(casesConsumer, event, async () => {
      await flow.allocate(data.requestId, new Date(data.acceptedAt), data.workOrderId);
    });
  };

  const upsertWorkOrder = (workOrderId: string, requestId: string, set: Partial<WorkOrderDoc>, at: Date) =>
    store.workOrders.updateOne(
      { _id: workOrderId },
      { $set: { ...set, updatedAt: at }, $setOnInsert: { requestId, ...('engineerId' in set ? {} : { engineerId: null }), ...('route' in set ? {} : { route: null }), ...('completion' in set ? {} : { completion: null }), ...('status' in set ? {} : { status: 'created' }) } },
      { upsert: true },
    );

  const created = async ({ event }: ConsumedEvent) => {
    const { data } = event as KnownEvent<'work-order.created@1'>;
    await once(workOrdersConsumer, event, async () => {
      // A later fact (assigned, completed) may have arrived first on a retry; creation never moves it back.
      await store.workOrders.updateOne(
        { _id: data.workOrderId },
        { $setOnInsert: { requestId: data.requestId, engineerId: data.engineerId, status: 'created', route: data.route, completion: null, updatedAt: new Date(data.createdAt) } },
        { upsert: true },
      );
      await store.workOrders.updateOne({ _id: data.workOrderId }, { $set: { route: data.route } });
    });
  };

  const assigned = async ({ event }: ConsumedEvent) => {
    const { data } = event as KnownEvent<'work-order.assigned@1'>;
    await once(workOrdersConsumer, event, async () => {
      await upsertWorkOrder(data.workOrderId, data.requestId, { engineerId: data.engineerId }, new Date(data.assignedAt));
      // A work order's events arrive in order on its partition, one at a time: read, check and write by `_id`
      // (a filter of more than `_id` reads every work order on FerretDB v1).
      const stored = await store.workOrders.findOne({ _id: data.workOrderId }, { projection: { status: 1 } });
      if (stored?.status === 'created') await store.workOrders.updateOne({ _id: data.workOrderId }, { $set: { status: 'assigned' } });
    });
  };

  const cancelled = async ({ event }: ConsumedEvent) => {
    const { data } = event as KnownEvent<'work-order.cancelled@1'>;
    await once(workOrdersConsumer, event, async () => {
      await upsertWorkOrder(data.workOrderId, data.requestId, { status: 'cancelled' }, new Date(data.cancelledAt));
      for (const reservation of await book.openFor(data.workOrderId)) await book.release(reservation._id, 'cancelled', causeOf(event), reservation);
    });
  };

  const completed = async ({ event }: ConsumedEvent) => {
    const { data } = event as KnownEvent<'work-order.completed@1'>;
    await once(workOrdersConsumer, event, async () => {
      const completion: WorkOrderDoc['completion'] = {
        eventId: event.id,
        effortMinutes: data.effortMinutes,
        travelMinutes: data.travelMinutes ?? null,
        cause: data.cause,
        failureMode: data.failureMode ?? null,
        failureDecision: data.failureDecision ? { ...data.failureDecision, decidedAt: new Date(data.failureDecision.decidedAt) } : null,
        partsUsed: data.partsUsed.map((p) => ({ partNumber: p.partNumber, quantity: p.quantity, removedSerial: p.removedSerial ?? null })),
        finishedAt: new Date(data.finishedAt),
      };
      // Listed under its case before the report is stored: the case's failure decision reads it by `_id`.
      await lists.add('reported-work-orders', data.requestId, [data.workOrderId]);
      // The first report is the one written off; a second is kept only as a red flag (see consume).
      const before = await store.workOrders.findOne({ _id: data.workOrderId }, { projection: { completion: 1 } });
      if (before && !before.completion) await store.workOrders.updateOne({ _id: data.workOrderId }, { $set: { completion } });
      await upsertWorkOrder(data.workOrderId, data.requestId, { status: 'completed', ...(data.engineerId ? { engineerId: data.engineerId } : {}) }, new Date(data.finishedAt));
      const workOrder = await store.workOrders.findOne({ _id: data.workOrderId });
      const caseDoc = await store.cases.findOne({ _id: data.requestId });
      if (!workOrder) return;
      const reported = { ...workOrder, completion: { ...workOrder.completion!, partsUsed: completion.partsUsed } };
      await flow.consume(reported, caseDoc?.serialNumber ?? 'unknown', event.id, causeOf(event));
      if (caseDoc && workOrder.completion?.eventId === event.id) await flow.openReturns(workOrder, caseDoc);
      // The case closed before this report arrived: charge it now.
      await flow.reportBooked(data.requestId, data.workOrderId);
    });
  };

  return [
    { group: casesConsumer, topics: [topics.serviceRequests], handlers: { 'service-request.registered@1': registered, 'service-request.dispatch-requested@1': dispatchRequested, 'service-request.closed@1': closed } },
    {
      group: workOrdersConsumer,
      topics: [topics.workOrders],
      handlers: { 'work-order.created@1': created, 'work-order.assigned@1': assigned, 'work-order.cancelled@1': cancelled, 'work-order.completed@1': completed },
    },
  ];
}
