/**
 * The 8D's rules as pure functions over its state: which step is allowed, what it changes, which
 * facts it publishes and when an overdue discipline escalates. Deterministic (the instant is
 * passed in), so the workflow replays it and unit tests prove it without a server.
 */
import type { EightDFact, KnowledgeArticleInput } from './activities';
import {
  disciplineTitles,
  eightDDisciplines,
  type AssignInput,
  type ContainmentFlag,
  type DecisionInput,
  type Discipline,
  type DisciplineContent,
  type DisciplineState,
  type EightDInput,
  type EightDState,
  type EscalationLevel,
  type SendBackInput,
  type SubmitInput,
} from './messages';

const hourMs = 3_600_000;

/** Containment is urgent (D3 within 24 h); analysis and validation take weeks. */
export const defaultDueHours: Readonly<Record<Discipline, number>> = {
  D0: 24,
  D1: 48,
  D2: 72,
  D3: 24,
  D4: 14 * 24,
  D5: 14 * 24,
  D6: 30 * 24,
  D7: 14 * 24,
  D8: 7 * 24,
};

/** Up the line, one level at a time, ending at the business head who owns quality. */
export const defaultEscalationChain: readonly EscalationLevel[] = [
  { to: 'quality-engineering-lead', afterHours: 0 },
  { to: 'quality-manager', afterHours: 24 },
  { to: 'plant-quality-director', afterHours: 72 },
  { to: 'business-head-quality', afterHours: 168 },
];

/** Why a step was refused, naming the input field at fault (the HTTP layer answers 4xx with it). */
export interface Refusal {
  field: string;
  message: string;
}

export interface Transition {
  state: EightDState;
  facts: EightDFact[];
}

const iso = (ms: number) => new Date(ms).toISOString();
const indexOf = (d: Discipline) => eightDDisciplines.indexOf(d);

export function initialEightDState(input: EightDInput): EightDState {
  const dueHours = { ...defaultDueHours, ...(input.dueHours ?? {}) };
  const opened = Date.parse(input.openedAt);
  const disciplines: DisciplineState[] = eightDDisciplines.map((d) => ({
    discipline: d,
    title: disciplineTitles[d],
    owner: input.champion.id,
    // D0 opens with the 8D; the others open when the one before is approved.
    dueAt: d === 'D0' ? iso(opened + dueHours.D0 * hourMs) : null,
    status: d === 'D0' ? 'open' : 'waiting',
    openedAt: d === 'D0' ? input.openedAt : null,
    content: null,
    submittedBy: null,
    submittedAt: null,
    approvedBy: null,
    approvedAt: null,
    returns: [],
    escalations: [],
  }));
  return {
    eightDId: input.eightDId,
    problem: input.problem,
    rule: input.rule,
    reason: input.reason,
    linkedTo: input.linkedTo,
    failureRecordIds: input.failureRecordIds,
    openedAt: input.openedAt,
    status: 'open',
    closedAt: null,
    champion: input.champion.id,
    team: [input.champion],
    disciplines,
    flags: [],
    escalationChain: [...(input.escalationChain ?? defaultEscalationChain)],
    dueHours,
    eventSeq: 0,
    revision: 0,
  };
}

export function disciplineOf(state: EightDState, d: Discipline): DisciplineState {
  const found = state.disciplines.find((x) => x.discipline === d);
  if (!found) throw new RangeError(`unknown discipline ${d}`);
  return found;
}

const onTeam = (state: EightDState, id: string, team = state.team) => team.some((m) => m.id === id);

function orderRefusal(state: EightDState, d: DisciplineState, verb: string): Refusal | null {
  if (state.status === 'closed') return { field: 'discipline', message: `8D ${state.eightDId} is closed` };
  if (d.status === 'waiting') {
    const before = eightDDisciplines[indexOf(d.discipline) - 1]!;
    return { field: 'discipline', message: `${d.discipline} cannot be ${verb} before ${before} is approved` };
  }
  return null;
}

function futureInstant(value: string, now: number, field: string): Refusal | null {
  const t = Date.parse(value);
  if (Number.isNaN(t)) return { field, message: `${value} is not an instant` };
  if (t <= now) return { field, message: `due date ${value} is in the past` };
  return null;
}

function contentRefusal(state: EightDState, content: DisciplineContent, now: number): Refusal | null {
  switch (content.discipline) {
    case 'D1': {
      const team = [...state.team, ...content.members];
      for (const [d, owner] of Object.entries(content.owners)) {
        if (!onTeam(state, owner, team)) return { field: `content.owners.${d}`, message: `owner ${owner} is not on the 8D team` };
      }
      return null;
    }
    case 'D4':
      if (content.fiveWhys.length === 0) return { field: 'content.fiveWhys', message: 'at least one why is needed' };
      return null;
    case 'D5':
      for (const [i, a] of content.actions.entries()) {
        if (!onTeam(state, a.owner)) return { field: `content.actions.${i}.owner`, message: `owner ${a.owner} is not on the 8D team` };
        const past = futureInstant(a.dueAt, now, `content.actions.${i}.dueAt`);
        if (past) return past;
      }
      return null;
    case 'D0':
    case 'D2':
    case 'D3':
    case 'D6':
    case 'D7':
    case 'D8':
      return null;
    default: {
      const never: never = content;
      return { field: 'content.discipline', message: `unknown discipline ${String((never as { discipline: unknown }).discipline)}` };
    }
  }
}

