import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEvent, topicOf, type EventKey } from '@aftersales/contracts';
import { api, freePort } from './support/services';
import { useTestBed } from './support/testbed';
import { eventually } from './support/wait';

interface Received { headers: IncomingHttpHeaders; body: string; answered: number }

/** A chat tool's endpoint on loopback that answers 500 while `failing` says so. */
async function receiver(failing: () => boolean): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const answered = failing() ? 500 : 200;
      received.push({ headers: req.headers, body, answered });
      res.writeHead(answered).end();
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}/hook`, received, server };
}

/** Checked here with node's HMAC, independently of the service's own code. */
const signatureHolds = (secret: string, r: Received) =>
  r.headers['x-aftersales-signature'] === `sha256=${createHmac('sha256', secret).update(`${String(r.headers['x-aftersales-timestamp'])}.${r.body}`).digest('hex')}`;

/**
 * Webhooks on the real stack: facts from Kafka POSTed to chat-tool endpoints, HMAC-signed; a
 * receiver that fails three times gets exactly one accepted delivery; one that never answers is
 * parked as dead after the attempts and delivered once by a replay; a re-delivered fact posts nothing.
 */
describe('notifications: webhooks', () => {
  const bed = useTestBed('notify-hooks', { notifications: { NOTIFY_MAIL_POLL_MS: '300', NOTIFY_WEBHOOK_MAX_ATTEMPTS: '4' } });
  const tag = randomUUID().slice(0, 8);
  const secretA = `secret-a-${tag}-0123456789`;
  const secretB = `secret-b-${tag}-0123456789`;
  let producer: Producer;
  let a: Awaited<ReturnType<typeof receiver>>;
  let b: Awaited<ReturnType<typeof receiver>>;
  let bDown = true;

  beforeAll(async () => {
    producer = new Kafka({ brokers: bed.stack.kafkaBrokers.split(','), logLevel: logLevel.NOTHING }).producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    let aCalls = 0;
    a = await receiver(() => ++aCalls <= 3);
    b = await receiver(() => bDown);
  });
  afterAll(async () => {
    await producer?.disconnect();
    a?.server.close();
    b?.server.close();
  });

  async function send(key: EventKey, subject: string, data: Record<string, unknown>, id: string = randomUUID()): Promise<string> {
    const event = buildEvent(key, data as never, { id, occurredAt: new Date(), source: 'test', subject, correlationId: subject, causationId: null });
    await producer.send({ topic: `${bed.ns}.${topicOf(key)}`, messages: [{ key: subject, value: JSON.stringify(event) }] });
    return event.id;
  }

  it('signed, retried to exactly one acceptance, parked after the attempts and replayed once', async () => {
    const svc = bed.service('notifications');
    const token = bed.token('platform');
    const bad = await api(svc, 'PUT', '/v1/webhooks/wecom', { token, body: { url: a.url, secret: 'short', kinds: ['sla-breached'] } });
    expect([bad.status, bad.body.error?.field]).toEqual([400, 'secret']);
    expect((await api(svc, 'PUT', '/v1/webhooks/wecom', { token, body: { url: a.url, secret: secretA, kinds: ['sla-breached'] } })).status).toBe(200);
    expect((await api(svc, 'PUT', '/v1/webhooks/feishu', { token, body: { url: b.url, secret: secretB } })).status).toBe(200);
    const listed = await api(svc, 'GET', '/v1/webhooks', { token });
    expect(JSON.stringify(listed.body)).not.toContain(secretA);

    const requestId = `SR-W-${tag}`;
    const dueAt = new Date().toISOString();
    await send('service-request.sla-warning@1', requestId, { requestId, clock: 'first-response', tier: 'P1', targetMs: 3_600_000, warnAt: dueAt, dueAt, elapsedMs: 2_700_000 });
    const breachId = await send('service-request.sla-breached@1', requestId, { requestId, clock: 'first-response', tier: 'P1', targetMs: 3_600_000, warnAt: dueAt, dueAt, elapsedMs: 3_600_000 });

    // wecom takes breaches only: three 500s, then accepted on the fourth attempt, each signed.
    await eventually('wecom accepted the breach', async () => (a.received.some((r) => r.answered === 200) ? true : undefined), { timeoutMs: 60_000, intervalMs: 300 });
    expect(a.received.map((r) => r.answered)).toEqual([500, 500, 500, 200]);
    for (const r of a.received) expect(signatureHolds(secretA, r), 'signature').toBe(true);
    expect(new Set(a.received.map((r) => r.body)).size).toBe(1);
    expect(JSON.parse(a.received[0]!.body)).toMatchObject({ eventId: breachId, kind: 'sla-breached', subject: requestId });
    const logA = await api(svc, 'GET', '/v1/webhooks/wecom/deliveries', { token });
    expect((logA.body.items as { status: string; attempts: { httpStatus: number }[] }[]).map((d) => [d.status, d.attempts.map((x) => x.httpStatus)])).toEqual([['delivered', [500, 500, 500, 200]]]);

    // feishu takes everything and never answers 2xx: both facts parked as dead after 4 attempts.
    const dead = await eventually('feishu parked both', async () => {
      const log = await api(svc, 'GET', '/v1/webhooks/feishu/deliveries?status=dead', { token });
      return (log.body.items as unknown[]).length === 2 ? (log.body.items as { id: string; attempts: unknown[]; kind: string }[]) : undefined;
    }, { timeoutMs: 60_000, intervalMs: 500 });
    expect(dead.map((d) => d.attempts.length)).toEqual([4, 4]);
    const before = b.received.length;
    expect(before).toBe(8);

    // Fixed, an operator replays the breach: delivered once; replaying it again is refused.
    bDown = false;
    const breachDelivery = dead.find((d) => d.kind === 'sla-breached')!;
    expect((await api(svc, 'POST', `/v1/webhook-deliveries/${breachDelivery.id}/replay`, { token })).status).toBe(202);
    await eventually('feishu accepted the replay', async () => (b.received.some((r) => r.answered === 200) ? true : undefined), { timeoutMs: 30_000, intervalMs: 300 });
    const again = await api(svc, 'POST', `/v1/webhook-deliveries/${breachDelivery.id}/replay`, { token });
    expect([again.status, again.body.error?.field]).toEqual([409, 'id']);
    expect(signatureHolds(secretB, b.received.at(-1)!)).toBe(true);

    // The breach published again, then a fresh fact: the fresh one arrives, the breach does not again.
    await send('service-request.sla-breached@1', requestId, { requestId, clock: 'first-response', tier: 'P1', targetMs: 3_600_000, warnAt: dueAt, dueAt, elapsedMs: 3_600_000 }, breachId);
    const freshId = await send('service-request.escalated@1', requestId, { requestId, clock: 'first-response', action: 'notify-supervisor', step: 1, tier: 'P1', breachedAt: dueAt, newTier: 'P1' });
    await eventually('feishu got the fresh fact', async () => (b.received.some((r) => JSON.parse(r.body).eventId === freshId) ? true : undefined), { timeoutMs: 30_000, intervalMs: 300 });
    const accepted = b.received.filter((r) => r.answered === 200).map((r) => JSON.parse(r.body).eventId as string);
    expect(accepted.sort()).toEqual([breachId, freshId].sort());
    expect(a.received.filter((r) => r.answered === 200)).toHaveLength(1);
  });
});
