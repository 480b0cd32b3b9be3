import { createHash } from 'node:crypto';
import type { Language } from './duty';

/**
 * Which facts call for a person, whom (by duty role) and what they are told. Pure: the
 * consumer hands in the event's data, this answers the roles and the words in each language.
 */

export type NoticeKind =
  | 'sla-warning'
  | 'sla-breached'
  | 'sla-escalation'
  | 'work-assigned'
  | 'requisition-approval'
  | 'return-overdue'
  | 'quote-answer-due'
  | 'eight-d-opened'
  | 'eight-d-assigned'
  | 'eight-d-due-soon'
  | 'eight-d-escalated'
  | 'eight-d-closed'
  | 'calendar-horizon-short';

export type Call =
  | { kind: 'sla-warning' | 'sla-breached'; requestId: string; clock: string; tier: string; dueAt: string }
  | { kind: 'sla-escalation'; requestId: string; clock: string; tier: string; action: string; step: number; newTier: string; breachedAt: string }
  | { kind: 'work-assigned'; requestId: string; workOrderId: string; engineerId: string; plannedStart: string | null }
  | { kind: 'requisition-approval'; requestId: string; requisitionId: string; requesterId: string; approver: string; level: number; deadlineAt: string; reasons: string[]; lines: { partNumber: string; quantity: number }[] }
  | { kind: 'return-overdue'; requestId: string; returnId: string; partNumber: string; engineerId: string | null; dueAt: string; chase: number; flagged: boolean }
  | { kind: 'quote-answer-due'; requestId: string; quoteId: string; totalCents: number; currency: string; validUntil: string }
  | { kind: 'eight-d-opened'; eightDId: string; model: string; failureMode: string; reason: string }
  | { kind: 'eight-d-assigned' | 'eight-d-due-soon'; eightDId: string; discipline: string; owner: string; dueAt: string }
  | { kind: 'eight-d-escalated'; eightDId: string; discipline: string; level: number; to: string; dueAt: string; owner?: string | null }
  | { kind: 'eight-d-closed'; eightDId: string; rootCause: string }
  | { kind: 'calendar-horizon-short'; calendarId: string; knownThrough: string; neededThrough: string };

/** Duty roles an SLA escalation step goes to (data: a ladder's action names no person). */
export const escalationRoles: Record<string, string[]> = {
  'notify-supervisor': ['supervisor'],
  reassign: ['supervisor'],
  'tell-customer': ['service-manager'],
  'raise-tier': ['service-manager'],
};

/** Spares gets a person to chase when a part is long overdue (flagged), besides the engineer. */
export const returnFlaggedRole = 'spares-manager';

/**
 * Whom a call goes to: duty roles, or names the fact itself gives (an engineer, an approver, an 8D
 * owner), which are a person in the directory or else a duty role. An overdue discipline tells its
 * owner at the first level and the level's role every time.
 */
export function recipientsFor(call: Call): string[] {
  switch (call.kind) {
    case 'sla-warning':
    case 'sla-breached':
      return ['supervisor'];
    case 'sla-escalation':
      return escalationRoles[call.action] ?? ['supervisor'];
    case 'work-assigned':
      return [call.engineerId];
    case 'requisition-approval':
      return [call.approver];
    case 'quote-answer-due':
      return ['service-manager'];
    case 'return-overdue':
      return [...(call.engineerId ? [call.engineerId] : []), ...(call.flagged ? [returnFlaggedRole] : [])];
    case 'eight-d-opened':
    case 'eight-d-closed':
      return ['quality-owner'];
    case 'eight-d-assigned':
    case 'eight-d-due-soon':
      return [call.owner];
    case 'eight-d-escalated':
      return [...new Set([call.to, ...(call.level === 1 && call.owner ? [call.owner] : [])])];
    case 'calendar-horizon-short':
      return ['calendar-owner'];
  }
}

/** The request or 8D the notice is filed under (a requisition or a return belongs to its request). */
export const subjectOf = (call: Call): string => ('requestId' in call ? call.requestId : 'eightDId' in call ? call.eightDId : `calendar ${call.calendarId}`);

/** Urgent notices go out at once and wait for acknowledgement: P1 breaches and every escalation. */
export function isUrgent(call: Call): boolean {
  if (call.kind === 'sla-breached') return call.tier === 'P1' || call.tier === 'P2';
  return call.kind === 'sla-escalation' || call.kind === 'eight-d-escalated';
}

const clockNames: Record<Language, Record<string, string>> = {
  en: { 'first-response': 'first response', 'on-site': 'on site', resolution: 'resolution' },
  'zh-CN': { 'first-response': '首次响应', 'on-site': '到场', resolution: '解决' },
};
const actionNames: Record<Language, Record<string, string>> = {
  en: { 'notify-supervisor': 'supervisor notified', reassign: 're-assign the engineer', 'tell-customer': 'tell the customer', 'raise-tier': 'raise the tier' },
  'zh-CN': { 'notify-supervisor': '通知主管', reassign: '重新指派工程师', 'tell-customer': '告知客户', 'raise-tier': '提升优先级' },
};

