/**
 * The red flags an auditor and a business head look at (DOMAIN.md: parts requisitioned far above
 * peers or history, defective parts never returned, records edited after the fact; red lines:
 * parts obtained by deceit, falsified data). Each flag names its rule, whom it is about and the
 * cases behind it. A flag is a reason to look, not a verdict.
 */
import type { CaseRecord } from './case-record';

export type RedFlagRule =
  | 'parts-above-peers'
  | 'parts-above-own-history'
  | 'defective-part-not-returned'
  | 'changed-after-close'
  | 'requester-approved-own-parts'
  | 'effort-longer-than-visit'
  | 'non-positive-visit-span'
  | 'more-than-a-day-in-a-day';

export interface RedFlag {
  rule: RedFlagRule;
  /** Whom or what the flag is about: an engineer, a person, or a request. */
  subject: string;
  caseIds: string[];
  detail: string;
}

export interface RedFlagThresholds {
  /**
   * A case draws a part "far above peers" when its quantity exceeds this multiple of the median
   * the other cases on the same model drew of that part. 3×: one or two spare units are normal
   * prudence on a visit; three times what colleagues need is not.
   */
  peerMultiple: number;
  /** Peers needed before a median means anything: fewer than 5 other cases and one odd visit is noise. */
  minPeerCases: number;
  /** The same 3× against the engineer's own median for that part on the same model. */
  historyMultiple: number;
  /** The engineer's own earlier cases needed: 3 gives a median that one odd case cannot move. */
  minHistoryCases: number;
  /** Slack on effort against the time on site: reports are rounded, often to the quarter hour. */
  effortSlackMinutes: number;
  /** Minutes one person can report in a calendar day: 24 hours, the physical limit. */
  maxMinutesPerDay: number;
}

export const defaultRedFlagThresholds: RedFlagThresholds = {
  peerMultiple: 3,
  minPeerCases: 5,
  historyMultiple: 3,
  minHistoryCases: 3,
  effortSlackMinutes: 15,
  maxMinutesPerDay: 24 * 60,
};

const minuteMs = 60_000;
const dayMs = 86_400_000;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** What each case drew of each part: the approved quantities, which are what left the stores. */
function drawings(cases: readonly CaseRecord[]): { c: CaseRecord; partNumber: string; quantity: number }[] {
  return cases.flatMap((c) => {
    const byPart = new Map<string, number>();
    for (const p of c.partsRequested) byPart.set(p.partNumber, (byPart.get(p.partNumber) ?? 0) + p.approved);
    return [...byPart].filter(([, q]) => q > 0).map(([partNumber, quantity]) => ({ c, partNumber, quantity }));
  });
}

function partsFlags(cases: readonly CaseRecord[], t: RedFlagThresholds): RedFlag[] {
  const flags: RedFlag[] = [];
  const drawn = drawings(cases);
  const sameModelAndPart = new Map<string, typeof drawn>();
  for (const d of drawn) {
    const key = `${d.c.model ?? 'unknown'}|${d.partNumber}`;
    sameModelAndPart.set(key, [...(sameModelAndPart.get(key) ?? []), d]);
  }
  for (const group of sameModelAndPart.values()) {
    for (const d of group) {
      const engineer = d.c.engineerId ?? 'unassigned';
      const peers = group.filter((o) => o.c.requestId !== d.c.requestId && o.c.engineerId !== d.c.engineerId);
      if (peers.length >= t.minPeerCases) {
        const peerMedian = median(peers.map((o) => o.quantity));
        if (d.quantity > t.peerMultiple * peerMedian) {
          flags.push({ rule: 'parts-above-peers', subject: engineer, caseIds: [d.c.requestId], detail: `${d.quantity} × ${d.partNumber} on ${d.c.model ?? 'an unknown model'}; other engineers' median ${peerMedian} over ${peers.length} cases` });
        }
      }
      if (d.c.engineerId === null) continue;
      const own = group.filter((o) => o.c.requestId !== d.c.requestId && o.c.engineerId === d.c.engineerId && Date.parse(o.c.registeredAt) < Date.parse(d.c.registeredAt));
      if (own.length >= t.minHistoryCases) {
        const ownMedian = median(own.map((o) => o.quantity));
        if (d.quantity > t.historyMultiple * ownMedian) {
          flags.push({ rule: 'parts-above-own-history', subject: engineer, caseIds: [d.c.requestId], detail: `${d.quantity} × ${d.partNumber}; the engineer's own median ${ownMedian} over ${own.length} earlier cases` });
        }
      }
    }
  }
  return flags;
}

