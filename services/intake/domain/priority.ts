/**
 * The priority tier of a valid service request, decided by a rule table that is data: rows are
 * tried in order and the first whose condition holds gives the base tier; then every raise whose
 * condition holds moves it up, never above P1. The answer names the row and the raises that
 * decided it, so an agent or an auditor can see why a request is P2 and not P3.
 */
import type { Entitlement, ServiceContractType } from './entitlement';

export const priorityTiers = ['P1', 'P2', 'P3', 'P4'] as const;
export type PriorityTier = (typeof priorityTiers)[number];

export const severities = ['critical', 'major', 'minor', 'question'] as const;
export type Severity = (typeof severities)[number];

export const faultCategories = [
  'mechanical',
  'electrical',
  'electronic',
  'software',
  'optical',
  'hydraulic',
  'pneumatic',
  'cooling',
  'safety',
  'consumable',
  'operation',
  'other',
] as const;
export type FaultCategory = (typeof faultCategories)[number];

/** Same values as the stored customer's class; the domain keeps its own list so it needs no store types. */
export const customerClasses = ['vip', 'key_account', 'standard', 'indirect'] as const;
export type CustomerClass = (typeof customerClasses)[number];

export type EntitlementKind = Entitlement['source']['kind'];

export interface PriorityFacts {
  severity: Severity;
  faultCategory: FaultCategory;
  customerClass: CustomerClass;
  entitlement: EntitlementKind;
  /** The contract's type when the entitlement comes from a contract, else null. */
  contractType: ServiceContractType | null;
}

/** Every listed field must hold (AND); within a field, any listed value matches (OR). An empty condition always holds. */
export interface PriorityCondition {
  severity?: readonly Severity[];
  faultCategory?: readonly FaultCategory[];
  customerClass?: readonly CustomerClass[];
  entitlement?: readonly EntitlementKind[];
  contractType?: readonly (ServiceContractType | null)[];
}

export interface PriorityRow {
  id: string;
  when: PriorityCondition;
  tier: PriorityTier;
  why: string;
}

export interface PriorityRaise {
  id: string;
  /** Any one of these conditions is enough; the raise still counts once. */
  whenAny: readonly PriorityCondition[];
  /** Tiers to move up (1: P3 becomes P2). */
  by: number;
  why: string;
}

export interface PriorityTable {
  rows: readonly PriorityRow[];
  raises: readonly PriorityRaise[];
  /** Used when no row matches, so a gap in an edited table never leaves a request without a tier. */
  otherwise: PriorityTier;
}

export interface PriorityDecision {
  tier: PriorityTier;
  baseTier: PriorityTier;
  /** The row that gave the base tier, or 'otherwise'. */
  row: string;
  /** The raises that applied, in table order. */
  raises: readonly string[];
  explanation: string;
}

/**
 * The default table. Severity sets the base; an entitled (contract or warranty) machine that is
 * down outranks paid work, which first needs a quote; safety faults are P1 whatever else holds;
 * indirect customers' minor faults go to P4 because their dealer does first-line service.
 * VIP customers and premium contracts raise by one tier (once, even when both hold).
 */
export const defaultPriorityTable: PriorityTable = {
  rows: [
    { id: 'safety', when: { faultCategory: ['safety'], severity: ['critical', 'major', 'minor'] }, tier: 'P1', why: 'a safety fault' },
    { id: 'question', when: { severity: ['question'] }, tier: 'P4', why: 'a question, not a fault' },
    { id: 'critical-entitled', when: { severity: ['critical'], entitlement: ['contract', 'warranty'] }, tier: 'P1', why: 'machine down under contract or warranty' },
    { id: 'critical-paid', when: { severity: ['critical'] }, tier: 'P2', why: 'machine down, paid work' },
    { id: 'major-entitled', when: { severity: ['major'], entitlement: ['contract', 'warranty'] }, tier: 'P2', why: 'major fault under contract or warranty' },
    { id: 'major-paid', when: { severity: ['major'] }, tier: 'P3', why: 'major fault, paid work' },
    { id: 'minor-indirect', when: { severity: ['minor'], customerClass: ['indirect'] }, tier: 'P4', why: 'minor fault, dealer serves first line' },
    { id: 'minor', when: { severity: ['minor'] }, tier: 'P3', why: 'minor fault' },
  ],
  raises: [{ id: 'vip-or-premium', whenAny: [{ customerClass: ['vip'] }, { contractType: ['premium'] }], by: 1, why: 'VIP customer or premium contract' }],
  otherwise: 'P3',
};

export function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (severities as readonly string[]).includes(value);
}

export function isFaultCategory(value: unknown): value is FaultCategory {
  return typeof value === 'string' && (faultCategories as readonly string[]).includes(value);
}

export function isCustomerClass(value: unknown): value is CustomerClass {
  return typeof value === 'string' && (customerClasses as readonly string[]).includes(value);
}

