import { useResource } from '../../../lib/api';

export interface Depot {
  id: string;
  name: string;
  city: string;
  benches: { benchId: string; wipLimit: number }[];
}

export interface QueueEntry {
  workOrderId: string;
  position: number;
  state: 'in-progress' | 'waiting';
  benchId: string | null;
  nextBench: string | null;
  why: string;
}

export function useDepots() {
  const answer = useResource<{ items: Depot[] }>('dispatch', '/v1/depots');
  return answer.data?.status === 200 ? answer.data.body.items : [];
}

/** A depot's repair queue, read again every refreshMs (benches start and finish jobs meanwhile). */
export function useDepotQueue(depotId: string | null, refreshMs = 15_000) {
  return useResource<{ depotId: string; benches: Depot['benches']; items: QueueEntry[] }>('dispatch', depotId ? `/v1/depot-queue?depotId=${encodeURIComponent(depotId)}` : null, refreshMs);
}