function recordFlags(cases: readonly CaseRecord[]): RedFlag[] {
  return cases.flatMap((c): RedFlag[] => {
    const flags: RedFlag[] = [];
    const unreturned = c.overdueReturns.filter((r) => r.flagged);
    if (unreturned.length) {
      flags.push({ rule: 'defective-part-not-returned', subject: c.engineerId ?? 'unassigned', caseIds: [c.requestId], detail: `returns overdue past the limit: ${unreturned.map((r) => `${r.returnId} (${r.partNumber})`).join(', ')}` });
    }
    if (c.changedAfterClose.length) {
      const changes = c.changedAfterClose.map((x) => `${x.type} at ${x.at}${x.by ? ` by ${x.by}` : ''}`).join('; ');
      flags.push({ rule: 'changed-after-close', subject: c.requestId, caseIds: [c.requestId], detail: `closed ${c.closedAt ?? '(unknown)'}, then: ${changes}` });
    }
    for (const person of new Set(c.partsRequested.filter((p) => p.requesterId !== null && p.requesterId === p.approverId).map((p) => p.requesterId!))) {
      const parts = c.partsRequested.filter((p) => p.requesterId === person && p.approverId === person).map((p) => p.partNumber);
      flags.push({ rule: 'requester-approved-own-parts', subject: person, caseIds: [c.requestId], detail: `requested and approved ${parts.join(', ')}` });
    }
    return flags;
  });
}

function timeFlags(cases: readonly CaseRecord[], t: RedFlagThresholds): RedFlag[] {
  const flags: RedFlag[] = [];
  for (const c of cases) {
    const subject = c.engineerId ?? 'unassigned';
    if (c.effortMinutes < 0 || c.travelMinutes < 0) {
      flags.push({ rule: 'non-positive-visit-span', subject, caseIds: [c.requestId], detail: `negative minutes reported: effort ${c.effortMinutes}, travel ${c.travelMinutes}` });
    }
    if (c.arrivedAt === null || c.resolvedAt === null) continue;
    const spanMinutes = (Date.parse(c.resolvedAt) - Date.parse(c.arrivedAt)) / minuteMs;
    if (spanMinutes <= 0) {
      flags.push({ rule: 'non-positive-visit-span', subject, caseIds: [c.requestId], detail: `resolved ${c.resolvedAt}, not after arriving ${c.arrivedAt}` });
    } else if (c.effortMinutes > spanMinutes + t.effortSlackMinutes) {
      flags.push({ rule: 'effort-longer-than-visit', subject, caseIds: [c.requestId], detail: `${c.effortMinutes} minutes of effort reported for ${Math.round(spanMinutes)} minutes between arrival and resolution` });
    }
  }
  flags.push(...dayFlags(cases, t));
  return flags;
}

/**
 * More than a day's minutes in a day. A case's reported minutes belong to the calendar days (UTC)
 * from its assignment to its resolution; a case kept within one day has all its minutes on that
 * day, so an engineer's one-day cases on the same day add up; a longer case may spread its minutes
 * but cannot report more than a full day for each day it spans.
 */
