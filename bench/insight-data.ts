/**
 * bench:insight's events: whole journeys of requests built from the contract samples
 * (packages/contracts/samples/<key>.full.json with the journey's own fields laid on them), each
 * event checked against its contract as it is made.
 */
import { readFileSync } from 'node:fs';
import { buildEvent, namespacedTopic, topicOf, type EventKey } from '@aftersales/contracts';

const dayMs = 86_400_000;

/** Deterministic pseudo-random numbers, so runs compare. */
let seed = 7;
function rnd(): number {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

const models = [
  { model: 'FL-3015', productLine: 'fiber-laser-cutting' },
  { model: 'FL-6020', productLine: 'fiber-laser-cutting' },
  { model: 'PB-100', productLine: 'press-brake' },
  { model: 'LS-6000', productLine: 'laser-source' },
];
const cities = ['Shanghai', 'Suzhou', 'Hangzhou', 'Nanjing', 'Wuxi', 'Ningbo'];
const causes = ['worn nozzle', 'dirty optics', 'loose cable', 'software fault', 'chiller leak'];

const samples = new Map<EventKey, Record<string, unknown>>();
/** The contract's full sample of `key` with `over` laid on it (a key set to undefined is left out). */
function sampleData(key: EventKey, over: Record<string, unknown>): Record<string, unknown> {
  let data = samples.get(key);
  if (!data) samples.set(key, (data = (JSON.parse(readFileSync(new URL(`../packages/contracts/samples/${key}.full.json`, import.meta.url), 'utf8')) as { data: Record<string, unknown> }).data));
  return Object.fromEntries(Object.entries({ ...data, ...over }).filter(([, v]) => v !== undefined));
}

export interface Produced {
  topic: string;
  key: string;
  value: string;
  at: number;
}

/** Journeys of whole requests until `count` events are made; the events in the order they happened. */
export function journeys(ns: string, count: number): { messages: Produced[]; cases: { requestId: string; events: number }[] } {
  const messages: Produced[] = [];
  const cases: { requestId: string; events: number }[] = [];
  const now = Date.now();
  const serials: { serial: string; model: (typeof models)[number] }[] = [];
  let seq = 0;
  const emit = (key: EventKey, subject: string, at: number, data: Record<string, unknown>) => {
    const event = buildEvent(key, sampleData(key, data) as never, { id: `${ns}-e${++seq}`, occurredAt: new Date(at), source: 'bench', subject, correlationId: subject, causationId: null });
    messages.push({ topic: namespacedTopic(ns, topicOf(key)), key: subject, value: JSON.stringify(event), at });
  };
  for (let n = 0; messages.length < count; n++) {
    const requestId = `SR-${ns}-${n}`;
    const before = messages.length;
    const registeredAt = now - Math.floor(rnd() * 365 * dayMs);
    const at = (minutes: number) => registeredAt + minutes * 60_000;
    const iso = (minutes: number) => new Date(at(minutes)).toISOString();
    // A machine of its own for one request in three; the others come back for one already known.
    if (serials.length === 0 || rnd() < 1 / 3) {
      const serial = { serial: `SN-${ns}-${serials.length}`, model: pick(models) };
      serials.push(serial);
      emit('machine.registered@1', serial.serial, at(-60), { serialNumber: serial.serial, customerId: `C-${serials.length % 500}`, ...serial.model, installedAt: iso(-60 * 24 * 400), registeredAt: iso(-60), dealerId: null });
    }
    const { serial, model } = pick(serials);
    const customerId = `C-${n % 500}`;
    const city = pick(cities);
    const tier = pick(['P1', 'P2', 'P2', 'P3']);
    const workOrderId = `WO-${ns}-${n}`;
    emit('service-request.registered@1', requestId, at(0), {
      requestId, customerId, contact: { name: 'Li Wei', phone: '+86 21 5555 0101' }, channel: pick(['phone', 'portal', 'email']), serialNumber: serial, symptom: 'no beam',
      raisedAt: iso(0), neededBy: iso(60 * 48), machine: model, site: { city, lat: 31.2, lon: 121.5 }, duplicateOf: undefined, complaint: undefined, alarm: undefined, entitlement: undefined,
    });
    const invalid = rnd() < 0.05;
    emit('service-request.screened@1', requestId, at(10), { requestId, outcome: invalid ? 'invalid' : 'valid', tier: invalid ? undefined : tier, duplicateOf: undefined });
    if (!invalid) {
      const open = now - registeredAt < 3 * dayMs;
      emit('service-request.dispatch-requested@1', requestId, at(11), { requestId, customerId, serialNumber: serial, tier, responseMode: 'on-site', onSiteDueAt: iso(60 * 24) });
      emit('work-order.created@1', workOrderId, at(12), { workOrderId, requestId, engineerId: null, tier, route: 'field-visit', onSiteDueAt: iso(60 * 24), createdAt: iso(12) });
      const engineerId = `E-${Math.floor(rnd() * 40)}`;
      emit('work-order.assigned@1', workOrderId, at(30), { workOrderId, requestId, engineerId, assignedAt: iso(30), plannedStart: iso(120), plannedEnd: iso(300), assignedBy: 'dispatcher-1' });
      if (!open) {
        const minutes = 120 + Math.floor(rnd() * 60 * 30);
        emit('work-order.arrived@1', workOrderId, at(minutes), { workOrderId, requestId, engineerId, arrivedAt: iso(minutes) });
        const usesParts = rnd() < 0.6;
        const partNumber = `P-${Math.floor(rnd() * 30)}`;
        if (usesParts) {
          emit('parts.reserved@1', `RS-${workOrderId}`, at(minutes - 60), { reservationId: `RS-${workOrderId}`, workOrderId, requestId, lines: [{ partNumber, quantity: 1, locationId: 'WH-SH' }], expiresAt: iso(minutes + 60 * 24), reservedAt: iso(minutes - 60) });
          emit('parts.consumed@1', workOrderId, at(minutes + 60), { workOrderId, requestId, machineSerial: serial, lines: [{ partNumber, quantity: 1, locationId: 'WH-SH' }], consumedAt: iso(minutes + 60) });
        }
        const firstTimeFix = rnd() < 0.8;
        const cause = pick(causes);
        emit('work-order.completed@1', workOrderId, at(minutes + 120), {
          workOrderId, requestId, engineerId, startedAt: iso(minutes + 5), finishedAt: iso(minutes + 120), effortMinutes: 115, travelMinutes: 40, cause, fix: 'replaced', workDone: 'replaced and tested',
          partsUsed: usesParts ? [{ partNumber, quantity: 1 }] : [], firstTimeFix, customerSignOff: { name: 'Li Wei', at: iso(minutes + 120) },
        });
        emit('service-request.closed@1', requestId, at(minutes + 240), {
          requestId, customerId, serialNumber: serial, tier, cause, fix: 'replaced', firstTimeFix, resolvedAt: iso(minutes + 120), acceptedAt: iso(minutes + 230), workOrderId, engineerId, slaMet: rnd() < 0.85,
        });
        emit('case-cost.allocated@1', requestId, at(minutes + 245), {
          requestId, revision: 1, allocatedAt: iso(minutes + 245), currency: 'CNY',
          lines: [{ lineId: 'L1', kind: usesParts ? 'part' : 'labour', costCentre: pick(['factory', 'sales-centre', 'customer']), amountCents: 10_000 + Math.floor(rnd() * 90_000), inWarranty: rnd() < 0.6, reason: 'allocated on closing' }],
        });
        if (rnd() < 0.5) emit('service-request.surveyed@1', requestId, at(minutes + 60 * 24 * 2), { requestId, customerId, score: 1 + Math.floor(rnd() * 5), comment: null, answeredAt: iso(minutes + 60 * 24 * 2) });
      }
    }
    const events = messages.slice(before).filter((m) => !m.topic.endsWith(topicOf('machine.registered@1'))).length;
    cases.push({ requestId, events });
  }
  // On the topics in the order they happened, as a year of the services would have put them there.
  messages.sort((a, b) => a.at - b.at);
  return { messages, cases };
}

