import { useResource } from '../../../lib/api';

/**
 * Intake's SLA board, breached entries only: the live list of open requests whose deciding clock
 * has run out, with the last escalation step. Insight counts stuck escalations (a ladder not moved
 * for a day) but does not list who owns each breached request now, so this stays read from intake.
 */
export interface StuckRequest {
  id: string;
  customerId: string;
  serialNumber: string;
  status: string;
  tier: string | null;
  owner: string | null;
  clock: { name: string; status: string; dueAt: string; paused: boolean };
  lastEscalation: { clock: string; action: string; step: number; at: string } | null;
}

/** Open requests whose deciding clock has breached: the escalations still waiting on someone. */
export function useStuckEscalations() {
  return useResource<{ items: StuckRequest[] }>('intake', '/v1/sla-board?status=breached&limit=100');
}