function dayFlags(cases: readonly CaseRecord[], t: RedFlagThresholds): RedFlag[] {
  const flags: RedFlag[] = [];
  const oneDay = new Map<string, CaseRecord[]>();
  for (const c of cases) {
    if (c.engineerId === null || c.resolvedAt === null) continue;
    const start = Date.parse(c.firstAssignedAt ?? c.arrivedAt ?? c.resolvedAt);
    const end = Date.parse(c.resolvedAt);
    const days = Math.max(1, Math.floor(end / dayMs) - Math.floor(start / dayMs) + 1);
    const minutes = c.effortMinutes + c.travelMinutes;
    if (days === 1) {
      const key = `${c.engineerId}|${c.resolvedAt.slice(0, 10)}`;
      oneDay.set(key, [...(oneDay.get(key) ?? []), c]);
    } else if (minutes > days * t.maxMinutesPerDay) {
      flags.push({ rule: 'more-than-a-day-in-a-day', subject: c.engineerId, caseIds: [c.requestId], detail: `${minutes} minutes reported over ${days} calendar days` });
    }
  }
  for (const [key, group] of oneDay) {
    const minutes = group.reduce((s, c) => s + c.effortMinutes + c.travelMinutes, 0);
    if (minutes > t.maxMinutesPerDay) {
      const [engineer, day] = key.split('|') as [string, string];
      flags.push({ rule: 'more-than-a-day-in-a-day', subject: engineer, caseIds: group.map((c) => c.requestId), detail: `${minutes} minutes reported on ${day}` });
    }
  }
  return flags;
}

export interface RedFlagOptions {
  thresholds?: Partial<RedFlagThresholds>;
  /** Flag only cases registered at or after this instant; comparisons still use every case given. */
  since?: string;
}

/** Every red flag over the cases, in rule order. */
export function findRedFlags(cases: readonly CaseRecord[], options: RedFlagOptions = {}): RedFlag[] {
  const t: RedFlagThresholds = { ...defaultRedFlagThresholds, ...options.thresholds };
  const sinceMs = options.since === undefined ? -Infinity : Date.parse(options.since);
  const inScope = new Set(cases.filter((c) => Date.parse(c.registeredAt) >= sinceMs).map((c) => c.requestId));
  const order: RedFlagRule[] = [
    'parts-above-peers',
    'parts-above-own-history',
    'defective-part-not-returned',
    'changed-after-close',
    'requester-approved-own-parts',
    'effort-longer-than-visit',
    'non-positive-visit-span',
    'more-than-a-day-in-a-day',
  ];
  return [...partsFlags(cases, t), ...recordFlags(cases), ...timeFlags(cases, t)]
    .filter((f) => f.caseIds.some((id) => inScope.has(id)))
    .sort((a, b) => order.indexOf(a.rule) - order.indexOf(b.rule));
}

/** Each rule in plain words with its thresholds, for the auditor's documentation. */
export const redFlagRuleDescriptions: Record<RedFlagRule, (t: RedFlagThresholds) => string> = {
  'parts-above-peers': (t) =>
    `A request drew (approved quantity) more than ${t.peerMultiple}× the median that other engineers' requests on the same model drew of the same part, counted only when at least ${t.minPeerCases} such other requests exist.`,
  'parts-above-own-history': (t) =>
    `A request drew more than ${t.historyMultiple}× the median the same engineer drew of the same part on the same model in their earlier requests, counted only with at least ${t.minHistoryCases} earlier requests.`,
  'defective-part-not-returned': () => 'A defective part that should have come back is overdue past the return limit (spares flagged the overdue return).',
  'changed-after-close': () => 'A fact about the request (a report, a cost, a decision) arrived after the request was closed: the record was changed after the fact. Surveys, complaints, first cost allocations and returns that belong after a close do not count.',
  'requester-approved-own-parts': () => 'The same person requested and approved a parts requisition.',
  'effort-longer-than-visit': (t) => `The engineer reported more effort than the time between arriving and resolving, by more than ${t.effortSlackMinutes} minutes of rounding slack.`,
  'non-positive-visit-span': () => 'The resolution is at or before the arrival, or negative effort or travel minutes were reported.',
  'more-than-a-day-in-a-day': (t) =>
    `One engineer reported more than ${t.maxMinutesPerDay / 60} hours (effort plus travel) in one calendar day (UTC): requests assigned and resolved the same day add up on that day; a request spanning several days may report at most ${t.maxMinutesPerDay / 60} hours for each day it spans.`,
};
