/**
 * A service contract's life after it is signed: amendments (new terms from a date), renewal (a later
 * end, with or without new terms from the old end), suspension and resumption, termination. Every
 * change is a numbered version in the contract's history with who, why and when; nothing is edited in
 * place, so "what did the contract say on that day" always has one answer (`contractInForce`). A
 * service request keeps the terms and version it was registered under.
 *
 * Instants: `start` is the first covered instant and `end` the first instant no longer covered. A
 * date-only input is read as a day in the contract's time zone (its customer's site): a start or an
 * effective date is that day's first instant, a last day (`end`) covers the whole day.
 */
import type { Coverage, ResponseMode, ServiceContractStatus, ServiceContractType } from './entitlement';

/** The terms an amendment can change. */
export interface ContractTerms {
  name: string;
  type: ServiceContractType;
  coveredSerials: 'all' | string[];
  responseMode: ResponseMode;
  slaPolicyId: string;
  calendarId: string;
  covers: Coverage;
  exclusions?: { partNumbers: string[]; categories: string[] };
  coversConsumables?: boolean;
}

export const contractChangeKinds = ['amended', 'renewed', 'suspended', 'resumed', 'terminated'] as const;
export type ContractChangeKind = (typeof contractChangeKinds)[number];

export interface ContractChange {
  version: number;
  kind: ContractChangeKind;
  /** From when the change holds: new terms, the suspension's start, the resumption, the termination. */
  effectiveFrom: Date;
  reason: string;
  by: string;
  at: Date;
  /** Amended, or renewed with new terms: the whole terms in force from `effectiveFrom`. */
  terms?: ContractTerms;
  /** Renewed or terminated: the end before and after. */
  endBefore?: Date;
  endAfter?: Date;
}

export interface Suspension {
  from: Date;
  until: Date | null;
}

/** What the lifecycle reads and writes of a stored contract (old documents lack the optional fields). */
export interface ContractRecord extends ContractTerms {
  start: Date;
  end: Date;
  status: ServiceContractStatus;
  version?: number;
  history?: ContractChange[];
  suspensions?: Suspension[];
  terminatedFrom?: Date | null;
}

export class ContractChangeRefused extends Error {
  constructor(
    readonly field: string,
    message: string,
    /** A conflict with the contract's state (409) rather than a bad value (422). */
    readonly conflict = false,
  ) {
    super(message);
    this.name = 'ContractChangeRefused';
  }
}

const termKeys = ['name', 'type', 'coveredSerials', 'responseMode', 'slaPolicyId', 'calendarId', 'covers', 'exclusions', 'coversConsumables'] as const;

function termsOf(record: ContractTerms): ContractTerms {
  const terms: Record<string, unknown> = {};
  for (const key of termKeys) if (record[key] !== undefined) terms[key] = record[key];
  return terms as unknown as ContractTerms;
}

/** The terms in force at `at`: the latest amendment effective by then, else the signed terms. */
export function termsAt(record: ContractRecord, at: Date): ContractTerms & { version: number } {
  const amended = (record.history ?? []).filter((c) => c.terms && c.effectiveFrom.getTime() <= at.getTime()).sort((a, b) => a.effectiveFrom.getTime() - b.effectiveFrom.getTime() || a.version - b.version).at(-1);
  return amended ? { ...amended.terms!, version: amended.version } : { ...termsOf(record), version: 1 };
}

function suspendedAt(record: ContractRecord, at: Date): boolean {
  const t = at.getTime();
  return (record.suspensions ?? []).some((s) => s.from.getTime() <= t && (s.until === null || t < s.until.getTime()));
}

/** The contract as it stood at `at`: its terms then, the version they come from, and its status then. */
export function contractInForce<T extends ContractRecord>(record: T, at: Date): T & { version: number; status: ServiceContractStatus } {
  const { version, ...terms } = termsAt(record, at);
  const t = at.getTime();
  let status: ServiceContractStatus = record.status;
  if (record.status === 'active') {
    if (record.terminatedFrom && record.terminatedFrom.getTime() <= t) status = 'terminated';
    else if (t >= record.end.getTime()) status = 'expired';
    else if (suspendedAt(record, at)) status = 'suspended';
  }
  return { ...record, ...terms, version, status };
}

interface ChangeInput {
  reason: string;
  by: string;
  now: Date;
}

/** The fields a change writes: the new history, version and whatever else it moves. */
export type ContractUpdate = Pick<ContractRecord, 'history' | 'version'> & Partial<Pick<ContractRecord, 'end' | 'suspensions' | 'terminatedFrom'>>;

function nextVersion(record: ContractRecord): number {
  return Math.max(record.version ?? 1, ...(record.history ?? []).map((c) => c.version)) + 1;
}

function assertChangeable(record: ContractRecord, at: Date, field: string): void {
  if (record.status !== 'active') throw new ContractChangeRefused('status', `the contract is ${record.status}; only an active contract changes`, true);
  if (record.terminatedFrom) throw new ContractChangeRefused('status', `the contract was terminated from ${record.terminatedFrom.toISOString()}`, true);
  if (at.getTime() < record.start.getTime() || at.getTime() >= record.end.getTime()) {
    throw new ContractChangeRefused(field, `must fall within the contract, from ${record.start.toISOString()} to before ${record.end.toISOString()}`);
  }
}

