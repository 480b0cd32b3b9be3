import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { topics } from '@aftersales/contracts';
import type { EscalationStep, SlaPolicy, TierTargets } from '@aftersales/sla';
import { acknowledgementChainId, getAcknowledgementStateQuery, serviceRequestTaskQueue, type ServiceRequestInput, type serviceRequest } from '@aftersales/workflows';
import { readTopic, useFactPublisher } from './support/kafka';
import { withMongo } from './support/mongo';
import { api, tokenFor } from './support/services';
import { withTemporal } from './support/temporal';
import { useTestBed } from './support/testbed';
import { eventually } from './support/wait';

const second = 1_000;
/** Seconds instead of hours: warning at 4 s, breach at 8 s, the supervisor step at once. */
const quickTargets: TierTargets = { firstResponseMs: 8 * second, onSite: { kind: 'duration', defaultMs: 600 * second }, resolutionMs: 900 * second };
const quickLadder: EscalationStep[] = [{ action: 'notify-supervisor', afterBreachMs: 0 }];
const quickPolicy: SlaPolicy = {
  id: 'test-quick-notify',
  name: 'Seconds-long targets for the notifications test',
  warnAtRatio: 0.5,
  provisionalTier: 'P1',
  tiers: { P1: quickTargets, P2: quickTargets, P3: quickTargets, P4: quickTargets },
  escalation: { P1: quickLadder, P2: quickLadder, P3: quickLadder, P4: quickLadder },
};

interface Notice { id: string; kind: string; title: string; body: string; subject: string; readAt: string | null; acknowledgedAt: string | null; acknowledgedBy: string | null; acknowledgedVia?: string; eventId: string; because: string; urgent: boolean; chainId: string | null }
interface MailMessage { ID: string; Subject: string; To: { Address: string }[]; MessageID: string }

/**
 * A P1 nobody answers on the real stack: intake's workflow breaches on the dev server's timers,
 * its facts reach the notifications service through Kafka, which resolves the supervisor on duty
 * for the request's region and tells them in their inbox and by e-mail through Mailpit (read back
 * through Mailpit's REST API). Acknowledgement is recorded; a re-delivered fact tells nobody twice.
 */
