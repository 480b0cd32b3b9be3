/**
 * Who was told of a request and who took it on, as the request's history shows it: built from
 * notifications' notice.told and notice.acknowledged facts. Pure; applying a fact again changes
 * nothing, and an acknowledgement that arrives before its notice waits in the entry it names.
 */
export interface RequestNotice {
  noticeId: string;
  kind: string | null;
  personId: string;
  personName: string | null;
  role: string | null;
  because: string | null;
  urgent: boolean;
  toldAt: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  via: string | null;
}

export type NoticeFact =
  | { type: 'told'; noticeId: string; kind: string; personId: string; personName: string; role: string; because: string; urgent: boolean; toldAt: string }
  | { type: 'acknowledged'; noticeId: string; personId: string; by: string; via: string; acknowledgedAt: string };

const blank = (noticeId: string, personId: string): RequestNotice => ({ noticeId, kind: null, personId, personName: null, role: null, because: null, urgent: false, toldAt: null, acknowledgedAt: null, acknowledgedBy: null, via: null });

export function withNoticeFact(entries: readonly RequestNotice[], fact: NoticeFact): RequestNotice[] {
  const existing = entries.find((e) => e.noticeId === fact.noticeId) ?? blank(fact.noticeId, fact.personId);
  const next: RequestNotice =
    fact.type === 'told'
      ? { ...existing, kind: fact.kind, personId: fact.personId, personName: fact.personName, role: fact.role, because: fact.because, urgent: fact.urgent, toldAt: fact.toldAt }
      : existing.acknowledgedAt
        ? existing
        : { ...existing, acknowledgedAt: fact.acknowledgedAt, acknowledgedBy: fact.by, via: fact.via };
  const others = entries.filter((e) => e.noticeId !== fact.noticeId);
  // In the order people were told; an acknowledgement whose notice is not in yet goes last.
  return [...others, next].sort((a, b) => (a.toldAt ?? '\uffff').localeCompare(b.toldAt ?? '\uffff') || a.noticeId.localeCompare(b.noticeId));
}