function recorded(record: ContractRecord, change: Omit<ContractChange, 'version'>, extra: Partial<ContractUpdate> = {}): ContractUpdate {
  const version = nextVersion(record);
  return { ...extra, version, history: [...(record.history ?? []), { ...change, version }] };
}

/** New terms from `effectiveFrom` (not before the latest amendment's date: history reads in order). */
export function amendContract(record: ContractRecord, input: ChangeInput & { effectiveFrom: Date; changes: Partial<ContractTerms> }): ContractUpdate {
  assertChangeable(record, input.effectiveFrom, 'effectiveFrom');
  if (Object.keys(input.changes).length === 0) throw new ContractChangeRefused('changes', 'name at least one term to change');
  const latest = (record.history ?? []).filter((c) => c.terms).at(-1);
  if (latest && input.effectiveFrom.getTime() < latest.effectiveFrom.getTime()) {
    throw new ContractChangeRefused('effectiveFrom', `version ${latest.version} already holds from ${latest.effectiveFrom.toISOString()}; an amendment takes effect on or after it`, true);
  }
  const { version: _from, ...before } = termsAt(record, input.effectiveFrom);
  const terms = { ...before, ...input.changes };
  return recorded(record, { kind: 'amended', effectiveFrom: input.effectiveFrom, reason: input.reason, by: input.by, at: input.now, terms });
}

/** A later end; new terms, when given, hold from the old end (the renewed period). */
export function renewContract(record: ContractRecord, input: ChangeInput & { end: Date; changes?: Partial<ContractTerms> }): ContractUpdate {
  if (record.status !== 'active' || record.terminatedFrom) throw new ContractChangeRefused('status', 'a cancelled or terminated contract is not renewed; sign a new one', true);
  if (input.end.getTime() <= record.end.getTime()) throw new ContractChangeRefused('end', `must be after the current end, ${record.end.toISOString()}`);
  const changes = input.changes && Object.keys(input.changes).length > 0 ? input.changes : null;
  const terms = changes ? (({ version: _v, ...t }) => ({ ...t, ...changes }))(termsAt(record, record.end)) : undefined;
  return recorded(
    record,
    { kind: 'renewed', effectiveFrom: record.end, reason: input.reason, by: input.by, at: input.now, endBefore: record.end, endAfter: input.end, ...(terms ? { terms } : {}) },
    { end: input.end },
  );
}

/** No cover from `from` until resumed. */
export function suspendContract(record: ContractRecord, input: ChangeInput & { from: Date }): ContractUpdate {
  assertChangeable(record, input.from, 'from');
  const open = (record.suspensions ?? []).find((s) => s.until === null);
  if (open) throw new ContractChangeRefused('from', `already suspended since ${open.from.toISOString()}`, true);
  const last = (record.suspensions ?? []).at(-1);
  if (last?.until && input.from.getTime() < last.until.getTime()) throw new ContractChangeRefused('from', `must not be before the last suspension ended, ${last.until.toISOString()}`);
  return recorded(record, { kind: 'suspended', effectiveFrom: input.from, reason: input.reason, by: input.by, at: input.now }, { suspensions: [...(record.suspensions ?? []), { from: input.from, until: null }] });
}

/** Cover again from `at`. */
export function resumeContract(record: ContractRecord, input: ChangeInput & { at: Date }): ContractUpdate {
  const suspensions = record.suspensions ?? [];
  const open = suspensions.findIndex((s) => s.until === null);
  if (open < 0) throw new ContractChangeRefused('status', 'the contract is not suspended', true);
  if (input.at.getTime() <= suspensions[open]!.from.getTime()) throw new ContractChangeRefused('at', `must be after the suspension began, ${suspensions[open]!.from.toISOString()}`);
  const closed = suspensions.map((s, i) => (i === open ? { from: s.from, until: input.at } : s));
  return recorded(record, { kind: 'resumed', effectiveFrom: input.at, reason: input.reason, by: input.by, at: input.now }, { suspensions: closed });
}

/** No cover from `effective` on, for good: the end moves there. */
export function terminateContract(record: ContractRecord, input: ChangeInput & { effective: Date }): ContractUpdate {
  if (record.status !== 'active') throw new ContractChangeRefused('status', `the contract is ${record.status}`, true);
  if (record.terminatedFrom) throw new ContractChangeRefused('effective', `already terminated from ${record.terminatedFrom.toISOString()}`, true);
  if (input.effective.getTime() < record.start.getTime() || input.effective.getTime() > record.end.getTime()) {
    throw new ContractChangeRefused('effective', `must fall within the contract, from ${record.start.toISOString()} to ${record.end.toISOString()}`);
  }
  return recorded(
    record,
    { kind: 'terminated', effectiveFrom: input.effective, reason: input.reason, by: input.by, at: input.now, endBefore: record.end, endAfter: input.effective },
    { end: input.effective, terminatedFrom: input.effective },
  );
}

