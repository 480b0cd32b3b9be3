import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { EventEnvelope } from '@aftersales/contracts';
import { connectMongo } from '@aftersales/platform';
import { uniqueName } from '@aftersales/platform/testing';
import { shardKey } from '../domain/placement';
import { applyEvent, openGeneration, readBase, readCase, readRows, type Generation } from './read-model';

/**
 * Two consumer instances (own connections, own lock owners) applying one request's facts at once
 * on the real FerretDB, each fact delivered to both (a rebalance re-delivering everything): every
 * fact lands once in the case and its rows, and a machine is counted once.
 */
const stack = inject('stack');
const db = uniqueName('insight-read-model');
const connections: Connection[] = [];
const instances: Generation[] = [];
const base = Date.now() - 86_400_000;
const at = (minute: number) => new Date(base + minute * 60_000).toISOString();
const ev = (id: string, type: string, minute: number, data: Record<string, unknown>): EventEnvelope => ({ id, type, version: 1, source: 'test', occurredAt: at(minute), subject: 'SR-1', correlationId: 'SR-1', causationId: null, data });

beforeAll(async () => {
  for (let i = 0; i < 2; i++) {
    const conn = await connectMongo(stack.mongoUrl, db);
    connections.push(conn);
    instances.push(openGeneration(conn.db!, 1, () => new Date()));
  }
});
afterAll(async () => {
  await connections[0]?.db?.dropDatabase();
  await Promise.all(connections.map((c) => c.close()));
});

describe('the read model under two consumers', () => {
  it('applies each fact of a case once however the two instances interleave', async () => {
    const facts = [
      ev('r', 'service-request.registered', 0, { requestId: 'SR-1', customerId: 'C-1', contact: { name: 'n' }, channel: 'phone', serialNumber: 'SN-1', symptom: 's', raisedAt: at(0), neededBy: at(2000) }),
      ev('s', 'service-request.screened', 5, { requestId: 'SR-1', outcome: 'valid', tier: 'P2' }),
      ...Array.from({ length: 6 }, (_, i) => ev(`c${i}`, 'parts.consumed', 10 + i, { workOrderId: 'WO-1', requestId: 'SR-1', machineSerial: 'SN-1', lines: [{ partNumber: 'P-1', quantity: 1, locationId: 'W' }], consumedAt: at(10 + i) })),
      ev('a', 'work-order.assigned', 8, { workOrderId: 'WO-1', requestId: 'SR-1', engineerId: 'E-1', assignedAt: at(8), plannedStart: null }),
    ];
    await Promise.all(instances.flatMap((g) => facts.map((f) => applyEvent(g, f))));
    const stored = await readCase(instances[0]!, 'SR-1');
    expect(stored?.facts?.map((f) => f.id).sort()).toEqual(facts.map((f) => f.id).sort());
    expect(stored).toMatchObject({ partsConsumed: [{ partNumber: 'P-1', quantity: 6 }], firstAssignedAt: at(8), tier: 'P2', places: [`month:${at(0).slice(0, 7)}`, 'open'] });
    const [row] = await readRows(instances[1]!, [shardKey(`month:${at(0).slice(0, 7)}`, 'SR-1')]);
    expect(row).toMatchObject({ requestId: 'SR-1', partsConsumed: [{ partNumber: 'P-1', quantity: 6 }] });
    expect(row).not.toHaveProperty('facts');
  });

  it('counts a machine once when both instances apply its registration', async () => {
    const machine = (serial: string) => ({ ...ev(`m-${serial}`, 'machine.registered', 0, { serialNumber: serial, customerId: 'C-1', siteId: null, model: 'FL-3015', productLine: 'laser', installedAt: null, registeredAt: at(0), dealerId: null }), subject: serial });
    await Promise.all(instances.flatMap((g) => ['SN-A', 'SN-B', 'SN-C'].map((s) => applyEvent(g, machine(s)))));
    const counted = await readBase(instances[0]!);
    expect(Object.values(counted.models['FL-3015']?.byDay ?? {}).reduce((s, n) => s + n, 0)).toBe(3);
  });
});