describe('notifications: escalations reach the person on duty', () => {
  const { smtpUrl } = inject('stack');
  const bed = useTestBed('notify', {
    intake: { PROCESS_ROLE: 'all' },
    notifications: { NOTIFY_MAIL_POLL_MS: '300', NOTIFY_PUBLIC_URL: 'https://notify.e2e.example', ...(smtpUrl ? { SMTP_URL: smtpUrl } : {}) },
  });
  const tag = randomUUID().slice(0, 8);
  const supervisor = `SUP-${tag}`;
  const standIn = `STB-${tag}`;
  const manager = `MGR-${tag}`;
  const email = `sup-${tag}@e2e.example.com`;
  const standInEmail = `stb-${tag}@e2e.example.com`;
  const requestId = `SR-N-${tag}`;
  const facts = useFactPublisher(bed);
  const publish = facts.publish;
  let mailApi: string;

  beforeAll(async () => {
    if (!bed.stack.mailApiUrl || !bed.stack.smtpUrl) throw new Error('no Mailpit in .stack/run/stack.json: run node infra/stack.mjs up');
    mailApi = bed.stack.mailApiUrl;
  });

  const notifications = () => bed.service('notifications');
  async function inbox(token: string, person = supervisor): Promise<Notice[]> {
    const res = await api(notifications(), 'GET', `/v1/people/${person}/notices`, { token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.items as Notice[];
  }
  async function mails(to = email): Promise<MailMessage[]> {
    const res = await fetch(`${mailApi}/search?query=${encodeURIComponent(`to:${to}`)}&limit=200`);
    expect(res.status).toBe(200);
    return ((await res.json()) as { messages: MailMessage[] }).messages;
  }

  it('a P1 breach reaches the named supervisor by inbox and e-mail; acknowledgement stops its chain, an unacknowledged step goes to the stand-in; re-delivery tells nobody twice', async () => {
    const managerToken = bed.token('manager');
    const supervisorToken = await tokenFor('dispatcher', supervisor);

    // The directory, through the API: a supervisor for Shanghai in Chinese, a stand-in; bad input named.
    const bad = await api(notifications(), 'PUT', `/v1/people/${supervisor}`, { token: managerToken, body: { name: 'x', email, timeZone: 'Mars/Olympus', language: 'zh-CN' } });
    expect([bad.status, bad.body.error?.field]).toEqual([400, 'timeZone']);
    const people = [[manager, 'Manager', 'en', `mgr-${tag}@e2e.example.com`, null], [standIn, 'Stand-in', 'en', standInEmail, manager], [supervisor, '王芳', 'zh-CN', email, manager]] as const;
    for (const [id, name, language, mail, boss] of people) {
      const put = await api(notifications(), 'PUT', `/v1/people/${id}`, { token: managerToken, body: { name, roles: ['supervisor'], email: mail, timeZone: 'Asia/Shanghai', language, regions: ['Shanghai'], manager: boss } });
      expect(put.status, JSON.stringify(put.body)).toBe(200);
    }
    const unknownOnShift = await api(notifications(), 'PUT', '/v1/rosters/sup-sh', { token: managerToken, body: { role: 'supervisor', region: 'Shanghai', shifts: [{ personId: `NOBODY-${tag}` }] } });
    expect([unknownOnShift.status, unknownOnShift.body.error?.field]).toEqual([422, 'shifts.0.personId']);
    // 30 s to acknowledge an urgent notice before it goes to the stand-in, then the manager.
    const roster = await api(notifications(), 'PUT', '/v1/rosters/sup-sh', { token: managerToken, body: { role: 'supervisor', region: 'Shanghai', shifts: [{ personId: supervisor }], standIn, acknowledgeWithinMinutes: 0.5 } });
    expect(roster.status, JSON.stringify(roster.body)).toBe(200);
    const duty = await api(notifications(), 'GET', '/v1/duty?role=supervisor&region=Shanghai', { token: managerToken });
    expect(duty.body.holders).toEqual([{ personId: supervisor, because: 'on-duty', rosterId: 'sup-sh', name: '王芳' }]);

    // The request's workflow with seconds-long clocks, then its registration in Shanghai (its region;
    // intake's own start from that event finds the workflow running and leaves it).
    const registeredAt = new Date();
    await withTemporal(bed.stack, async (client) => {
      const input: ServiceRequestInput = {
        requestId, customerId: 'CUST-N', serialNumber: `SN-${tag}`, channel: 'phone', registeredAt: registeredAt.toISOString(), correlationId: requestId,
        sla: { policy: quickPolicy, calendar: { kind: '24x7' }, responseMode: 'remote', locationClass: null },
      };
      await client.workflow.start<typeof serviceRequest>('serviceRequest', { workflowId: requestId, taskQueue: `${bed.ns}-${serviceRequestTaskQueue}`, args: [input] });
      bed.started.push(requestId);
    });

    await publish('service-request.registered@1', requestId, {
      requestId, customerId: 'CUST-N', contact: { name: 'N' }, channel: 'phone', serialNumber: `SN-${tag}`, symptom: 'no beam', raisedAt: new Date().toISOString(),
      neededBy: new Date(Date.now() + 86_400_000).toISOString(), machine: { model: 'FL-3015', productLine: 'fiber-laser-cutting' }, site: { city: 'Shanghai', lat: 31.03, lon: 121.22 },
    });
    // Warning, breach and the supervisor step: each in the supervisor's inbox, in Chinese, with the link.
    const told = await eventually('warning, breach and escalation in the inbox', async () => {
      const items = await inbox(supervisorToken);
      return items.length >= 3 ? items : undefined;
    }, { timeoutMs: 90_000, intervalMs: 500 });
    expect(told.map((n) => n.kind).sort()).toEqual(['sla-breached', 'sla-escalation', 'sla-warning']);
    const breach = told.find((n) => n.kind === 'sla-breached')!;
    expect(breach.title).toBe(`【P1】SLA 已超时：${requestId} 的首次响应`);
    expect(breach.body).toContain(`/v1/service-requests/${requestId}`);
    expect((await api(notifications(), 'GET', `/v1/people/${supervisor}/notices/unread-count`, { token: supervisorToken })).body.unread).toBe(3);

    // The same three in Mailpit, one e-mail each, addressed to the supervisor.
    const sent = await eventually('three e-mails in Mailpit', async () => {
      const found = await mails();
      return found.length >= 3 ? found : undefined;
    }, { timeoutMs: 30_000, intervalMs: 500 });
    expect(sent.map((m) => m.Subject).sort()).toEqual(told.map((n) => n.title).sort());
    const message = await (await fetch(`${mailApi}/message/${sent.find((m) => m.Subject === breach.title)!.ID}`)).json() as { Text: string };
    expect(message.Text).toContain(`查看：`);
    expect(message.Text).toContain(`/v1/service-requests/${requestId}`);

    // Someone else may not acknowledge it; the supervisor does, once.
    const stranger = await api(notifications(), 'POST', `/v1/notices/${breach.id}/acknowledgement`, { token: await tokenFor('dispatcher', standIn) });
    expect([stranger.status, stranger.body.error?.field]).toEqual([403, 'personId']);
    const ack = await api(notifications(), 'POST', `/v1/notices/${breach.id}/acknowledgement`, { token: supervisorToken });
    expect(ack.status, JSON.stringify(ack.body)).toBe(200);
    expect(ack.body).toMatchObject({ acknowledgedBy: supervisor });
    expect(ack.body.acknowledgedAt).toEqual(ack.body.readAt);
    expect((await api(notifications(), 'GET', `/v1/people/${supervisor}/notices/unread-count`, { token: supervisorToken })).body.unread).toBe(2);

    // The evidence: every notice, both channels, the e-mail sent, the acknowledgement.
    const evidence = await api(notifications(), 'GET', `/v1/notifications/deliveries?subject=${requestId}`, { token: bed.token('auditor') });
    expect(evidence.status).toBe(200);
    const items = evidence.body.items as (Notice & { personId: string; deliveries: { channel: string; status: string; address: string | null; attempts: unknown[] }[] })[];
    expect(items).toHaveLength(3);
    for (const item of items) {
      expect(item.personId).toBe(supervisor);
      expect(item.deliveries.map((d) => [d.channel, d.status])).toEqual([['email', 'sent'], ['inbox', 'delivered']]);
      expect(item.deliveries[0]!.address).toBe(email);
    }
    expect(items.find((i) => i.id === breach.id)).toMatchObject({ acknowledgedBy: supervisor });

    // The escalation step nobody acknowledges: after the roster's 30 s it goes to the stand-in (in
    // English, saying who did not acknowledge), whose acknowledgement ends the chain before the manager.
    const escalation = told.find((n) => n.kind === 'sla-escalation')!;
    expect([escalation.urgent, escalation.chainId]).toEqual([true, escalation.id]);
    const standInToken = await tokenFor('dispatcher', standIn);
    const passed = await eventually('the escalation passed on to the stand-in', async () => (await inbox(standInToken, standIn)).find((n) => n.chainId === escalation.id), { timeoutMs: 90_000, intervalMs: 1000 });
    expect(passed).toMatchObject({ kind: 'sla-escalation', because: 'passed-on', subject: requestId });
    expect(passed.body).toContain('Passed on to you: 王芳 did not acknowledge this within 0.5 min.');
    const [standInMail] = await eventually('the stand-in e-mailed', async () => {
      const found = await mails(standInEmail);
      return found.length === 1 ? found : undefined;
    }, { timeoutMs: 30_000, intervalMs: 500 });
    // The stand-in acknowledges from the e-mail, without logging in: the link opens the notice
    // (opening changes nothing: mail scanners open links too), its button acknowledges.
    const standInText = ((await (await fetch(`${mailApi}/message/${standInMail!.ID}`)).json()) as { Text: string }).Text;
    const link = /Acknowledge it \(no login needed\): (https:\/\/notify\.e2e\.example(\/v1\/acknowledgements\/\S+))/.exec(standInText);
    expect(link, standInText).not.toBeNull();
    const linkPath = link![2]!;
    const opened = await fetch(`${notifications().url}${linkPath}`);
    expect([opened.status, opened.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
    expect(await opened.text()).toContain('<button type="submit">Acknowledge</button>');
    expect((await inbox(standInToken, standIn)).find((n) => n.id === passed.id)?.acknowledgedAt).toBeNull();
    const forged = await fetch(`${notifications().url}${linkPath.slice(0, -3)}abc`, { method: 'POST' });
    expect(forged.status).toBe(404);
    const pressed = await fetch(`${notifications().url}${linkPath}`, { method: 'POST' });
    expect(pressed.status).toBe(200);
    expect(await pressed.text()).toContain('Acknowledged: ' + standIn);
    expect((await inbox(standInToken, standIn)).find((n) => n.id === passed.id)).toMatchObject({ acknowledgedBy: standIn, acknowledgedVia: 'email-link' });
    await withTemporal(bed.stack, async (client) => {
      for (const n of told.filter((x) => x.urgent)) bed.started.push(acknowledgementChainId(n.id));
      const chain = await eventually('the escalation chain acknowledged', async () => {
        const state = await client.workflow.getHandle(acknowledgementChainId(escalation.id)).query(getAcknowledgementStateQuery);
        return state.status === 'acknowledged' ? state : undefined;
      });
      expect(chain.acknowledged).toMatchObject({ noticeId: passed.id, by: standIn });
      expect(chain.passedOn.map((p) => [p.from, p.to])).toEqual([[supervisor, standIn]]);
      const breachChain = await client.workflow.getHandle(acknowledgementChainId(breach.id)).query(getAcknowledgementStateQuery);
      expect([breachChain.status, breachChain.acknowledged?.by, breachChain.passedOn]).toEqual(['acknowledged', supervisor, []]);
    });

    // Re-delivery: the breach event itself published again, then a fresh fact on the same request
    // (same partition, so once it is told the re-delivered one has been consumed before it).
    const onTopic = await readTopic(bed.stack.kafkaBrokers, `${bed.ns}.${topics.serviceRequests}`, { atLeast: 4 });
    const breachMessage = onTopic.find((m) => (JSON.parse(m.value) as { id: string }).id === breach.eventId);
    expect(breachMessage, 'the breach event on the topic').toBeDefined();
    await facts.producer.send({ topic: `${bed.ns}.${topics.serviceRequests}`, messages: [{ key: requestId, value: breachMessage!.value }] });
    await publish('service-request.escalated@1', requestId, { requestId, clock: 'first-response', action: 'notify-supervisor', step: 9, tier: 'P1', breachedAt: registeredAt.toISOString(), newTier: 'P1' });
    const after = await eventually('the fresh fact told', async () => {
      const list = await inbox(supervisorToken);
      return list.length >= 4 ? list : undefined;
    }, { timeoutMs: 60_000, intervalMs: 500 });
    await eventually('its e-mail sent', async () => ((await mails()).length >= 4 ? true : undefined), { timeoutMs: 30_000, intervalMs: 500 });
    expect(after).toHaveLength(4);
    expect(after.filter((n) => n.kind === 'sla-breached')).toHaveLength(1);
    const finalMails = await mails();
    expect(finalMails).toHaveLength(4);
    expect(finalMails.filter((m) => m.Subject === breach.title)).toHaveLength(1);
    // Chains that ended told nobody further: the manager's inbox is empty, the stand-in has only the one.
    expect(await inbox(managerToken, manager)).toEqual([]);
    expect((await inbox(standInToken, standIn)).map((n) => n.id)).toEqual([passed.id]);
    for (const n of after.filter((x) => x.urgent)) bed.started.push(acknowledgementChainId(n.id));

    // The request's history in intake (its own copy, from notifications' notice.told / notice.acknowledged
    // on Kafka; GET /v1/service-requests/{id} shows it as `notices`): who was told, why, and who acknowledged how.
    const history = await eventually('the request\u2019s notices in intake', async () => {
      const doc = await withMongo(bed.stack.mongoUrl, (client) => client.db(`${bed.ns}_intake`).collection<{ _id: string; notices: { noticeId: string; kind: string; personId: string; because: string; acknowledgedBy: string | null; via: string | null }[] }>('requestNotices').findOne({ _id: requestId }));
      const notices = doc?.notices ?? [];
      return notices.length >= 5 && notices.filter((n) => n.acknowledgedBy).length >= 2 ? notices : undefined;
    }, { timeoutMs: 30_000, intervalMs: 500 });
    expect(history.map((n) => `${n.kind} ${n.personId} ${n.because} ${n.acknowledgedBy ?? '-'} ${n.via ?? '-'}`).sort()).toEqual(
      [
        `sla-breached ${supervisor} on-duty ${supervisor} inbox`,
        `sla-escalation ${supervisor} on-duty - -`,
        `sla-escalation ${standIn} passed-on ${standIn} email-link`,
        `sla-escalation ${supervisor} on-duty - -`,
        `sla-warning ${supervisor} on-duty - -`,
      ].sort(),
    );
  });
});