/** An instant as the person reads it, in their zone and language. */
export function localTime(iso: string, timeZone: string, language: Language): string {
  const date = new Date(iso);
  const when = new Intl.DateTimeFormat(language, { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }).format(date);
  // The zone's short name after the time ('GMT+8', 'CET'); some locales would put it between date and time.
  const zone = new Intl.DateTimeFormat('en', { timeZone, timeZoneName: 'short' }).formatToParts(date).find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
  return `${when} ${zone}`;
}

export interface Rendered {
  title: string;
  body: string;
}

/** The notice's words in the person's language, with the link to the item. */
export function render(call: Call, language: Language, timeZone: string, link: string): Rendered {
  const zh = language === 'zh-CN';
  const at = (iso: string) => localTime(iso, timeZone, language);
  const clock = 'clock' in call ? (clockNames[language][call.clock] ?? call.clock) : '';
  let title: string;
  let lines: string[];
  switch (call.kind) {
    case 'sla-warning':
      title = zh ? `【${call.tier}】SLA 预警：${call.requestId} 的${clock}即将超时` : `[${call.tier}] SLA warning: ${clock} on ${call.requestId} is close to its due time`;
      lines = [zh ? `到期时间：${at(call.dueAt)}` : `Due: ${at(call.dueAt)}`];
      break;
    case 'sla-breached':
      title = zh ? `【${call.tier}】SLA 已超时：${call.requestId} 的${clock}` : `[${call.tier}] SLA breached: ${clock} on ${call.requestId}`;
      lines = [zh ? `到期时间：${at(call.dueAt)}` : `It was due ${at(call.dueAt)}`];
      break;
    case 'sla-escalation': {
      const action = actionNames[language][call.action] ?? call.action;
      title = zh ? `【${call.tier}】升级第 ${call.step} 步：${call.requestId}（${action}）` : `[${call.tier}] Escalation step ${call.step} on ${call.requestId}: ${action}`;
      lines = [zh ? `${clock}超时于 ${at(call.breachedAt)}` : `The ${clock} clock breached ${at(call.breachedAt)}`];
      if (call.newTier !== call.tier) lines.push(zh ? `优先级提升为 ${call.newTier}` : `Tier raised to ${call.newTier}`);
      break;
    }
    case 'work-assigned':
      title = zh ? `新工单：${call.workOrderId}（服务请求 ${call.requestId}）` : `Work order ${call.workOrderId} assigned to you (request ${call.requestId})`;
      lines = [call.plannedStart ? (zh ? `计划开始：${at(call.plannedStart)}` : `Planned start: ${at(call.plannedStart)}`) : zh ? '尚未排定开始时间' : 'No start planned yet'];
      break;
    case 'requisition-approval': {
      const parts = call.lines.map((l) => `${l.partNumber} × ${l.quantity}`).join(', ');
      title = zh ? `领料单 ${call.requisitionId} 待您审批` : `Requisition ${call.requisitionId} waits for your approval`;
      lines = [
        zh ? `申请人：${call.requesterId}；备件：${parts}` : `Requested by ${call.requesterId}: ${parts}`,
        zh ? `需审批原因：${call.reasons.join('；')}` : `Why it needs approval: ${call.reasons.join('; ')}`,
        zh ? `请在 ${at(call.deadlineAt)} 前审批，否则将转给下一位审批人。` : `Decide by ${at(call.deadlineAt)}; after that it moves to the next approver.`,
      ];
      if (call.level > 0) lines.unshift(zh ? `上一位审批人未在期限内处理（第 ${call.level} 次升级）。` : `The previous approver did not decide in time (escalation ${call.level}).`);
      break;
    }
    case 'return-overdue':
      title = zh ? `故障件 ${call.partNumber} 未按期返还（${call.returnId}）` : `Defective ${call.partNumber} not returned (${call.returnId})`;
      lines = [zh ? `应于 ${at(call.dueAt)} 前返还；第 ${call.chase} 次催还。` : `It was due back ${at(call.dueAt)}; reminder ${call.chase}.`];
      if (call.flagged) lines.push(zh ? '已超过期限，已记录为异常。' : 'Past the limit: it is now a red flag.');
      break;
    case 'quote-answer-due': {
      const amount = `${(call.totalCents / 100).toFixed(2)} ${call.currency}`;
      title = zh ? `报价 ${call.quoteId} 尚未得到客户答复（服务请求 ${call.requestId}）` : `Quote ${call.quoteId} not yet answered by the customer (request ${call.requestId})`;
      lines = [zh ? `金额 ${amount}，有效期至 ${at(call.validUntil)}；请跟进客户。` : `${amount}, valid until ${at(call.validUntil)}: follow up with the customer.`];
      break;
    }
    case 'eight-d-opened':
      title = zh ? `新 8D：${call.eightDId}（${call.model}，${call.failureMode}）` : `New 8D ${call.eightDId} (${call.model}, ${call.failureMode})`;
      lines = [call.reason];
      break;
    case 'eight-d-assigned':
      title = zh ? `8D ${call.eightDId} 的 ${call.discipline} 由您负责` : `8D ${call.eightDId}: ${call.discipline} is yours`;
      lines = [zh ? `完成期限：${at(call.dueAt)}` : `Due: ${at(call.dueAt)}`];
      break;
    case 'eight-d-due-soon':
      title = zh ? `8D ${call.eightDId} 的 ${call.discipline} 即将到期` : `8D ${call.eightDId}: ${call.discipline} is due soon`;
      lines = [zh ? `完成期限：${at(call.dueAt)}；逾期将逐级升级。` : `Due ${at(call.dueAt)}; past it, it escalates level by level.`];
      break;
    case 'eight-d-closed':
      title = zh ? `8D ${call.eightDId} 已关闭，客户报告已生成` : `8D ${call.eightDId} closed: the customer report is ready`;
      lines = [zh ? `根本原因：${call.rootCause}` : `Root cause: ${call.rootCause}`];
      break;
    case 'eight-d-escalated':
      title = zh ? `8D ${call.eightDId} 的 ${call.discipline} 已逾期（第 ${call.level} 级升级）` : `8D ${call.eightDId}: ${call.discipline} overdue (escalation level ${call.level})`;
      lines = [zh ? `原定完成时间：${at(call.dueAt)}` : `It was due ${at(call.dueAt)}`];
      break;
    case 'calendar-horizon-short':
      title = zh ? `服务日历 ${call.calendarId} 的节假日只维护到 ${call.knownThrough}` : `Calendar ${call.calendarId}: holidays are known only through ${call.knownThrough}`;
      lines = [
        zh
          ? `请在 ${call.knownThrough} 之前导入之后的节假日和调休安排（至少到 ${call.neededThrough}），否则 SLA 时钟会把节假日算作工作日。`
          : `Import the public holidays and make-up days after it (at least through ${call.neededThrough}) before ${call.knownThrough}; past it, SLA clocks count holidays as working days.`,
      ];
      break;
  }
  lines.push(zh ? `查看：${link}` : `Open: ${link}`);
  if (isUrgent(call)) lines.push(zh ? '请在收件箱中确认收到。' : 'Please acknowledge it in your inbox.');
  return { title, body: lines.join('\n') };
}

