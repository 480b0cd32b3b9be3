import { apiCall, bearerToken, useResource, type ApiAnswer, type ApiError } from '../../../lib/api';

export type ApiAnswerOf<T> = ApiAnswer<T & ApiError>;

/** The disciplines in order (as quality's workflow names them). */
export const disciplines = ['D0', 'D1', 'D2', 'D3', 'D4', 'D5', 'D6', 'D7', 'D8'] as const;
export type Discipline = (typeof disciplines)[number];
export type DisciplineStatus = 'waiting' | 'open' | 'submitted' | 'approved' | 'returned';

export interface Problem {
  productLine: string;
  model: string;
  failureMode: string;
}

/** One 8D on the board: the discipline it is at (null once closed, or before its process started). */
export interface EightDSummary {
  id: string;
  status: 'open' | 'closed';
  problem: Problem;
  rules: string[];
  reason: string;
  linkedTo: string | null;
  openedAt: string;
  closedAt: string | null;
  openedBy?: string;
  current: { discipline: Discipline; owner: string; dueAt: string | null; status: DisciplineStatus; escalations: number } | null;
}

export interface ContainmentScope {
  productLine?: string;
  model?: string;
  serialFrom?: string;
  serialTo?: string;
  partNumber?: string;
}
export interface FlagRequest {
  scope: ContainmentScope;
  instruction: string;
  carryParts: string[];
}
export interface TeamMember {
  id: string;
  name: string;
  role: string;
}

/** What a discipline's owner submits; the shapes quality's submission route accepts. */
export type DisciplineContent =
  | { discipline: 'D0'; actions: string }
  | { discipline: 'D1'; members: TeamMember[]; owners: Partial<Record<Discipline, string>> }
  | { discipline: 'D2'; statement: string; what: string; where: string; when: string; howMany: string; isNot: string }
  | { discipline: 'D3'; actions: string; flags: FlagRequest[] }
  | { discipline: 'D4'; rootCause: string; fiveWhys: string[]; fishbone: Record<string, string[]>; escapePoint: string }
  | { discipline: 'D5'; actions: { action: string; owner: string; dueAt: string }[] }
  | { discipline: 'D6'; implemented: string; validation: string; effective: boolean }
  | { discipline: 'D7'; standards: string[]; designRules: string[]; otherModels: string[]; flags: FlagRequest[] }
  | { discipline: 'D8'; summary: string; recognition: string };

export interface DisciplineState {
  discipline: Discipline;
  title: string;
  owner: string;
  dueAt: string | null;
  status: DisciplineStatus;
  openedAt: string | null;
  content: DisciplineContent | null;
  submittedBy: string | null;
  submittedAt: string | null;
  approvedBy: string | null;
  approvedAt: string | null;
  returns: { by: string; at: string; reason: string }[];
  escalations: { level: number; to: string; dueAt: string; at: string }[];
}

export interface EightDState {
  eightDId: string;
  status: 'open' | 'closed';
  champion: string;
  team: TeamMember[];
  disciplines: DisciplineState[];
  flags: (FlagRequest & { flagId: string; discipline: 'D3' | 'D7'; flaggedAt: string; liftedAt: string | null })[];
}

export interface FailureRecord {
  id: string;
  requestId: string;
  model: string | null;
  productLine: string | null;
  failureMode: string;
  partNumber: string | null;
  cause: string;
  fix: string;
  occurredAt: string;
  customerId: string;
  serialNumber: string;
  tier: string;
  safety: boolean;
  eightDId: string | null;
}

export interface EightDDetail extends EightDSummary {
  /** 'record' when Temporal could not answer and quality read its last recorded copy. */
  source: 'workflow' | 'record';
  state: EightDState | null;
  failureRecords: FailureRecord[];
}

export interface RecurrenceHit {
  failureRecordId: string;
  checkedAt: string;
  problem: Problem;
  rules: string[];
  recordIds: string[];
  linkedEightDIds: string[];
  outcome: 'opened' | 'attached';
  eightDId: string;
}

/** The 8D board, read again every few seconds (people approve from other desks). */
export function useEightDs(refreshMs = 5_000) {
  return useResource<{ items: EightDSummary[] }>('quality', '/v1/eight-ds', refreshMs);
}

/** One 8D; read again while its process is starting, and whenever reload is called. */
export function useEightD(id: string | null, refreshMs?: number) {
  return useResource<EightDDetail>('quality', id ? `/v1/eight-ds/${encodeURIComponent(id)}` : null, refreshMs);
}

export function useRecurrences(model: string) {
  return useResource<{ items: RecurrenceHit[]; thresholds: { default: { sameModelCount: number; sameModelWindowDays: number } } }>('quality', `/v1/recurrences${model ? `?model=${encodeURIComponent(model)}` : ''}`);
}

export function useFailureRecords(model: string) {
  return useResource<{ items: FailureRecord[] }>('quality', `/v1/failure-records${model ? `?model=${encodeURIComponent(model)}` : ''}`);
}

const step = (id: string, discipline: Discipline, what: 'submission' | 'approval' | 'return') => `/v1/eight-ds/${encodeURIComponent(id)}/disciplines/${discipline}/${what}`;

export function submitDiscipline(id: string, content: DisciplineContent): Promise<ApiAnswerOf<EightDState>> {
  const { discipline, ...rest } = content;
  return apiCall<EightDState>('quality', step(id, discipline, 'submission'), { method: 'POST', body: { content: rest } });
}

export function approveDiscipline(id: string, discipline: Discipline): Promise<ApiAnswerOf<EightDState>> {
  return apiCall<EightDState>('quality', step(id, discipline, 'approval'), { method: 'POST' });
}

export function returnDiscipline(id: string, discipline: Discipline, reason: string): Promise<ApiAnswerOf<EightDState>> {
  return apiCall<EightDState>('quality', step(id, discipline, 'return'), { method: 'POST', body: { reason } });
}

export interface Opening {
  problem: Problem;
  reason: string;
  concerns: { requestIds: string[]; partNumbers: string[]; supplierClaimIds: string[] };
  linkedTo: string | null;
}

export function openEightD(opening: Opening): Promise<ApiAnswerOf<EightDSummary>> {
  return apiCall<EightDSummary>('quality', '/v1/eight-ds', { method: 'POST', body: opening });
}

/** The refusal's words as the API put them (field: message), or the status alone. */
export function refusalText(answer: { status: number; body: ApiError | null }): string {
  const error = answer.body?.error;
  return error ? `${answer.status} ${error.message}` : `HTTP ${answer.status}`;
}

/**
 * The customer report as a file: a plain link would go without the bearer token, so it is fetched
 * through the console's origin with it and handed over as a blob.
 */
export async function fetchReport(id: string, kind: 'html' | 'pdf'): Promise<Blob> {
  const token = bearerToken();
  const response = await fetch(`/api/quality/v1/eight-ds/${encodeURIComponent(id)}/report.${kind}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as ApiError | null;
    throw new Error(refusalText({ status: response.status, body }));
  }
  return response.blob();
}