export function checkSubmit(state: EightDState, input: SubmitInput, now: number): Refusal | null {
  const d = disciplineOf(state, input.content.discipline);
  const order = orderRefusal(state, d, 'submitted');
  if (order) return order;
  if (d.status === 'submitted') return { field: 'discipline', message: `${d.discipline} is already submitted and awaits approval` };
  if (d.status === 'approved') return { field: 'discipline', message: `${d.discipline} is already approved` };
  if (input.by !== d.owner && input.by !== state.champion) return { field: 'by', message: `${input.by} is neither ${d.discipline}'s owner nor the champion` };
  return contentRefusal(state, input.content, now);
}

export function checkDecision(state: EightDState, input: DecisionInput): Refusal | null {
  const d = disciplineOf(state, input.discipline);
  const order = orderRefusal(state, d, 'decided');
  if (order) return order;
  if (d.status !== 'submitted') return { field: 'discipline', message: `${d.discipline} is ${d.status}, not submitted` };
  return null;
}

/** Four eyes: whoever submitted a discipline does not approve it too. */
export function checkApprover(state: EightDState, input: DecisionInput): Refusal | null {
  const d = disciplineOf(state, input.discipline);
  return d.submittedBy === input.by ? { field: 'by', message: `${input.by} submitted ${d.discipline} and cannot also approve it` } : null;
}

export function checkAssign(state: EightDState, input: AssignInput, now: number): Refusal | null {
  if (state.status === 'closed') return { field: 'discipline', message: `8D ${state.eightDId} is closed` };
  const d = disciplineOf(state, input.discipline);
  if (d.status === 'approved') return { field: 'discipline', message: `${d.discipline} is already approved` };
  if (!onTeam(state, input.owner)) return { field: 'owner', message: `owner ${input.owner} is not on the 8D team` };
  return futureInstant(input.dueAt, now, 'dueAt');
}

function withDiscipline(state: EightDState, d: Discipline, change: (x: DisciplineState) => DisciplineState): EightDState {
  return { ...state, disciplines: state.disciplines.map((x) => (x.discipline === d ? change(x) : x)) };
}

function fact(state: EightDState, now: number, body: DistributiveOmit<EightDFact, 'id' | 'occurredAt'>): { state: EightDState; fact: EightDFact } {
  const eventSeq = state.eventSeq + 1;
  return { state: { ...state, eventSeq }, fact: { ...body, id: `${state.eightDId}:${eventSeq}`, occurredAt: iso(now) } as EightDFact };
}
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export function submit(state: EightDState, input: SubmitInput, now: number): Transition {
  const d = input.content.discipline;
  let next = withDiscipline(state, d, (x) => ({ ...x, status: 'submitted', content: input.content, submittedBy: input.by, submittedAt: iso(now) }));
  if (input.content.discipline === 'D1') {
    const members = input.content.members.filter((m) => !onTeam(next, m.id));
    next = { ...next, team: [...next.team, ...members] };
  }
  return { state: next, facts: [] };
}

export function sendBack(state: EightDState, input: SendBackInput, now: number): Transition {
  const next = withDiscipline(state, input.discipline, (x) => ({ ...x, status: 'returned', returns: [...x.returns, { by: input.by, at: iso(now), reason: input.reason }] }));
  return { state: next, facts: [] };
}

/** A planned assignment is told when its discipline opens; one that waits on its owner now is told at once. */
export function assign(state: EightDState, input: AssignInput, now: number): Transition {
  const next = withDiscipline(state, input.discipline, (x) => ({ ...x, owner: input.owner, dueAt: input.dueAt }));
  const x = disciplineOf(next, input.discipline);
  if (!awaitsOwner(x) || x.dueAt === null) return { state: next, facts: [] };
  const r = fact(next, now, { kind: 'discipline-assigned', discipline: input.discipline, owner: x.owner, dueAt: x.dueAt });
  return { state: r.state, facts: [r.fact] };
}

function flagsFrom(state: EightDState, d: 'D3' | 'D7', content: DisciplineContent, now: number): ContainmentFlag[] {
  const requests = content.discipline === 'D3' || content.discipline === 'D7' ? content.flags : [];
  return requests.map((r, i) => ({ ...r, scope: { ...r.scope }, flagId: `${state.eightDId}-${d}-${i + 1}`, discipline: d, flaggedAt: iso(now), liftedAt: null }));
}

/**
 * Approving a discipline opens the next one (with its planned or default due date) and publishes
 * what it means for the field: D3 and D7 flag machines, D6 lifts the interim D3 flags once the
 * permanent fix is validated, D8 closes the 8D.
 */
