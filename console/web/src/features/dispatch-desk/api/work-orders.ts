import { useEffect, useState } from 'react';
import { apiCall, useResource, type ApiAnswer, type ApiError } from '../../../lib/api';
import { isOpen, type ScorePart } from '../work-orders';

export interface WorkOrder {
  id: string;
  requestId: string;
  /** Bumped by every change: of two copies the higher is newer. */
  version: number;
  status: string;
  route: string;
  tier: string;
  onSiteDueAt: string | null;
  customerId: string;
  serialNumber: string;
  createdAt: string;
  engineerId: string | null;
  plannedDepartAt: string | null;
  plannedStart: string | null;
  plannedEnd: string | null;
  planningNote: string | null;
  excludedEngineers: string[];
}

/** Dispatch's copy of the service request behind a work order: the machine, the site, the symptom. */
export interface RequestFacts {
  id: string;
  symptom: string;
  machine: { model: string; productLine: string } | null;
  site: { city: string; lat: number; lon: number } | null;
}

export interface Candidate {
  engineerId: string;
  eligible: boolean;
  ineligibility: { code: string; explanation: string } | null;
  score: number;
  parts: ScorePart[];
  distanceKm: number | null;
  travelMinutes: number | null;
  slot: { departAt: string; start: string; end: string } | null;
}

export interface Candidates {
  workOrderId: string;
  status: string;
  ranked: Candidate[];
  ineligible: Candidate[];
  excluded: string[];
  problem: { field: string; reason: string } | null;
  neededParts: string[];
}

/**
 * Dispatch's work orders, newest first: all open ones (`open`), or those of one status. The desk
 * asks for what it shows: dispatch then reads only its open work orders, not every job ever closed.
 * Closed ones (a read of all history there) are read when chosen or refreshed, not polled.
 */
export function useWorkOrders(status: string, refreshMs = 10_000) {
  const asked = status || 'open';
  const query = new URLSearchParams({ limit: '200', status: asked });
  const answer = useResource<{ items: WorkOrder[]; total: number | null }>('dispatch', `/v1/work-orders?${query}`, asked === 'open' || isOpen(asked) ? refreshMs : undefined);
  const items = answer.data?.status === 200 ? answer.data.body.items : [];
  // How many matched, when dispatch counts them (open ones; closed ones are not counted).
  const total = answer.data?.status === 200 ? answer.data.body.total : null;
  return { ...answer, items, total };
}

/**
 * The request facts of each work order shown, read once per request: machine and site never change
 * once dispatch has them, so the list's refreshes do not read them again.
 */
export function useRequestFacts(requestIds: readonly string[]): Map<string, RequestFacts> {
  const [facts, setFacts] = useState<Map<string, RequestFacts>>(() => new Map());
  const wanted = [...new Set(requestIds)].filter((id) => !facts.has(id)).sort().join(',');
  useEffect(() => {
    if (!wanted) return;
    let live = true;
    void Promise.all(wanted.split(',').map((id) => apiCall<RequestFacts>('dispatch', `/v1/service-requests/${encodeURIComponent(id)}`))).then((answers) => {
      if (!live) return;
      setFacts((known) => {
        const next = new Map(known);
        for (const a of answers) if (a.status === 200) next.set(a.body.id, a.body);
        return next;
      });
    });
    return () => {
      live = false;
    };
  }, [wanted]);
  return facts;
}

export function useCandidates(workOrderId: string | null) {
  return useResource<Candidates>('dispatch', workOrderId ? `/v1/work-orders/${encodeURIComponent(workOrderId)}/candidates` : null);
}

/** Books the engineer at their earliest feasible slot; the answer is the work order after it, or why not. */
export function assign(workOrderId: string, engineerId: string): Promise<ApiAnswer<WorkOrder & ApiError>> {
  return apiCall<WorkOrder>('dispatch', `/v1/work-orders/${encodeURIComponent(workOrderId)}/assignment`, { method: 'POST', body: { engineerId } });
}

/** Moves the work order off its engineer to the next best one (dispatch picks; none may be free). */
export function replan(workOrderId: string): Promise<ApiAnswer<WorkOrder & ApiError>> {
  return apiCall<WorkOrder>('dispatch', `/v1/work-orders/${encodeURIComponent(workOrderId)}/replan`, { method: 'POST', body: { reason: 'manual' } });
}
