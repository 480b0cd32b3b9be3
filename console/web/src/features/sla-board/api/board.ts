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

/** A window of the board and what its whole view holds (the view's size, its requests by clock status). */
export interface BoardPage {
  items: BoardEntry[];
  total: number;
  byStatus: { breached: number; warning: number; 'on-track': number };
}

export const boardPageSize = 100;

/**
 * Intake's SLA board, read again every few seconds (the clocks themselves tick in the browser): a
 * window from `offset`, the search (`q`) run over the whole board on the server.
 */
export function useBoard(filters: { tier: string; status: string; productLine: string; city: string; q: string }, offset: number, refreshMs = 5_000) {
  const chosen = Object.entries(filters).filter(([, value]) => value.trim() !== '');
  const query = new URLSearchParams({ limit: String(boardPageSize), offset: String(offset), ...Object.fromEntries(chosen) });
  return useResource<BoardPage>('intake', `/v1/sla-board?${query}`, refreshMs);
}
