import { useResource } from '../../../lib/api';

export interface BoardEntry {
  id: string;
  customerId: string;
  serialNumber: string;
  status: string;
  tier: string | null;
  owner: string | null;
  productLine: string | null;
  city: string | null;
  clock: { name: string; status: string; dueAt: string; paused: boolean };
  lastEscalation: { clock: string; action: string; step: number; at: string } | null;
}

/** Intake's SLA board, read again every few seconds (the clocks themselves tick in the browser). */
export function useBoard(filters: { tier: string; status: string; productLine: string; city: string }, refreshMs = 5_000) {
  const chosen = Object.entries(filters).filter(([, value]) => value !== '');
  const query = new URLSearchParams({ limit: '200', ...Object.fromEntries(chosen) });
  return useResource<{ items: BoardEntry[] }>('intake', `/v1/sla-board?${query}`, refreshMs);
}