/** The e-mail's text: the notice's words and, for one that waits for acknowledgement, the link that acknowledges it. */
export function emailText(body: string, language: Language, ackUrl: string | null): string {
  if (!ackUrl) return body;
  return `${body}\n\n${language === 'zh-CN' ? `确认收到（无需登录）：${ackUrl}` : `Acknowledge it (no login needed): ${ackUrl}`}`;
}

/** The morning digest: every notice held through the reader's quiet hours, in one e-mail. */
export function digestOf(notices: readonly { subject: string; text: string }[], language: Language): { subject: string; text: string } {
  const zh = language === 'zh-CN';
  const subject = zh ? `【摘要】静默时段内的 ${notices.length} 条通知` : `Digest: ${notices.length} notice${notices.length === 1 ? '' : 's'} from your quiet hours`;
  const text = notices.map((n) => `${n.subject}\n${n.text}`).join('\n\n———\n\n');
  return { subject, text };
}

/** One notice per event and person: its id is derived from both, so a re-delivery finds it taken. */
export function noticeId(eventId: string, personId: string): string {
  return `NTC-${createHash('sha256').update(`${eventId}\u0000${personId}`).digest('hex').slice(0, 24)}`;
}

export const deliveryId = (notice: string, channel: 'inbox' | 'email'): string => `${notice}.${channel}`;

/**
 * Whether a fact is too old to tell anyone: a consumer group reading a stream from its beginning
 * (a new deployment, or a topic newly subscribed) would otherwise page people about last year.
 */
export function tooOldToTell(occurredAt: Date, now: Date, maxAgeHours: number): boolean {
  return now.getTime() - occurredAt.getTime() > maxAgeHours * 3_600_000;
}

/** Seconds to wait before the next e-mail attempt: 2, 4, 8 ... capped at five minutes. */
export function retryDelaySeconds(attempt: number): number {
  return Math.min(300, 2 ** Math.max(1, attempt));
}
