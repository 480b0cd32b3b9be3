/**
 * The operations board of open requests by how close each is to breaking a promise: breached
 * first (longest overdue on top), then warnings, then on-track, each by the soonest due instant.
 * Paused clocks wait on the customer: they sort after the running ones of their status.
 */
export interface BoardClock {
  name: string;
  status: string;
  dueAt: string;
  paused: boolean;
  stoppedAt: string | null;
}

export interface BoardRequest {
  id: string;
  customerId: string;
  serialNumber: string;
  status: string;
  tier: string | null;
  owner: string | null;
  productLine: string | null;
  city: string | null;
  clocks: readonly BoardClock[];
  escalations: readonly { clock: string; action: string; step: number; at: string }[];
}

export interface BoardEntry extends Omit<BoardRequest, 'clocks' | 'escalations'> {
  /** The open clock that decides the place: its name, status, due instant and whether it is paused. */
  clock: BoardClock;
  lastEscalation: BoardRequest['escalations'][number] | null;
}

const statusRank: Record<string, number> = { breached: 0, warning: 1, 'on-track': 2 };
const rankOf = (clock: BoardClock) => (statusRank[clock.status] ?? 3) * 2 + (clock.paused ? 1 : 0);

function compareClocks(a: BoardClock, b: BoardClock): number {
  return rankOf(a) - rankOf(b) || Date.parse(a.dueAt) - Date.parse(b.dueAt);
}

/** Requests with an open clock, most urgent first; `only` keeps the given clock statuses. */
export function slaBoard(requests: readonly BoardRequest[], only: readonly string[] = []): BoardEntry[] {
  const entries: BoardEntry[] = [];
  for (const request of requests) {
    const open = request.clocks.filter((c) => c.stoppedAt === null).sort(compareClocks);
    const clock = open[0];
    if (!clock || (only.length > 0 && !only.includes(clock.status))) continue;
    const { clocks: _clocks, escalations, ...rest } = request;
    entries.push({ ...rest, clock, lastEscalation: escalations.at(-1) ?? null });
  }
  return entries.sort((a, b) => compareClocks(a.clock, b.clock) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
