import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { topicOf } from '@aftersales/contracts';
import { useFactPublisher } from './support/kafka';
import { api } from './support/services';
import { useTestBed } from './support/testbed';
import { eventually } from './support/wait';

/** Well inside the process's own bound (28 s) and an orchestrator's usual 30 s grace. */
const exitBoundMs = 20_000;

/** A PUT whose body arrives in two parts: in flight from the moment its headers are read until `finish` sends the rest. */
function slowPut(url: string, path: string, token: string, body: unknown) {
  const payload = Buffer.from(JSON.stringify(body));
  let answered!: (answer: { status: number; body: Record<string, unknown> }) => void;
  let failed!: (error: Error) => void;
  const answer = new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
    answered = resolve;
    failed = reject;
  });
  const req = request(`${url}${path}`, {
    method: 'PUT',
    agent: false,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': String(payload.length) },
  }, (res) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => (text += chunk));
    res.on('end', () => answered({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} }));
  });
  req.on('error', failed);
  req.flushHeaders();
  req.write(payload.subarray(0, 10));
  return { answer, finish: () => req.end(payload.subarray(10)) };
}

/** Where a request that arrives after SIGTERM ends: refused at the socket, or answered 503. */
async function newRequest(url: string): Promise<string> {
  try {
    const response = await fetch(`${url}/v1/engineers`, { signal: AbortSignal.timeout(5_000) });
    return `answered ${response.status}`;
  } catch (error) {
    const code = ((error as Error).cause as { code?: string } | undefined)?.code;
    return `refused ${code ?? (error as Error).message}`;
  }
}

/**
 * SIGTERM drains a service (issue 18), on dispatch running as its own process: a request in flight
 * when the signal arrives is answered as usual, a new one is refused, the process exits 0 within
 * the bound, the events it applied before are committed (not applied again after the restart), and
 * an event published while it shut down is applied after the restart.
 */
describe('graceful shutdown', () => {
  const bed = useTestBed('graceful', { dispatch: {} });
  const facts = useFactPublisher(bed);
  const dispatch = () => bed.service('dispatch');
  const topic = () => `${bed.ns}.${topicOf('service-request.registered@1')}`;
  const group = () => `${bed.ns}-dispatch-service-requests`;

  function registered(requestId: string) {
    return facts.publish('service-request.registered@1', requestId, {
      requestId, customerId: 'CUST-T', contact: { name: 'T' }, channel: 'phone', serialNumber: `SN-${requestId}`, symptom: 'stops', raisedAt: new Date().toISOString(),
      neededBy: new Date(Date.now() + 86_400_000).toISOString(), machine: { model: 'M-1', productLine: 'pl-grace' }, site: { city: 'Shanghai', lat: 31.03, lon: 121.22 },
    });
  }

  async function onBoard(requestId: string): Promise<void> {
    await eventually(`${requestId} on the board`, async () => {
      const read = await api(dispatch(), 'GET', `/v1/service-requests/${requestId}`, { token: bed.token('dispatcher') });
      return read.status === 200 ? true : undefined;
    }, { timeoutMs: 60_000 });
  }

  /** How many registrations this process's board consumer applied (its own counter, from zero at start). */
  async function appliedSinceStart(): Promise<number> {
    const text = await (await fetch(`${dispatch().url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith('aftersales_events_applied_total{') && l.includes(`group="${group()}"`) && l.includes('type="service-request.registered@1"'));
    return line ? Number(line.split(' ').at(-1)) : 0;
  }

  it('finishes the request in flight, refuses new ones, commits what it applied, exits 0, and loses nothing published meanwhile', async () => {
    const before = Array.from({ length: 3 }, () => `SR-GRACE-${randomUUID().slice(0, 8)}`);
    for (const id of before) await registered(id);
    for (const id of before) await onBoard(id);
    await eventually('the three counted as applied', async () => ((await appliedSinceStart()) === 3 ? true : undefined));

    const admin = new Kafka({ brokers: bed.stack.kafkaBrokers.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const watermarks = await admin.fetchTopicOffsets(topic());

      const engineerId = `ENG-GRACE-${randomUUID().slice(0, 8)}`;
      const engineer = { name: 'Grace', skills: [{ productLine: 'pl-grace', skill: 'repair', level: 3 }], territories: ['Shanghai'], homeBase: { city: 'Shanghai', lat: 31.03, lon: 121.22 }, calendarId: '24x7' };
      const inFlight = slowPut(dispatch().url, `/v1/engineers/${engineerId}`, bed.token('dispatcher'), engineer);
      await sleep(500); // its headers are read: the request is in flight

      const exit = dispatch().terminate();
      await sleep(1_500);
      // Published while the process shuts down: its consumer has left (or leaves before taking it).
      const during = `SR-GRACE-LATE-${randomUUID().slice(0, 8)}`;
      await registered(during);
      expect(await newRequest(dispatch().url)).toMatch(/^refused|^answered 503$/);

      inFlight.finish();
      const answer = await inFlight.answer;
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(answer.body).toMatchObject({ id: engineerId, name: 'Grace' });

      const { code, signal, ms } = await exit;
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      expect(ms).toBeLessThan(exitBoundMs);
      console.info(`dispatch exited ${code} ${ms} ms after SIGTERM`);

      // Everything applied before the signal is committed: a restart starts after it.
      const committed = await admin.fetchOffsets({ groupId: group(), topics: [topic()] });
      const partitions = committed.find((t) => t.topic === topic())!.partitions;
      for (const { partition, high } of watermarks.filter((w) => Number(w.high) > 0)) {
        expect(Number(partitions.find((p) => p.partition === partition)?.offset), `partition ${partition}`).toBeGreaterThanOrEqual(Number(high));
      }

      await dispatch().start();
      await onBoard(during);
      for (const id of before) await onBoard(id);
      // Only the late event can have been applied by the new process, never the three before it again.
      expect(await appliedSinceStart()).toBeLessThanOrEqual(1);
      const stored = await api(dispatch(), 'GET', `/v1/engineers/${engineerId}`, { token: bed.token('dispatcher') });
      expect(stored.status).toBe(200);
      expect(stored.body).toMatchObject({ id: engineerId, name: 'Grace' });
    } finally {
      await admin.disconnect();
    }
  });
});
