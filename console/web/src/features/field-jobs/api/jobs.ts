import { useEffect, useRef, useState } from 'react';
import { apiCall, useResource } from '../../../lib/api';
import type { JobSummary } from '../day';
import type { Reservation } from '../parts';
import type { StepPath } from '../steps';

/** Dispatch's view of one work order: the summary plus what, where and containment. */
export interface JobView extends JobSummary {
  machine: { model: string; productLine: string } | null;
  site: { city: string; lat: number; lon: number } | null;
  symptom: string | null;
  containment: { flagId: string; eightDId: string; discipline: string; instruction: string; carryParts: string[]; matchedOn: string[] }[];
  partsToCarry: string[];
  report: { firstTimeFix: boolean; workDone: string } | null;
}

/** Intake's machine page: whose it is, where it stands, and intake's containment flags on it. */
export interface MachinePlace {
  serialNumber: string;
  model: string;
  customer: { id: string; name: string } | null;
  site: { name?: string; address?: string; city?: string } | null;
  containment: { flagId: string; eightDId: string; discipline: string; instruction: string; carryParts: string[] }[] | null;
}

export interface RequestView {
  id: string;
  status: string;
  contact: { name: string; phone?: string } | null;
  workflow: { state?: { status: string } } | null;
}

/**
 * The engineer's own open work orders, polled (dispatch lets an engineer act on their own only):
 * dispatch reads its open work orders for that, never every job ever closed. A job this screen
 * listed that has left them since (finished, cancelled, moved to someone else) is read once by its
 * id and kept while it is still the engineer's, so a job finished today stays on today's list.
 */
export function useMyWorkOrders(engineerId: string) {
  const open = useResource<{ items: JobSummary[] }>('dispatch', `/v1/work-orders?${new URLSearchParams({ engineerId, status: 'open', limit: '100' })}`, 60_000);
  const current = open.data?.status === 200 ? open.data.body.items : null;
  const listed = useRef<ReadonlySet<string>>(new Set());
  const [closed, setClosed] = useState<ReadonlyMap<string, JobSummary>>(() => new Map());
  useEffect(() => {
    if (!current) return;
    const now = new Set(current.map((job) => job.id));
    const left = [...listed.current].filter((id) => !now.has(id));
    listed.current = now;
    if (left.length === 0) return;
    void Promise.all(left.map((id) => apiCall<JobSummary>('dispatch', `/v1/work-orders/${encodeURIComponent(id)}`))).then((answers) =>
      setClosed((known) => {
        const next = new Map(known);
        for (const a of answers) if (a.status === 200 && a.body.engineerId === engineerId) next.set(a.body.id, a.body);
        return next;
      }),
    );
  }, [current, engineerId]);
  const openIds = new Set((current ?? []).map((job) => job.id));
  const items = current ? [...current, ...[...closed.values()].filter((job) => !openIds.has(job.id))] : [];
  return { ...open, items };
}

export function useJob(id: string) {
  return useResource<JobView>('dispatch', `/v1/work-orders/${encodeURIComponent(id)}`);
}

export function useMachinePlace(serial: string | null) {
  return useResource<MachinePlace>('intake', serial ? `/v1/machines/${encodeURIComponent(serial)}` : null);
}

/** A request no longer waiting on the engineer's report. */
const settled = new Set(['resolved', 'closed', 'followed-up', 'cancelled']);

/** The request behind the job; read again every few seconds while `watch` and not yet resolved (intake follows the report from dispatch's event). */
export function useRequest(id: string | null, watch: boolean) {
  const resource = useResource<RequestView>('intake', id ? `/v1/service-requests/${encodeURIComponent(id)}` : null);
  const current = resource.data?.status === 200 ? requestStatus(resource.data.body) : null;
  const waiting = watch && !(current && settled.has(current));
  const { reload } = resource;
  useEffect(() => {
    if (!waiting) return;
    const timer = setInterval(reload, 3_000);
    return () => clearInterval(timer);
  }, [waiting, reload]);
  return resource;
}

export function useReservations(workOrderId: string) {
  return useResource<{ items: Reservation[] }>('spares', `/v1/reservations?${new URLSearchParams({ workOrderId })}`);
}

export function usePartNames(model: string | null) {
  return useResource<{ items: { partNumber: string; description?: string }[] }>('spares', model ? `/v1/parts?${new URLSearchParams({ model })}` : null);
}

export function useVanStock(engineerId: string) {
  return useResource<{ vanStock: string[] }>('dispatch', `/v1/engineers/${encodeURIComponent(engineerId)}`);
}

export function takeStep(workOrderId: string, path: Exclude<StepPath, 'report'> | 'decline', body: Record<string, unknown> = {}) {
  return apiCall<JobView>('dispatch', `/v1/work-orders/${encodeURIComponent(workOrderId)}/${path}`, { method: 'POST', body });
}

export function sendReport(workOrderId: string, body: Record<string, unknown>) {
  return apiCall<JobView>('dispatch', `/v1/work-orders/${encodeURIComponent(workOrderId)}/report`, { method: 'POST', body });
}

/** The request's status as its workflow holds it now (the record follows a moment later). */
export function requestStatus(request: RequestView): string {
  return request.workflow?.state?.status ?? request.status;
}
