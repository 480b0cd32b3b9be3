import { useResource } from '../../../lib/api';

export interface BoardEntry {
  id: string;
  customerId: string;
  serialNumber: string;
  status: string;
  tier: string | null;
  owner: string | null;
  clock: { name: string; status: string; dueAt: string; paused: boolean };
  lastEscalation: { clock: string; action: string; step: number; at: string } | null;
}

/** Intake's SLA board, read again every few seconds (the clocks themselves tick in the browser). */
export function useBoard(filters: { tier: string; status: string }, refreshMs = 5_000) {
  const query = new URLSearchParams({ limit: '200', ...(filters.tier ? { tier: filters.tier } : {}), ...(filters.status ? { status: filters.status } : {}) });
  return useResource<{ items: BoardEntry[] }>('intake', `/v1/sla-board?${query}`, refreshMs);
}
