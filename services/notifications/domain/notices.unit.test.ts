import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deliveryId, isUrgent, noticeId, recipientsFor, render, retryDelaySeconds, tooOldToTell, type Call } from './notices';

const breach: Call = { kind: 'sla-breached', requestId: 'SR-20260310-AAAAAA', clock: 'first-response', tier: 'P1', dueAt: '2026-03-10T02:00:00Z' };
const link = 'http://127.0.0.1:8081/v1/service-requests/SR-20260310-AAAAAA';
const horizon: Call = { kind: 'calendar-horizon-short', calendarId: 'business-hours', knownThrough: '2026-12-31', neededThrough: '2027-03-02' };

describe('who a fact calls for', () => {
  it('SLA facts go to the supervisor, customer and tier steps to the service manager, an 8D level to the role it names', () => {
    expect(recipientsFor(breach)).toEqual(['supervisor']);
    expect(recipientsFor({ ...breach, kind: 'sla-warning' })).toEqual(['supervisor']);
    const step = { kind: 'sla-escalation', requestId: 'SR-1', clock: 'on-site', tier: 'P1', step: 3, newTier: 'P1', breachedAt: breach.dueAt } as const;
    expect(recipientsFor({ ...step, action: 'notify-supervisor' })).toEqual(['supervisor']);
    expect(recipientsFor({ ...step, action: 'tell-customer' })).toEqual(['service-manager']);
    expect(recipientsFor({ ...step, action: 'raise-tier' })).toEqual(['service-manager']);
    expect(recipientsFor({ kind: 'eight-d-escalated', eightDId: '8D-X-FM-1', discipline: 'D3', level: 2, to: 'quality-manager', dueAt: breach.dueAt })).toEqual(['quality-manager']);
    expect(recipientsFor({ kind: 'eight-d-opened', eightDId: '8D-X-FM-1', model: 'X', failureMode: 'FM', reason: 'r' })).toEqual(['quality-owner']);
    expect(recipientsFor(horizon)).toEqual(['calendar-owner']);
    expect(isUrgent(horizon)).toBe(false);
  });

  it('tasks go to the person the fact names: the engineer, the approver asked, the 8D owner; an overdue discipline tells its owner at the first level only', () => {
    expect(recipientsFor({ kind: 'work-assigned', requestId: 'SR-1', workOrderId: 'WO-1', engineerId: 'ENG-SH-01', plannedStart: null })).toEqual(['ENG-SH-01']);
    const asked: Call = { kind: 'requisition-approval', requestId: 'SR-1', requisitionId: 'REQ-1', requesterId: 'ENG-SH-01', approver: 'spares-manager', level: 1, deadlineAt: breach.dueAt, reasons: ['over budget'], lines: [{ partNumber: 'P-LENS', quantity: 4 }] };
    expect(recipientsFor(asked)).toEqual(['spares-manager']);
    const overdue = { kind: 'return-overdue', requestId: 'SR-1', returnId: 'RET-1', partNumber: 'P-LENS', engineerId: 'ENG-SH-01', dueAt: breach.dueAt, chase: 1, flagged: false } as const;
    expect(recipientsFor(overdue)).toEqual(['ENG-SH-01']);
    expect(recipientsFor({ ...overdue, flagged: true, engineerId: null })).toEqual(['spares-manager']);
    expect(recipientsFor({ kind: 'eight-d-assigned', eightDId: '8D-1', discipline: 'D3', owner: 'qe-li', dueAt: breach.dueAt })).toEqual(['qe-li']);
    const late = { kind: 'eight-d-escalated', eightDId: '8D-1', discipline: 'D3', level: 1, to: 'quality-engineering-lead', dueAt: breach.dueAt, owner: 'qe-li' } as const;
    expect(recipientsFor(late)).toEqual(['quality-engineering-lead', 'qe-li']);
    expect(recipientsFor({ ...late, level: 2, to: 'quality-manager' })).toEqual(['quality-manager']);
    expect(recipientsFor({ kind: 'eight-d-closed', eightDId: '8D-1', rootCause: 'soft alloy' })).toEqual(['quality-owner']);
    const quote: Call = { kind: 'quote-answer-due', requestId: 'SR-1', quoteId: 'Q-1', totalCents: 125_000, currency: 'CNY', validUntil: breach.dueAt };
    expect([recipientsFor(quote), isUrgent(quote)]).toEqual([['service-manager'], false]);
    expect(render(quote, 'en', 'Asia/Shanghai', link).body).toContain('1250.00 CNY, valid until 03/10/2026, 10:00 GMT+8');
    // Tasks are not escalations: the requisition's own chain moves it on, so nobody is asked to acknowledge.
    expect(isUrgent(asked)).toBe(false);
    expect(render(asked, 'en', 'Asia/Shanghai', link).body).toContain('escalation 1');
    expect(render(asked, 'zh-CN', 'Asia/Shanghai', link).title).toBe('领料单 REQ-1 待您审批');
  });

  it('a fact older than the limit when read tells nobody; one just inside does', () => {
    const now = new Date('2026-03-10T12:00:00Z');
    expect(tooOldToTell(new Date(now.getTime() - 72 * 3_600_000), now, 72)).toBe(false);
    expect(tooOldToTell(new Date(now.getTime() - 72 * 3_600_000 - 1), now, 72)).toBe(true);
  });

  it('a P1 breach and every escalation are urgent; a warning and a P3 breach are not', () => {
    expect(isUrgent(breach)).toBe(true);
    expect(isUrgent({ ...breach, tier: 'P3' })).toBe(false);
    expect(isUrgent({ ...breach, kind: 'sla-warning' })).toBe(false);
  });
});