export function approve(state: EightDState, input: DecisionInput, now: number): Transition {
  const d = input.discipline;
  let next = withDiscipline(state, d, (x) => ({ ...x, status: 'approved', approvedBy: input.by, approvedAt: iso(now) }));
  const facts: EightDFact[] = [];
  const emit = (body: DistributiveOmit<EightDFact, 'id' | 'occurredAt'>) => {
    const r = fact(next, now, body);
    next = r.state;
    facts.push(r.fact);
  };
  const content = disciplineOf(next, d).content!;

  if (content.discipline === 'D1') {
    for (const [owned, owner] of Object.entries(content.owners) as [Discipline, string][]) {
      if (disciplineOf(next, owned).status !== 'approved') next = withDiscipline(next, owned, (x) => ({ ...x, owner }));
    }
  }
  if (d === 'D3' || d === 'D7') {
    const flags = flagsFrom(next, d, content, now);
    next = { ...next, flags: [...next.flags, ...flags] };
    for (const flag of flags) emit({ kind: 'containment-flagged', flag });
  }
  if (d === 'D6' && content.discipline === 'D6' && content.effective) {
    for (const flag of next.flags.filter((f) => f.discipline === 'D3' && f.liftedAt === null)) {
      next = { ...next, flags: next.flags.map((f) => (f.flagId === flag.flagId ? { ...f, liftedAt: iso(now) } : f)) };
      emit({ kind: 'containment-lifted', flagId: flag.flagId });
    }
  }
  if (d === 'D8') {
    next = { ...next, status: 'closed', closedAt: iso(now) };
    emit({ kind: 'closed', rootCause: rootCauseOf(next) });
    return { state: next, facts };
  }
  const following = eightDDisciplines[indexOf(d) + 1]!;
  next = withDiscipline(next, following, (x) => ({
    ...x,
    status: 'open',
    openedAt: iso(now),
    // A due date planned earlier (an assignment) stands; otherwise the default from now.
    dueAt: x.dueAt ?? iso(now + next.dueHours[following] * hourMs),
  }));
  const opened = disciplineOf(next, following);
  emit({ kind: 'discipline-assigned', discipline: following, owner: opened.owner, dueAt: opened.dueAt! });
  return { state: next, facts };
}

export function rootCauseOf(state: EightDState): string {
  const d4 = disciplineOf(state, 'D4').content;
  return d4?.discipline === 'D4' ? d4.rootCause : 'not determined';
}

/** Whether a discipline's clock runs: open or sent back, not yet delivered. */
const awaitsOwner = (x: DisciplineState) => x.status === 'open' || x.status === 'returned';

function nextLevel(state: EightDState, x: DisciplineState): { level: number; to: string; at: number } | null {
  if (!awaitsOwner(x) || x.dueAt === null || state.status === 'closed') return null;
  const level = x.escalations.length + 1;
  const step = state.escalationChain[level - 1];
  if (!step) return null;
  return { level, to: step.to, at: Date.parse(x.dueAt) + step.afterHours * hourMs };
}

/** Every escalation level due by `now`, taken in order, one level at a time per discipline. */
export function escalateOverdue(state: EightDState, now: number): Transition {
  let next = state;
  const facts: EightDFact[] = [];
  for (const d of eightDDisciplines) {
    for (;;) {
      const x = disciplineOf(next, d);
      const step = nextLevel(next, x);
      if (!step || step.at > now) break;
      const escalation = { level: step.level, to: step.to, dueAt: x.dueAt!, at: iso(now) };
      next = withDiscipline(next, d, (y) => ({ ...y, escalations: [...y.escalations, escalation] }));
      const r = fact(next, now, { kind: 'escalated', discipline: d, level: step.level, to: step.to, dueAt: x.dueAt!, owner: x.owner });
      next = r.state;
      facts.push(r.fact);
    }
  }
  return { state: next, facts };
}

/** When the workflow must wake next to escalate, or null when nothing is waiting on a deadline. */
export function nextEscalationAt(state: EightDState): number | null {
  const times = state.disciplines.map((x) => nextLevel(state, x)?.at).filter((t): t is number => t !== undefined);
  return times.length === 0 ? null : Math.min(...times);
}

/** The knowledge-base article a closed 8D becomes: the symptom, the root cause, the fix and what to carry. */
export function knowledgeArticleFor(state: EightDState): KnowledgeArticleInput {
  const content = (d: Discipline) => disciplineOf(state, d).content;
  const d2 = content('D2');
  const d5 = content('D5');
  const d7 = content('D7');
  const symptom = d2?.discipline === 'D2' ? d2.statement : `${state.problem.failureMode} on ${state.problem.model}`;
  const fix = d5?.discipline === 'D5' && d5.actions.length > 0 ? d5.actions.map((a) => a.action).join('; ') : 'see the 8D report';
  const otherModels = d7?.discipline === 'D7' ? d7.otherModels : [];
  const parts = [...new Set(state.flags.flatMap((f) => [...f.carryParts, ...(f.scope.partNumber ? [f.scope.partNumber] : [])]))];
  return {
    eightDId: state.eightDId,
    title: `${state.problem.model}: ${state.problem.failureMode} (8D ${state.eightDId})`,
    models: [...new Set([state.problem.model, ...otherModels])],
    symptom,
    cause: rootCauseOf(state),
    fix,
    parts,
  };
}
