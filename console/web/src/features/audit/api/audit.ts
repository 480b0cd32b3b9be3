import { useResource } from '../../../lib/api';
import type { AuditedCase, RedFlag } from '../evidence';

/** Insight's answers for the auditor (services/insight/api/audit.ts and cases.ts). */
export interface RedFlagsAnswer {
  from: string;
  to: string;
  items: RedFlag[];
}

export interface AuditSampleAnswer {
  from: string;
  to: string;
  seed: number;
  population: number;
  strata: { tier: string; channel: string; population: number; sampled: number }[];
  cases: AuditedCase[];
}

export interface CaseRecord {
  requestId: string;
  customerId: string;
  serialNumber: string;
  model: string | null;
  tier: string | null;
  channel: string;
  engineerId: string | null;
  registeredAt: string;
  screenedAt: string | null;
  screening: 'valid' | 'invalid' | null;
  firstAssignedAt: string | null;
  arrivedAt: string | null;
  resolvedAt: string | null;
  acceptedAt: string | null;
  closedAt: string | null;
  cancelledAt: string | null;
  firstTimeFix: boolean | null;
  slaMet: boolean | null;
  effortMinutes: number;
  travelMinutes: number;
  changedAfterClose: { type: string; at: string; by: string | null }[];
  facts: { id: string; type: string; at: string; by: string | null; changes: boolean }[];
}

/** Red flags over the cases registered in [from, to). */
export function useRedFlags(params: URLSearchParams | null) {
  return useResource<RedFlagsAnswer>('insight', params ? `/v1/red-flags?${params}` : null);
}

/** The seeded, stratified sample of the cases registered in [from, to), each lifecycle audited. */
export function useAuditSample(params: URLSearchParams | null) {
  return useResource<AuditSampleAnswer>('insight', params ? `/v1/audit-sample?${params}` : null);
}

/** One case as insight folded it, with the facts it came from. */
export function useCaseRecord(requestId: string | null) {
  return useResource<CaseRecord>('insight', requestId ? `/v1/cases/${encodeURIComponent(requestId)}` : null);
}
