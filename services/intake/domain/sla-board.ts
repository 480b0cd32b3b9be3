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

/** Requests with an open clock, most urgent first; `boardPage` chooses what a view shows of it. */
export function slaBoard(requests: readonly BoardRequest[]): BoardEntry[] {
  const entries: BoardEntry[] = [];
  for (const request of requests) {
    const open = request.clocks.filter((c) => c.stoppedAt === null).sort(compareClocks);
    const clock = open[0];
    if (!clock) continue;
    const { clocks: _clocks, escalations, ...rest } = request;
    entries.push({ ...rest, clock, lastEscalation: escalations.at(-1) ?? null });
  }
  return entries.sort((a, b) => compareClocks(a.clock, b.clock) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** What the board answers for one view: a window of the sorted entries and what the whole view holds. */
export interface BoardPage {
  items: BoardEntry[];
  /** Entries in the view (its clock statuses and search), of which `items` is the window from `offset`. */
  total: number;
  /** Entries by their deciding clock's status, over the view before its status choice: what a status filter would show. */
  byStatus: Record<string, number>;
}

/**
 * A window of a sorted board: `only` keeps clock statuses, `q` keeps entries whose request id,
 * customer id or serial number contains it (any case). Paging a board that re-sorts as clocks move
 * is an offset, not a keyset: a request may move between pages from one read to the next, so the
 * view's total and counts go with every window to say what lies beyond it.
 */
export function boardPage(board: readonly BoardEntry[], view: { only?: readonly string[]; q?: string; offset: number; limit: number }): BoardPage {
  const needle = view.q?.trim().toLowerCase() ?? '';
  const searched = needle ? board.filter((e) => [e.id, e.customerId, e.serialNumber].some((v) => v.toLowerCase().includes(needle))) : board;
  const byStatus: Record<string, number> = { breached: 0, warning: 0, 'on-track': 0 };
  for (const entry of searched) byStatus[entry.clock.status] = (byStatus[entry.clock.status] ?? 0) + 1;
  const only = view.only ?? [];
  const shown = only.length ? searched.filter((e) => only.includes(e.clock.status)) : searched;
  return { items: shown.slice(view.offset, view.offset + view.limit), total: shown.length, byStatus };
}
