import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { useFactPublisher } from './support/kafka';
import { api } from './support/services';
import { useTestBed } from './support/testbed';
import { eventually } from './support/wait';

interface Notice { id: string; kind: string; title: string; body: string; subject: string; link: string; because: string; rosterId: string | null; urgent: boolean; eventId: string }
interface MailMessage { ID: string; Subject: string; To: { Address: string }[] }

const hour = 3_600_000;

/**
 * Tasks, not only escalations, reach a named person: the engineer given a work order or chased for
 * a defective part, the approver a requisition waits on, an 8D discipline's owner and the next level
 * when it is overdue, the quality owner when the report is ready. The facts go through Kafka to the
 * notifications service on the real stack, with the demo directory (SEED_DEMO_DATA); names that are
 * people are told directly, names that are duty roles through the rosters. A fact read long after
 * it happened (a stream read from its beginning) tells nobody.
 */
describe('notifications: tasks reach the person they name', () => {
  const { smtpUrl } = inject('stack');
  const bed = useTestBed('notify-tasks', {
    notifications: { SEED_DEMO_DATA: 'true', NOTIFY_MAIL_POLL_MS: '300', NOTIFY_REMINDER_POLL_MS: '500', ...(smtpUrl ? { SMTP_URL: smtpUrl } : {}) },
  });
  const tag = randomUUID().slice(0, 8);
  const requestId = `SR-T-${tag}`;
  const workOrderId = `WO-T-${tag}`;
  const eightDId = `8D-T-${tag}`;
  const { publish } = useFactPublisher(bed);

  const notifications = () => bed.service('notifications');
  async function inbox(person: string): Promise<Notice[]> {
    const res = await api(notifications(), 'GET', `/v1/people/${person}/notices`, { token: bed.token('manager') });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return (res.body.items as Notice[]).filter((n) => n.subject === requestId || n.subject === eightDId);
  }
  async function told(person: string, kinds: string[]): Promise<Notice[]> {
    return eventually(`${kinds.join(', ')} for ${person}`, async () => {
      const items = await inbox(person);
      return kinds.every((k) => items.some((n) => n.kind === k)) ? items : undefined;
    }, { timeoutMs: 60_000, intervalMs: 500 });
  }

  /** Reads a person's live inbox (server-sent events) in the background, as an open console does. */
  async function openStream(person: string) {
    const abort = new AbortController();
    const res = await fetch(`${notifications().url}/v1/people/${person}/notices/stream`, { headers: { authorization: `Bearer ${bed.token('manager')}` }, signal: abort.signal });
    expect([res.status, res.headers.get('content-type')]).toEqual([200, 'text/event-stream; charset=utf-8']);
    const events: { unread: number; added: Notice[] }[] = [];
    const reading = (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of res.body! as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = /^event: inbox\ndata: (.*)$/m.exec(block);
          if (data) events.push(JSON.parse(data[1]!) as { unread: number; added: Notice[] });
        }
      }
    })().catch(() => undefined);
    return { events, close: async () => (abort.abort(), await reading) };
  }

  it('the engineer, the approver, the spares manager, the 8D owner and the next level each get their task, by inbox and e-mail; a stale fact tells nobody', async () => {
    // The engineer's console is open before anything happens: its stream says when the work arrives.
    const live = await openStream('ENG-SH-01');
    await eventually('the stream\u2019s first event', async () => (live.events.length > 0 ? true : undefined), { timeoutMs: 10_000, intervalMs: 100 });
    const now = Date.now();
    await publish('service-request.registered@1', requestId, {
      requestId, customerId: 'CUST-T', contact: { name: 'T' }, channel: 'phone', serialNumber: `SN-${tag}`, symptom: 'no beam', raisedAt: new Date(now).toISOString(),
      neededBy: new Date(now + 24 * hour).toISOString(), machine: { model: 'FL-3015', productLine: 'fiber-laser-cutting' }, site: { city: 'Shanghai', lat: 31.03, lon: 121.22 },
    });
    const assignment = { workOrderId, requestId, engineerId: 'ENG-SH-01', plannedStart: new Date(now + 2 * hour).toISOString() };
    // Four days old when read: the notifications group reading dispatch's stream from its beginning must not page anyone.
    const staleId = await publish('work-order.assigned@1', workOrderId, { ...assignment, assignedAt: new Date(now - 96 * hour).toISOString() }, new Date(now - 96 * hour));
    await publish('work-order.assigned@1', workOrderId, { ...assignment, assignedAt: new Date(now).toISOString() });
    await publish('requisition.approval-requested@1', workOrderId, {
      requisitionId: `REQ-${tag}`, workOrderId, requestId, requesterId: 'ENG-SH-01', approver: 'spares-lead', level: 0, deadlineAt: new Date(now + 8 * hour).toISOString(),
      reasons: ['value 63000 cents over budget 50000'], lines: [{ partNumber: 'P-LENS-B', quantity: 3 }], askedAt: new Date(now).toISOString(),
    });
    await publish('defective-part.return-overdue@1', `RET-${tag}`, {
      returnId: `RET-${tag}`, partNumber: 'P-LENS-B', workOrderId, requestId, engineerId: 'ENG-SH-01', dueAt: new Date(now - 48 * hour).toISOString(), chase: 3, flagged: true, chasedAt: new Date(now).toISOString(),
    });
    await publish('eight-d.opened@1', eightDId, {
      eightDId, problem: { productLine: 'fiber-laser-cutting', model: 'FL-3015', failureMode: 'FM-T' }, rule: 'same-model-repeat', reason: 'three failures', linkedTo: null, failureRecordIds: [], openedAt: new Date(now).toISOString(),
    });
    await publish('eight-d.discipline-assigned@1', eightDId, { eightDId, discipline: 'D3', owner: 'qe-on-duty', dueAt: new Date(now + 24 * hour).toISOString(), assignedAt: new Date(now).toISOString() });
    await publish('eight-d.escalated@1', eightDId, { eightDId, discipline: 'D3', level: 1, to: 'quality-engineering-lead', dueAt: new Date(now - hour).toISOString(), escalatedAt: new Date(now).toISOString(), owner: 'qe-on-duty' });
    await publish('eight-d.closed@1', eightDId, { eightDId, problem: { productLine: 'fiber-laser-cutting', model: 'FL-3015', failureMode: 'FM-T' }, rootCause: 'soft alloy', closedAt: new Date(now).toISOString() });

    // The engineer, named by the fact: the work order (in Chinese, linked to dispatch) and the chase, and nothing for the stale assignment.
    const engineer = await told('ENG-SH-01', ['work-assigned', 'return-overdue']);
    expect(engineer.filter((n) => n.kind === 'work-assigned')).toHaveLength(1);
    expect(engineer.some((n) => n.eventId === staleId)).toBe(false);
    const work = engineer.find((n) => n.kind === 'work-assigned')!;
    expect(work).toMatchObject({ because: 'named', rosterId: null, urgent: false, title: `新工单：${workOrderId}（服务请求 ${requestId}）` });
    expect(work.link).toContain(`/v1/work-orders/${workOrderId}`);
    // Pushed to the open stream without asking again: the work order and the chase, with the unread count.
    const pushed = await eventually('both tasks pushed to the open stream', async () => {
      const added = live.events.flatMap((e) => e.added);
      return added.some((n) => n.kind === 'work-assigned') && added.some((n) => n.kind === 'return-overdue') ? added : undefined;
    }, { timeoutMs: 15_000, intervalMs: 200 });
    expect(pushed.filter((n) => n.subject === requestId).map((n) => n.kind).sort()).toEqual(['return-overdue', 'work-assigned']);
    expect(live.events.at(-1)!.unread).toBeGreaterThanOrEqual(2);
    await live.close();
    // The approver chain names a duty role: the spares lead on duty is told, with the reasons and the deadline.
    const [approval] = await told('P-SPARES-APP', ['requisition-approval']);
    expect(approval).toMatchObject({ because: 'on-duty', rosterId: 'spares-lead-all', title: `领料单 REQ-${tag} 待您审批` });
    expect(approval!.body).toContain('value 63000 cents over budget 50000');
    // Flagged: the spares manager hears of the part too.
    await told('P-SVC-MGR', ['return-overdue']);
    // 8D: the owner (a role here, the champion on duty) gets the discipline, then its overdue mark beside the lead; the quality owner the report.
    const owner = await told('P-QA-OWNER', ['eight-d-assigned', 'eight-d-escalated', 'eight-d-closed']);
    expect(owner.find((n) => n.kind === 'eight-d-assigned')!.title).toBe(`8D ${eightDId} 的 D3 由您负责`);
    const [lead] = await told('P-QE-LEAD', ['eight-d-escalated']);
    expect(lead).toMatchObject({ urgent: true, title: `8D ${eightDId}: D3 overdue (escalation level 1)` });

    // Every task went by e-mail too, once each, to the address in the directory.
    const mail = await eventually('the engineer\u2019s two e-mails in Mailpit', async () => {
      const res = await fetch(`${bed.stack.mailApiUrl}/search?query=${encodeURIComponent(`to:chen.hao@service.example.com ${tag}`)}&limit=50`);
      const found = ((await res.json()) as { messages: MailMessage[] }).messages;
      return found.length >= 2 ? found : undefined;
    }, { timeoutMs: 30_000, intervalMs: 500 });
    expect(mail.map((m) => m.Subject).sort()).toEqual(engineer.filter((n) => n.subject === requestId).map((n) => n.title).sort());

    // The request's evidence lists each task with whom it reached and why.
    const evidence = await api(notifications(), 'GET', `/v1/notifications/deliveries?subject=${requestId}`, { token: bed.token('auditor') });
    const rows = (evidence.body.items as (Notice & { personId: string; deliveries: { channel: string }[] })[]).map((n) => `${n.kind} ${n.personId} ${n.because}`).sort();
    expect(rows).toEqual(['requisition-approval P-SPARES-APP on-duty', 'return-overdue ENG-SH-01 named', 'return-overdue P-SVC-MGR on-duty', 'work-assigned ENG-SH-01 named']);
  });

  it('a quote the customer has not answered is chased halfway to its lapse, one answered in time is not; a discipline close to its due date reminds its owner', async () => {
    const issuedAt = new Date();
    // D4 opens with four seconds to go: its owner (the champion on duty) is reminded halfway.
    await publish('eight-d.discipline-assigned@1', eightDId, { eightDId, discipline: 'D4', owner: 'qe-on-duty', dueAt: new Date(issuedAt.getTime() + 4_000).toISOString(), assignedAt: issuedAt.toISOString() });
    const quote = (quoteId: string) => ({ quoteId, requestId, workOrderId, totalCents: 125_000, currency: 'CNY', validUntil: new Date(issuedAt.getTime() + 4_000).toISOString(), issuedAt: issuedAt.toISOString() });
    await publish('quote.issued@1', requestId, quote(`Q-OPEN-${tag}`));
    await publish('quote.issued@1', requestId, quote(`Q-ANSWERED-${tag}`));
    await publish('quote.accepted@1', requestId, { quoteId: `Q-ANSWERED-${tag}`, requestId, workOrderId, acceptedAt: new Date().toISOString(), by: 'CUST-T' });
    const [chase] = await eventually('the open quote chased', async () => {
      const items = (await inbox('P-SVC-MGR')).filter((n) => n.kind === 'quote-answer-due');
      return items.length > 0 ? items : undefined;
    }, { timeoutMs: 30_000, intervalMs: 500 });
    expect(chase!.title).toBe(`报价 Q-OPEN-${tag} 尚未得到客户答复（服务请求 ${requestId}）`);
    expect(chase!.body).toContain('1250.00 CNY');
    // Both were due at the same instant: by now the answered one would have been told too.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await inbox('P-SVC-MGR')).filter((n) => n.kind === 'quote-answer-due').map((n) => n.title.includes('Q-OPEN-'))).toEqual([true]);
    const dueSoon = await eventually('D4 due soon', async () => {
      const items = (await inbox('P-QA-OWNER')).filter((n) => n.kind === 'eight-d-due-soon');
      return items.length > 0 ? items : undefined;
    }, { timeoutMs: 15_000, intervalMs: 500 });
    expect(dueSoon.map((n) => n.title)).toEqual([`8D ${eightDId} 的 D4 即将到期`]);
  });
});
