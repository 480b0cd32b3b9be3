import { disciplines, type Discipline, type DisciplineState, type EightDSummary } from './api/eight-ds';

export type Column = Discipline | 'closed';
export const columns: readonly Column[] = [...disciplines, 'closed'];

/** A discipline's clock runs only while it waits on its owner (open or sent back), as quality escalates it. */
export function isOverdue(step: { status: string; dueAt: string | null }, now: number): boolean {
  if (step.status !== 'open' && step.status !== 'returned') return false;
  return step.dueAt !== null && Date.parse(step.dueAt) < now;
}

/** Where an 8D sits on the board: the discipline it is at; an 8D whose process has not started yet waits in D0. */
export function columnOf(item: Pick<EightDSummary, 'status' | 'current'>): Column {
  if (item.status === 'closed') return 'closed';
  return item.current?.discipline ?? 'D0';
}

/** The board: every 8D in exactly one column, overdue ones first, then by due date. */
export function groupByColumn<T extends Pick<EightDSummary, 'status' | 'current'>>(items: readonly T[], now: number): Record<Column, T[]> {
  const board = Object.fromEntries(columns.map((c) => [c, [] as T[]])) as Record<Column, T[]>;
  for (const item of items) board[columnOf(item)].push(item);
  const dueOf = (x: T) => (x.current?.dueAt ? Date.parse(x.current.dueAt) : Number.POSITIVE_INFINITY);
  const overdueOf = (x: T) => (x.current && isOverdue(x.current, now) ? 0 : 1);
  for (const c of columns) board[c].sort((a, b) => overdueOf(a) - overdueOf(b) || dueOf(a) - dueOf(b));
  return board;
}

/** How many 8Ds wait on each step: awaiting approval, overdue, open. */
export function boardCounts(items: readonly Pick<EightDSummary, 'status' | 'current'>[], now: number) {
  let open = 0;
  let awaitingApproval = 0;
  let overdue = 0;
  for (const item of items) {
    if (item.status !== 'open') continue;
    open++;
    if (item.current?.status === 'submitted') awaitingApproval++;
    if (item.current && isOverdue(item.current, now)) overdue++;
  }
  return { open, awaitingApproval, overdue };
}

export type Decision = { may: true } | { may: false; why: 'read-only' | 'not-submitted' | 'own-submission' };

/** Four eyes: whoever submitted a discipline may not approve it (quality refuses it too). */
export function approvalFor(step: Pick<DisciplineState, 'status' | 'submittedBy'>, person: string, decides: boolean): Decision {
  if (!decides) return { may: false, why: 'read-only' };
  if (step.status !== 'submitted') return { may: false, why: 'not-submitted' };
  if (step.submittedBy === person) return { may: false, why: 'own-submission' };
  return { may: true };
}

export type Submission = { may: true } | { may: false; why: 'read-only' | 'waiting' | 'submitted' | 'approved' | 'closed' | 'not-owner' };

/** Whether a person may submit a discipline: it is open or sent back, and they own it or champion the 8D. */
export function submissionFor(step: Pick<DisciplineState, 'status' | 'owner'>, champion: string, eightDStatus: string, person: string, decides: boolean): Submission {
  if (!decides) return { may: false, why: 'read-only' };
  if (eightDStatus === 'closed') return { may: false, why: 'closed' };
  if (step.status === 'waiting' || step.status === 'submitted' || step.status === 'approved') return { may: false, why: step.status };
  if (person !== step.owner && person !== champion) return { may: false, why: 'not-owner' };
  return { may: true };
}

/** The roles that submit, approve, return and open 8Ds (quality's deciders); the others read. */
export const decidingRoles = ['quality', 'manager'] as const;
export const decides = (roles: readonly string[]) => roles.some((r) => (decidingRoles as readonly string[]).includes(r));
