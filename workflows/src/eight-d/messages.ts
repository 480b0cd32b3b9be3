import { defineQuery, defineUpdate } from '@temporalio/workflow';

// The activity types travel with the messages, so clients and the worker import both from one place.
export type * from './activities';

/** Task queue served by quality's own worker, which owns the 8D records. */
export const eightDTaskQueue = 'quality-eight-ds';
export const eightDWorkflowType = 'eightD';

export const eightDDisciplines = ['D0', 'D1', 'D2', 'D3', 'D4', 'D5', 'D6', 'D7', 'D8'] as const;
export type Discipline = (typeof eightDDisciplines)[number];

export const disciplineTitles: Readonly<Record<Discipline, string>> = {
  D0: 'Emergency response',
  D1: 'Team',
  D2: 'Problem description',
  D3: 'Interim containment',
  D4: 'Root cause',
  D5: 'Permanent corrective actions',
  D6: 'Implement and validate',
  D7: 'Prevent recurrence',
  D8: 'Close and recognise the team',
};

export interface EightDProblem {
  productLine: string;
  model: string;
  failureMode: string;
}

export interface TeamMember {
  id: string;
  name: string;
  role: string;
}

/** One level of the escalation chain: who hears of an overdue discipline, how long after its due instant. */
export interface EscalationLevel {
  to: string;
  afterHours: number;
}

export interface ContainmentScope {
  productLine?: string;
  model?: string;
  serialFrom?: string;
  serialTo?: string;
  partNumber?: string;
}

export interface FlagRequest {
  scope: ContainmentScope;
  instruction: string;
  carryParts: string[];
}

/** What each discipline's owner submits: structured, so the report and the knowledge base read it back. */
export type DisciplineContent =
  | { discipline: 'D0'; actions: string }
  | { discipline: 'D1'; members: TeamMember[]; owners: Partial<Record<Discipline, string>> }
  | { discipline: 'D2'; statement: string; what: string; where: string; when: string; howMany: string; isNot: string }
  | { discipline: 'D3'; actions: string; flags: FlagRequest[] }
  | {
      discipline: 'D4';
      rootCause: string;
      /** Why, why, why…: each answer explains the one before it; the last is the root cause. */
      fiveWhys: string[];
      /** Ishikawa categories (man, machine, method, material, measurement, environment) → contributing causes. */
      fishbone: Record<string, string[]>;
      escapePoint: string;
    }
  | { discipline: 'D5'; actions: { action: string; owner: string; dueAt: string }[] }
  | { discipline: 'D6'; implemented: string; validation: string; effective: boolean }
  | { discipline: 'D7'; standards: string[]; designRules: string[]; otherModels: string[]; flags: FlagRequest[] }
  | { discipline: 'D8'; summary: string; recognition: string };

export type DisciplineStatus = 'waiting' | 'open' | 'submitted' | 'approved' | 'returned';

export interface DisciplineEscalation {
  level: number;
  to: string;
  dueAt: string;
  at: string;
}

export interface DisciplineState {
  discipline: Discipline;
  title: string;
  owner: string;
  /** Null until the discipline opens (its due date is then the planned one or the default). */
  dueAt: string | null;
  status: DisciplineStatus;
  openedAt: string | null;
  content: DisciplineContent | null;
  submittedBy: string | null;
  submittedAt: string | null;
  approvedBy: string | null;
  approvedAt: string | null;
  returns: { by: string; at: string; reason: string }[];
  escalations: DisciplineEscalation[];
}

export interface ContainmentFlag extends FlagRequest {
  flagId: string;
  discipline: 'D3' | 'D7';
  flaggedAt: string;
  liftedAt: string | null;
}

export interface EightDState {
  eightDId: string;
  problem: EightDProblem;
  rule: string;
  reason: string;
  linkedTo: string | null;
  failureRecordIds: string[];
  openedAt: string;
  status: 'open' | 'closed';
  closedAt: string | null;
  /** The quality engineer who leads the 8D; on the team from the start, owner of every discipline until D1 names others. */
  champion: string;
  team: TeamMember[];
  disciplines: DisciplineState[];
  flags: ContainmentFlag[];
  escalationChain: EscalationLevel[];
  /** Hours from a discipline opening to its default due instant. */
  dueHours: Record<Discipline, number>;
  /** Sequence of facts this 8D published; part of their ids so a retried activity publishes nothing twice. */
  eventSeq: number;
  /** Grows with every record write, across continue-as-new, so the stored copy keeps the newest. */
  revision: number;
}

export interface EightDInput {
  eightDId: string;
  problem: EightDProblem;
  rule: string;
  reason: string;
  linkedTo: string | null;
  failureRecordIds: string[];
  /** ISO-8601 instant the 8D was opened; D0's default due date counts from it. */
  openedAt: string;
  champion: TeamMember;
  escalationChain?: EscalationLevel[];
  dueHours?: Partial<Record<Discipline, number>>;
  /** Present when the run continues an earlier one (continue-as-new). */
  carried?: EightDState;
  /** History events after which a run continues as new (default 10,000; the server may suggest it earlier). */
  historyLimit?: number;
}

export const getEightDQuery = defineQuery<EightDState>('getEightD');

export interface SubmitInput {
  by: string;
  content: DisciplineContent;
}
export interface DecisionInput {
  discipline: Discipline;
  by: string;
}
export interface SendBackInput extends DecisionInput {
  reason: string;
}
export interface AssignInput {
  discipline: Discipline;
  owner: string;
  dueAt: string;
  by: string;
}

export const submitDisciplineUpdate = defineUpdate<EightDState, [SubmitInput]>('submitDiscipline');
export const approveDisciplineUpdate = defineUpdate<EightDState, [DecisionInput]>('approveDiscipline');
export const sendBackDisciplineUpdate = defineUpdate<EightDState, [SendBackInput]>('sendBackDiscipline');
export const assignDisciplineUpdate = defineUpdate<EightDState, [AssignInput]>('assignDiscipline');

/** The error type an update validator refuses with; its details carry the offending field. */
export const eightDStepRefused = 'EightDStepRefused';
