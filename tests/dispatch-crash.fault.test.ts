import type { Db } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { registrationBody } from './support/demo';
import { readTopic } from './support/kafka';
import { withMongo } from './support/mongo';
import { api } from './support/services';
import { useTestBed } from './support/testbed';
import { eventually } from './support/wait';

interface WorkOrderView { id: string; status: string; engineerId: string | null; bookingId: string | null; plannedStart: string | null }

/**
 * An assignment is several writes (the booking, the round's unique key; its slot claims; the work
 * order's change; the engineer's calendar; the work order itself). Dispatch is made to kill itself
 * with SIGKILL right after one of them (DISPATCH_FAULT_KILL_AFTER, a fault-injection point off by
 * default); after a restart the dispatcher retries the same assignment and it must succeed with
 * exactly one booking, shown confirmed on the engineer's calendar, the work order assigned to it,
 * and one stored `assigned` change whose event reaches Kafka, never a 409 for ever.
 */
describe('dispatch killed in the middle of an assignment', () => {
  // Nothing auto-assigned: the dispatcher's POST is the assignment under test.
  const bed = useTestBed('dispatch-crash', { intake: { SEED_DEMO_DATA: 'true' }, dispatch: { SEED_DEMO_DATA: 'true', DISPATCH_AUTO_ASSIGN_TIERS: '' } });
  const intake = () => bed.service('intake');
  const dispatch = () => bed.service('dispatch');
  const dispatchDb = <T>(fn: (db: Db) => Promise<T>) => withMongo(bed.stack.mongoUrl, (client) => fn(client.db(`${bed.ns}_dispatch`)));

  /** A screened request's work order, proposed to the dispatcher. */
  async function proposedWorkOrder(): Promise<string> {
    const created = await api(intake(), 'POST', '/v1/service-requests', { token: bed.token('agent'), body: registrationBody() });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const requestId = created.body.id as string;
    bed.started.push(requestId);
    await eventually(`${requestId}'s workflow`, async () => {
      const read = await api(intake(), 'GET', `/v1/service-requests/${requestId}`, { token: bed.token('agent') });
      return (read.body.workflow as { available?: boolean } | null)?.available ? true : undefined;
    });
    const screened = await api(intake(), 'POST', `/v1/service-requests/${requestId}/screening`, { token: bed.token('agent'), body: { outcome: 'valid', faultCategory: 'optical', severity: 'critical' } });
    expect(screened.status, JSON.stringify(screened.body)).toBe(200);
    const wo = await eventually(`the work order of ${requestId}`, async () => {
      const list = await api(dispatch(), 'GET', `/v1/work-orders?requestId=${requestId}`, { token: bed.token('dispatcher') });
      return (list.body.items as WorkOrderView[] | undefined)?.find((w) => w.status === 'proposed');
    });
    return wo.id;
  }

  /** The best engineer with a slot (once the earlier tests booked the nearest, maybe after the due) and that slot's arrival. */
  async function engineerWithSlot(workOrderId: string): Promise<{ engineerId: string; start: string }> {
    const candidates = await api(dispatch(), 'GET', `/v1/work-orders/${workOrderId}/candidates`, { token: bed.token('dispatcher') });
    type Candidate = { engineerId: string; slot: { departAt: string; start: string } | null };
    const best = [...(candidates.body.ranked as Candidate[]), ...(candidates.body.ineligible as Candidate[])].find((c) => c.slot !== null);
    expect(best, JSON.stringify(candidates.body)).toBeDefined();
    // A slot that leaves within five minutes is in the past by the retry: ask for it five minutes later.
    // Any other slot as offered: moved later, one that ends at its working window's end falls outside it
    // (CI at 22:25 UTC got 08:30 to 11:59 in Shenzhen, moved to 12:04, and a 422).
    const { departAt, start } = best!.slot!;
    const soon = Date.parse(departAt) < Date.now() + 5 * 60_000;
    return { engineerId: best!.engineerId, start: soon ? new Date(Date.parse(start) + 5 * 60_000).toISOString() : start };
  }

  // The dispatcher names the arrival: a retry asks for the very slot its first attempt booked.
  const assign = (workOrderId: string, engineerId: string, start: string) => api(dispatch(), 'POST', `/v1/work-orders/${workOrderId}/assignment`, { token: bed.token('dispatcher'), body: { engineerId, start } });

  it.each(['booking-insert', 'work-order-change', 'calendar-write'] as const)('killed right after the %s: the retried assignment finishes with one booking, on the calendar, the work order assigned', async (point) => {
    const workOrderId = await proposedWorkOrder();
    const { engineerId, start } = await engineerWithSlot(workOrderId);

    await dispatch().stop();
    await dispatch().start({ DISPATCH_FAULT_KILL_AFTER: point });
    // The process dies inside the request: the connection drops without an answer.
    const killed = await assign(workOrderId, engineerId, start).then((r) => `answered ${r.status} ${JSON.stringify(r.body)}`, () => 'no answer');
    if (killed !== 'no answer') throw new Error(`the assignment ${killed}: the fault point was not reached`);
    await dispatch().kill(); // already dead; waits for its exit

    // What the crash left: the round is claimed by the booking; the work order is still proposed.
    const bookingId = `${workOrderId}:r1`;
    const left = await dispatchDb(async (db) => {
      const workOrder = await db.collection('workOrders').findOne({ _id: workOrderId as never });
      return {
        booking: await db.collection('bookings').findOne({ _id: bookingId as never }),
        workOrder,
        // The assignment's change, stored before the crash unless it came right after the booking insert.
        change: await db.collection('workOrderChanges').findOne({ _id: `${workOrderId}#${(workOrder?.version as number) + 1}` as never }),
      };
    });
    expect(left.booking).toMatchObject({ engineerId, workOrderId });
    expect(left.workOrder).toMatchObject({ status: 'proposed' });
    if (point === 'booking-insert') expect(left.change).toBeNull();
    else expect(left.change).toMatchObject({ snapshot: { status: 'assigned', bookingId } });

    await dispatch().start();
    const started = Date.now();
    // The dead process's calendar lock runs out its lease (15 s) before the retry can go in.
    const retried = await eventually(`the retried assignment of ${workOrderId}`, async () => {
      const r = await assign(workOrderId, engineerId, start);
      if (r.status !== 200) console.log(`retry after ${point}: ${r.status} ${JSON.stringify(r.body.error)}`);
      return r.status === 200 ? (r.body as unknown as WorkOrderView) : undefined;
    }, { timeoutMs: 60_000, intervalMs: 1_000 });
    console.log(`retry after ${point} succeeded in ${Date.now() - started} ms`);
    expect(retried).toMatchObject({ id: workOrderId, status: 'assigned', engineerId, bookingId });
    expect(new Date(retried.plannedStart!).toISOString()).toBe(new Date(start).toISOString());

    // Read back: assigned, one booking, one `assigned` change, every claim of the slot the booking's.
    const read = await api(dispatch(), 'GET', `/v1/work-orders/${workOrderId}`, { token: bed.token('dispatcher') });
    expect(read.body).toMatchObject({ status: 'assigned', engineerId, bookingId });
    const stored = await dispatchDb(async (db) => ({
      bookings: await db.collection('bookings').find({ workOrderId }).toArray(),
      assignedChanges: await db.collection('workOrderChanges').countDocuments({ workOrderId, 'snapshot.status': 'assigned' }),
      claims: await db.collection('slotClaims').find({ bookingId }).toArray(),
    }));
    expect(stored.bookings.map((b) => b._id)).toEqual([bookingId]);
    expect(stored.assignedChanges).toBe(1);
    expect(stored.claims.length).toBeGreaterThan(0);
    const booking = stored.bookings[0]!;
    for (const claim of stored.claims) expect(claim.slotStart.getTime() < booking.end.getTime() && claim.slotStart.getTime() + 15 * 60_000 > booking.departAt.getTime()).toBe(true);

    // The engineer's calendar shows it, confirmed, once.
    const from = new Date(booking.departAt.getTime() - 60_000).toISOString();
    const to = new Date(booking.end.getTime() + 60_000).toISOString();
    const schedule = await api(dispatch(), 'GET', `/v1/engineers/${engineerId}/schedule?from=${from}&to=${to}`, { token: bed.token('dispatcher') });
    expect(schedule.status, JSON.stringify(schedule.body)).toBe(200);
    const shown = (schedule.body.bookings as { bookingId?: string; id?: string; workOrderId: string; state: string }[]).filter((b) => b.workOrderId === workOrderId);
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatchObject({ state: 'confirmed' });

    // The assignment's event went out (a change stored before the crash is due once its retry settles it), once.
    const assignedEvents = await eventually(`${workOrderId}'s assigned event`, async () => {
      const all = (await readTopic(bed.stack.kafkaBrokers, `${bed.ns}.dispatch.work-orders.v1`)).map((m) => JSON.parse(m.value) as { id: string; type: string; subject: string });
      const found = all.filter((e) => e.subject === workOrderId && e.type === 'work-order.assigned');
      return found.length > 0 ? found : undefined;
    });
    expect(new Set(assignedEvents.map((e) => e.id)).size).toBe(1);

    // And it is the engineer's time now: the same slot for another work order is a clash.
    const other = await proposedWorkOrder();
    const clash = await assign(other, engineerId, start);
    expect(clash.status, JSON.stringify(clash.body)).toBe(409);
    expect(clash.body.error).toMatchObject({ field: 'start' });
  });
});
