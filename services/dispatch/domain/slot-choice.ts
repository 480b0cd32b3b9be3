/**
 * The slot an assignment books for one engineer: the earliest feasible one, or the one the
 * dispatcher asked for, checked against the engineer's skill, working time, absences and the
 * planning window. Pure: the store calls it on the calendar it read under the engineer's lock, so
 * the choice and the clash check see the same bookings.
 */
import { rankCandidates, type AssignmentJob, type CandidateEngineer, type Slot } from './assignment';

export type SlotChoice = { ok: true; slot: Slot } | { ok: false; field: 'engineerId' | 'start'; reason: string };

export function chooseSlot(job: AssignmentJob, candidate: CandidateEngineer, requestedStart: Date | null, now: Date): SlotChoice {
  const ranking = rankCandidates(job, [candidate], now);
  const assessment = ranking.ranked[0] ?? ranking.ineligible[0]!;
  const id = candidate.engineerId;
  const code = assessment.ineligibility?.code;
  if (code === 'missing-skill' || code === 'skill-below-minimum') return { ok: false, field: 'engineerId', reason: `engineer ${id}: ${assessment.ineligibility!.explanation}` };
  if (!requestedStart) {
    if (!assessment.eligible || !assessment.slot) return { ok: false, field: 'engineerId', reason: `engineer ${id}: ${assessment.ineligibility?.explanation ?? 'no slot'}` };
    return { ok: true, slot: assessment.slot };
  }
  if (requestedStart.getTime() < now.getTime()) return { ok: false, field: 'start', reason: `start ${requestedStart.toISOString()} is in the past` };
  const travelMs = (assessment.travelMinutes ?? 0) * 60_000;
  const block = { start: new Date(requestedStart.getTime() - travelMs), end: new Date(requestedStart.getTime() + job.durationMinutes * 60_000) };
  if (block.start.getTime() < now.getTime()) return { ok: false, field: 'start', reason: `leaving now still arrives after ${requestedStart.toISOString()} (${assessment.travelMinutes} min travel)` };
  const inWindow = candidate.freeWindows.some((w) => w.start <= block.start && block.end <= w.end);
  if (!inWindow) {
    // Past the planning window nothing is known to be free: say so, rather than blame working hours.
    const planned = candidate.freeWindows.reduce((last, w) => (w.end > last ? w.end : last), now);
    if (block.end > planned) return { ok: false, field: 'start', reason: `travel and work until ${block.end.toISOString()} end after the planning window, which closes ${planned.toISOString()} (the next two working days); assign it nearer the day` };
    return { ok: false, field: 'start', reason: `travel and work ${block.start.toISOString()}–${block.end.toISOString()} fall outside engineer ${id}'s working time` };
  }
  const absent = candidate.absences.find((a) => a.start < block.end && block.start < a.end);
  if (absent) return { ok: false, field: 'start', reason: `engineer ${id} is absent ${absent.start.toISOString()}–${absent.end.toISOString()}` };
  return { ok: true, slot: { departAt: block.start, start: requestedStart, end: block.end } };
}