describe('the words', () => {
  it('in Chinese for a zh-CN reader, with the due time in their zone and the link', () => {
    const r = render(breach, 'zh-CN', 'Asia/Shanghai', link);
    expect(r.title).toBe('【P1】SLA 已超时：SR-20260310-AAAAAA 的首次响应');
    expect(r.body).toContain('10:00'); // 02:00Z is 10:00 in Shanghai
    expect(r.body).toContain(`查看：${link}`);
    expect(r.body).toContain('请在收件箱中确认收到');
  });

  it('in English for an en reader in Berlin', () => {
    const r = render(breach, 'en', 'Europe/Berlin', link);
    expect(r.title).toBe('[P1] SLA breached: first response on SR-20260310-AAAAAA');
    expect(r.body).toContain('03:00'); // CET
    expect(r.body).toContain(`Open: ${link}`);
  });

  it('a calendar running out of known holidays tells its owner what to import, by when', () => {
    const r = render(horizon, 'en', 'Asia/Shanghai', 'http://127.0.0.1:8081/v1/calendars/business-hours');
    expect(r.title).toBe('Calendar business-hours: holidays are known only through 2026-12-31');
    expect(r.body).toContain('at least through 2027-03-02');
    expect(render(horizon, 'zh-CN', 'Asia/Shanghai', '').title).toBe('服务日历 business-hours 的节假日只维护到 2026-12-31');
  });

  it('an escalation that raised the tier says so', () => {
    const r = render({ kind: 'sla-escalation', requestId: 'SR-1', clock: 'resolution', tier: 'P2', action: 'raise-tier', step: 4, newTier: 'P1', breachedAt: breach.dueAt }, 'en', 'UTC', link);
    expect(r.title).toBe('[P2] Escalation step 4 on SR-1: raise the tier');
    expect(r.body).toContain('Tier raised to P1');
  });
});

describe('keys and retries', () => {
  it('a notice id is the same for the same event and person, and differs otherwise', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.uuid(), fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (e1, e2, p1, p2) => {
        expect(noticeId(e1, p1)).toBe(noticeId(e1, p1));
        if (e1 !== e2 || p1 !== p2) expect(noticeId(e1, p1)).not.toBe(noticeId(e2, p2));
        expect(noticeId(e1, p1)).toMatch(/^NTC-[0-9a-f]{24}$/);
      }),
    );
    expect(deliveryId('NTC-1', 'email')).toBe('NTC-1.email');
  });

  it('retry delays double from 2 s and never exceed five minutes', () => {
    expect([1, 2, 3, 4].map(retryDelaySeconds)).toEqual([2, 4, 8, 16]);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), (n) => {
        const d = retryDelaySeconds(n);
        expect(d).toBeGreaterThanOrEqual(2);
        expect(d).toBeLessThanOrEqual(300);
        expect(retryDelaySeconds(n + 1)).toBeGreaterThanOrEqual(d);
      }),
    );
  });
});