export function isPriorityTier(value: unknown): value is PriorityTier {
  return typeof value === 'string' && (priorityTiers as readonly string[]).includes(value);
}

/** What priority needs from an entitlement snapshot; a stored `Entitlement` satisfies it. */
export type EntitlementForPriority = Pick<Entitlement, 'source'> & { contract: { type: ServiceContractType } | null };

/** The entitlement part of the facts, read from the snapshot stored on the request. */
export function entitlementFacts(entitlement: EntitlementForPriority): Pick<PriorityFacts, 'entitlement' | 'contractType'> {
  return { entitlement: entitlement.source.kind, contractType: entitlement.source.kind === 'contract' ? (entitlement.contract?.type ?? null) : null };
}

export function conditionHolds(condition: PriorityCondition, facts: PriorityFacts): boolean {
  return (
    includes(condition.severity, facts.severity) &&
    includes(condition.faultCategory, facts.faultCategory) &&
    includes(condition.customerClass, facts.customerClass) &&
    includes(condition.entitlement, facts.entitlement) &&
    includes(condition.contractType, facts.contractType)
  );
}

/** Moves a tier up by `by` steps (down for negative), clamped to P1..P4. */
export function raiseTier(tier: PriorityTier, by: number): PriorityTier {
  const index = Math.min(priorityTiers.length - 1, Math.max(0, priorityTiers.indexOf(tier) - Math.trunc(by)));
  return priorityTiers[index] as PriorityTier;
}

export function priorityTier(table: PriorityTable, facts: PriorityFacts): PriorityDecision {
  const row = table.rows.find((r) => conditionHolds(r.when, facts));
  const baseTier = row?.tier ?? table.otherwise;
  const raises = table.raises.filter((r) => r.whenAny.some((c) => conditionHolds(c, facts)));
  const total = raises.reduce((sum, r) => sum + r.by, 0);
  const tier = raiseTier(baseTier, total);
  const base = row ? `${baseTier} by row ${row.id} (${row.why})` : `${baseTier} because no row matched`;
  const raised = raises.length === 0 ? '' : `, raised to ${tier} by ${raises.map((r) => `${r.id} (${r.why})`).join(', ')}`;
  const capped = total > 0 && priorityTiers.indexOf(baseTier) - total < 0 ? ', capped at P1' : '';
  return { tier, baseTier, row: row?.id ?? 'otherwise', raises: raises.map((r) => r.id), explanation: `${base}${raised}${capped}` };
}

/**
 * Checks a table before it is used (it may come from configuration): known values only, unique
 * ids, raises that move up by a whole positive number of tiers. Returns messages naming the place.
 */
export function checkPriorityTable(table: PriorityTable): string[] {
  const errors: string[] = [];
  const ids = new Set<string>();
  const checkCondition = (where: string, c: PriorityCondition) => {
    const lists: [string, readonly unknown[] | undefined, (v: unknown) => boolean][] = [
      ['severity', c.severity, isSeverity],
      ['faultCategory', c.faultCategory, isFaultCategory],
      ['customerClass', c.customerClass, isCustomerClass],
      ['entitlement', c.entitlement, (v) => v === 'contract' || v === 'warranty' || v === 'none'],
      ['contractType', c.contractType, (v) => v === null || v === 'premium' || v === 'standard' || v === 'basic'],
    ];
    for (const [field, values, known] of lists) {
      if (values === undefined) continue;
      if (values.length === 0) errors.push(`${where}.${field}: an empty list never matches; leave the field out instead`);
      for (const v of values) if (!known(v)) errors.push(`${where}.${field}: unknown value ${JSON.stringify(v)}`);
    }
  };
  const checkId = (where: string, id: string) => {
    if (ids.has(id)) errors.push(`${where}.id: duplicate id ${id}`);
    ids.add(id);
  };
  table.rows.forEach((row, i) => {
    checkId(`rows[${i}]`, row.id);
    checkCondition(`rows[${i}].when`, row.when);
    if (!isPriorityTier(row.tier)) errors.push(`rows[${i}].tier: unknown tier ${JSON.stringify(row.tier)}`);
  });
  table.raises.forEach((raise, i) => {
    checkId(`raises[${i}]`, raise.id);
    raise.whenAny.forEach((c, j) => checkCondition(`raises[${i}].whenAny[${j}]`, c));
    if (raise.whenAny.length === 0) errors.push(`raises[${i}].whenAny: no condition, the raise never applies`);
    if (!Number.isInteger(raise.by) || raise.by < 1) errors.push(`raises[${i}].by: must be a whole number of tiers, at least 1`);
  });
  if (!isPriorityTier(table.otherwise)) errors.push(`otherwise: unknown tier ${JSON.stringify(table.otherwise)}`);
  return errors;
}

function includes<T>(allowed: readonly T[] | undefined, value: T): boolean {
  return allowed === undefined || allowed.includes(value);
}
