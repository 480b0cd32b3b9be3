/**
 * The depot repair queue. Jobs on a bench stay there until finished (no pre-emption: engineers do
 * not thrash between machines); a bench takes new work only below its WIP limit. Waiting jobs are
 * ordered rush first, then by tier, then by due instant, then by arrival; a rush job (P1, or marked
 * rush by a dispatcher) goes to the head of the waiting line but never displaces a job in progress.
 */
export interface DepotJob {
  workOrderId: string;
  tier: 'P1' | 'P2' | 'P3' | 'P4';
  dueAt: Date | null;
  receivedAt: Date;
  rush: boolean;
  /** The bench working on it, or null while it waits. */
  benchId: string | null;
}

export interface Bench {
  benchId: string;
  wipLimit: number;
}

export interface QueueEntry {
  workOrderId: string;
  position: number;
  state: 'in-progress' | 'waiting';
  benchId: string | null;
  /** For a waiting job: the bench that takes it next when one has room now, else null. */
  nextBench: string | null;
  why: string;
}

/** The index of the first bench whose id an earlier bench already has, or null: a bench id keys its own WIP limit. */
export function repeatedBenchIndex(benches: readonly Pick<Bench, 'benchId'>[]): number | null {
  const seen = new Set<string>();
  for (const [index, { benchId }] of benches.entries()) {
    if (seen.has(benchId)) return index;
    seen.add(benchId);
  }
  return null;
}

const tierRank = { P1: 0, P2: 1, P3: 2, P4: 3 } as const;

export function isRush(job: Pick<DepotJob, 'tier' | 'rush'>): boolean {
  return job.rush || job.tier === 'P1';
}

export function compareWaiting(a: DepotJob, b: DepotJob): number {
  const ra = isRush(a) ? 0 : 1;
  const rb = isRush(b) ? 0 : 1;
  if (ra !== rb) return ra - rb;
  if (tierRank[a.tier] !== tierRank[b.tier]) return tierRank[a.tier] - tierRank[b.tier];
  const da = a.dueAt?.getTime() ?? Infinity;
  const db = b.dueAt?.getTime() ?? Infinity;
  if (da !== db) return da - db;
  if (a.receivedAt.getTime() !== b.receivedAt.getTime()) return a.receivedAt.getTime() - b.receivedAt.getTime();
  return a.workOrderId < b.workOrderId ? -1 : a.workOrderId > b.workOrderId ? 1 : 0;
}

export function depotQueue(jobs: readonly DepotJob[], benches: readonly Bench[]): QueueEntry[] {
  const limits = new Map(benches.map((b) => [b.benchId, b.wipLimit]));
  const inProgress = jobs.filter((j) => j.benchId !== null).sort((a, b) => compareWaiting(a, b));
  const waiting = jobs.filter((j) => j.benchId === null).sort(compareWaiting);
  const load = new Map(benches.map((b) => [b.benchId, 0]));
  for (const j of inProgress) load.set(j.benchId!, (load.get(j.benchId!) ?? 0) + 1);

  const entries: QueueEntry[] = inProgress.map((j) => ({
    workOrderId: j.workOrderId,
    position: 0,
    state: 'in-progress',
    benchId: j.benchId,
    nextBench: null,
    why: `in progress on ${j.benchId} (${load.get(j.benchId!)}/${limits.get(j.benchId!) ?? '?'} WIP): stays until finished, never pre-empted`,
  }));
  waiting.forEach((j, i) => {
    // The next free bench, in bench order, takes the head of the line.
    const free = benches.find((b) => (load.get(b.benchId) ?? 0) < b.wipLimit);
    if (free) load.set(free.benchId, (load.get(free.benchId) ?? 0) + 1);
    const reasons = [
      isRush(j) ? (j.rush ? 'rush by dispatcher: head of the waiting line' : 'P1 counts as rush: head of the waiting line') : `tier ${j.tier}`,
      j.dueAt ? `due ${j.dueAt.toISOString().slice(0, 16)}Z` : 'no due instant',
      `received ${j.receivedAt.toISOString().slice(0, 16)}Z`,
    ];
    const ahead = i === 0 ? 'first waiting' : `behind ${waiting[i - 1]!.workOrderId}`;
    entries.push({
      workOrderId: j.workOrderId,
      position: 0,
      state: 'waiting',
      benchId: null,
      nextBench: free?.benchId ?? null,
      why: `${ahead}: ${reasons.join(', ')}; ${free ? `${free.benchId} has room, start it there` : 'every bench is at its WIP limit'}`,
    });
  });
  return entries.map((e, i) => ({ ...e, position: i + 1 }));
}
