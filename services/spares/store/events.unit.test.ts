import { describe, expect, it } from 'vitest';
import { validateEvent } from '@aftersales/contracts';
import { withEvent } from './events';

const ctx = { topic: (name: string) => `ns.${name}`, now: () => new Date('2026-06-01T08:00:00Z') };
const cause = { correlationId: 'SR-1', causationId: 'EV-0' };

/** Contract check of spares' publishing: every event it writes to an outbox is valid and on its namespaced topic. */
describe('spares events', () => {
  it('puts each event on its own stream, validated against its contract', () => {
    const reserved = withEvent(ctx, 'parts.reserved@1', 'WO-1', { reservationId: 'RES-1', workOrderId: 'WO-1', requestId: 'SR-1', lines: [{ partNumber: 'P', quantity: 1, locationId: 'VAN' }], expiresAt: '2026-06-04T08:00:00.000Z', reservedAt: '2026-06-01T08:00:00.000Z' }, cause);
    const returned = withEvent(
      ctx,
      'defective-part.returned@1',
      'RET-1',
      { returnId: 'RET-1', partNumber: 'P', partSerial: null, lot: 'L', supplierId: 'S', workOrderId: 'WO-1', requestId: 'SR-1', machineSerial: 'SN', model: null, productLine: null, failureMode: null, finding: 'supplier-defect', returnedAt: '2026-06-02T08:00:00.000Z', analysedAt: '2026-06-03T08:00:00.000Z' },
      cause,
    );
    expect(reserved.outbox.map((o) => o.topic)).toEqual(['ns.spares.reservations.v1']);
    expect(returned.outbox.map((o) => o.topic)).toEqual(['ns.spares.returns.v1']);
    for (const { event } of [...reserved.outbox, ...returned.outbox]) {
      expect(validateEvent(event)).toMatchObject({ ok: true });
      expect(event).toMatchObject({ source: 'spares', correlationId: 'SR-1', causationId: 'EV-0' });
    }
    expect(reserved.outboxDueAt).toEqual(ctx.now());
  });

  it('refuses to store an event its contract rejects', () => {
    expect(() =>
      withEvent(ctx, 'requisition.decided@1', 'WO-1', { requisitionId: 'REQ-1', workOrderId: 'WO-1', requestId: 'SR-1', decision: 'approved', lines: [{ partNumber: 'P', requested: 0, approved: 0 }], by: 'x', decidedAt: '2026-06-01T08:00:00.000Z' }, cause),
    ).toThrow(/requested/);
  });
});
