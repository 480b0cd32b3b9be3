import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildEvent, type KnownEvent } from '@aftersales/contracts';
import { groupByCase } from './batch';
import { stockMonthKey, stockMonthsBetween, valuationFrom, valuationsByMonth, withValuations, type StockValuation } from './stock-valuations';

function valued(locationId: string, valuedAt: string, valueCents: number, consumedBy: { requestId: string; partNumber: string; quantity: number }[] = []): KnownEvent<'stock.valued@1'> {
  const day = valuedAt.slice(0, 10);
  const consumedCostCents = consumedBy.reduce((s, c) => s + c.quantity * 100, 0);
  return buildEvent(
    'stock.valued@1',
    {
      valuationId: `SV-${day}-${locationId}`, locationId, day, valuedAt, previousValuedAt: null, currency: 'CNY', valueCents, consumedCostCents,
      lines: [{ partNumber: 'P-1', onHand: valueCents / 100, inTransit: 0, unitCostCents: 100, valueCents, consumedUnits: consumedCostCents / 100, consumedCostCents }],
      consumedBy: consumedBy.map((c) => ({ ...c, workOrderId: `WO-${c.requestId}` })),
    },
    { id: `stock.valued:SV-${day}-${locationId}`, occurredAt: new Date(valuedAt), source: 'spares', subject: locationId, correlationId: 'c', causationId: null },
  ) as KnownEvent<'stock.valued@1'>;
}

describe('stock valuations in the read model', () => {
  it('keeps what turnover needs, with the requests behind the consumption once each', () => {
    const event = valued('VAN-1', '2026-11-30T00:05:00.000Z', 4_200, [{ requestId: 'SR-2', partNumber: 'P-1', quantity: 1 }, { requestId: 'SR-1', partNumber: 'P-1', quantity: 2 }, { requestId: 'SR-2', partNumber: 'P-2', quantity: 1 }]);
    expect(valuationFrom(event)).toEqual({
      valuationId: 'SV-2026-11-30-VAN-1', locationId: 'VAN-1', valuedAt: '2026-11-30T00:05:00.000Z', previousValuedAt: null, currency: 'CNY', valueCents: 4_200, consumedCostCents: 400, caseIds: ['SR-1', 'SR-2'],
    });
    expect(() => valuationFrom({ ...event, data: { ...event.data, valueCents: -1 } })).toThrow(/does not match its contract/);
  });

  it('files valuations under the month of their instant, and a batch sets them apart from the cases', () => {
    const nov = valued('VAN-1', '2026-11-30T23:59:00.000Z', 100);
    const dec = valued('VAN-1', '2026-12-01T00:05:00.000Z', 100);
    expect([...valuationsByMonth([dec, nov]).keys()]).toEqual(['stock:2026-11', 'stock:2026-12']);
    expect(stockMonthKey('2026-12-01T00:05:00.000Z')).toBe('stock:2026-12');
    expect(stockMonthsBetween('2026-11-15T00:00:00.000Z', '2027-01-02T00:00:00.000Z')).toEqual(['stock:2026-11', 'stock:2026-12', 'stock:2027-01']);
    const grouped = groupByCase([nov, dec]);
    expect([grouped.byCase.size, grouped.machines.length, grouped.stock.map((e) => e.id)]).toEqual([0, 0, [nov.id, dec.id]]);
  });

  it('stores each valuation once whatever the order and the redeliveries (property)', () => {
    const events = ['VAN-1', 'VAN-2', 'CENTRAL'].flatMap((l, i) => [1, 2, 3].map((d) => valued(l, `2026-11-0${d}T00:05:00.000Z`, 100 * (i + d))));
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...events), { minLength: 1, maxLength: 30 }), (batch) => {
        const folded = (order: KnownEvent<'stock.valued@1'>[]) => {
          let month: Record<string, StockValuation> = {};
          for (const e of order) month = withValuations(month, [...valuationsByMonth([e]).values()].flat());
          return month;
        };
        const forwards = folded(batch);
        expect(folded([...batch].reverse())).toEqual(forwards);
        expect(Object.keys(forwards).sort()).toEqual([...new Set(batch.map((e) => e.data.valuationId))].sort());
      }),
    );
  });
});
