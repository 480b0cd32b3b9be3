/**
 * Screening: an agent decides whether a registered contact is a valid service request. Invalid
 * ones (duplicate, answered on the phone, misuse, not our product) close with a reason but stay
 * recorded and answered; valid ones get a fault category, a severity and a priority tier.
 * `decideScreening` checks the combination and reports every wrong field at once, so the HTTP
 * layer can answer one 4xx that names them.
 */
import { entitlementFacts, defaultPriorityTable, isFaultCategory, isSeverity, priorityTier, type CustomerClass, type EntitlementForPriority, type FaultCategory, type PriorityDecision, type PriorityTable, type Severity } from './priority';

export const screeningOutcomes = ['valid', 'invalid'] as const;
export type ScreeningOutcome = (typeof screeningOutcomes)[number];

export const invalidReasons = ['duplicate', 'answered-on-phone', 'misuse', 'not-our-product'] as const;
export type InvalidReason = (typeof invalidReasons)[number];

/** What the agent sent, before it is trusted: fields are checked here, not assumed. */
export interface ScreeningInput {
  outcome?: unknown;
  reason?: unknown;
  duplicateOf?: unknown;
  faultCategory?: unknown;
  severity?: unknown;
  note?: unknown;
}

/** Another request named as the original, as loaded by the caller (null: no such request). */
export interface DuplicateTarget {
  id: string;
  serialNumber: string;
}

export interface ScreeningContext {
  requestId: string;
  serialNumber: string;
  customerClass: CustomerClass;
  entitlement: EntitlementForPriority;
  /** The candidate named at registration, if any: screening confirms or overrules it. */
  suggestedDuplicateOf: string | null;
  /** Omit when duplicateOf was not looked up; null when it was and does not exist. */
  duplicateTarget?: DuplicateTarget | null;
  screenedBy: string;
  at: Date;
  table?: PriorityTable;
}

/** Did the agent agree with the duplicate the registration suggested? */
export type DuplicateSuggestion = 'none' | 'confirmed' | 'overruled';

interface ScreeningCommon {
  requestId: string;
  screenedBy: string;
  screenedAt: Date;
  note: string | null;
  suggestion: DuplicateSuggestion;
}

export type Screening =
  | (ScreeningCommon & { outcome: 'valid'; faultCategory: FaultCategory; severity: Severity; priority: PriorityDecision })
  | (ScreeningCommon & { outcome: 'invalid'; reason: 'duplicate'; duplicateOf: string })
  | (ScreeningCommon & { outcome: 'invalid'; reason: Exclude<InvalidReason, 'duplicate'> });

export type ScreeningErrorCode = 'required' | 'unknown-value' | 'not-allowed' | 'invalid';

export interface ScreeningFieldError {
  field: keyof ScreeningInput;
  code: ScreeningErrorCode;
  message: string;
}

export type ScreeningDecision = { ok: true; screening: Screening } | { ok: false; errors: ScreeningFieldError[] };

export const maxNoteLength = 2000;

export function decideScreening(input: ScreeningInput, context: ScreeningContext): ScreeningDecision {
  const errors: ScreeningFieldError[] = [];
  const fail = (field: keyof ScreeningInput, code: ScreeningErrorCode, message: string) => errors.push({ field, code, message: `${field}: ${message}` });
  const present = (field: keyof ScreeningInput) => input[field] !== undefined && input[field] !== null;

  if (present('note') && (typeof input.note !== 'string' || input.note.length > maxNoteLength)) {
    fail('note', 'invalid', `must be text of at most ${maxNoteLength} characters`);
  }
  const note = typeof input.note === 'string' && input.note.trim() !== '' ? input.note.trim() : null;

  if (!present('outcome')) {
    fail('outcome', 'required', `one of ${screeningOutcomes.join(', ')}`);
    return { ok: false, errors };
  }
  if (input.outcome !== 'valid' && input.outcome !== 'invalid') {
    fail('outcome', 'unknown-value', `${JSON.stringify(input.outcome)} is not one of ${screeningOutcomes.join(', ')}`);
    return { ok: false, errors };
  }

  const common = { requestId: context.requestId, screenedBy: context.screenedBy, screenedAt: new Date(context.at), note };

  if (input.outcome === 'valid') {
    // Fields that belong to an invalid outcome are refused rather than ignored: they show the
    // agent meant something else.
    if (present('reason')) fail('reason', 'not-allowed', 'a valid request has no invalid reason');
    if (present('duplicateOf')) fail('duplicateOf', 'not-allowed', 'a valid request is not a duplicate; screen it as invalid with reason duplicate');
    if (!present('faultCategory')) fail('faultCategory', 'required', 'a valid request needs a fault category');
    else if (!isFaultCategory(input.faultCategory)) fail('faultCategory', 'unknown-value', `${JSON.stringify(input.faultCategory)} is not a known fault category`);
    if (!present('severity')) fail('severity', 'required', 'a valid request needs a severity');
    else if (!isSeverity(input.severity)) fail('severity', 'unknown-value', `${JSON.stringify(input.severity)} is not a known severity`);
    if (errors.length > 0 || !isFaultCategory(input.faultCategory) || !isSeverity(input.severity)) return { ok: false, errors };

    const priority = priorityTier(context.table ?? defaultPriorityTable, {
      severity: input.severity,
      faultCategory: input.faultCategory,
      customerClass: context.customerClass,
      ...entitlementFacts(context.entitlement),
    });
    const suggestion: DuplicateSuggestion = context.suggestedDuplicateOf === null ? 'none' : 'overruled';
    return { ok: true, screening: { ...common, suggestion, outcome: 'valid', faultCategory: input.faultCategory, severity: input.severity, priority } };
  }

  if (present('faultCategory')) fail('faultCategory', 'not-allowed', 'only a valid request is classified');
  if (present('severity')) fail('severity', 'not-allowed', 'only a valid request gets a severity');
  if (!present('reason')) {
    fail('reason', 'required', `an invalid request needs one of ${invalidReasons.join(', ')}`);
    return { ok: false, errors };
  }
  const reason = input.reason;
  if (!isInvalidReason(reason)) {
    fail('reason', 'unknown-value', `${JSON.stringify(reason)} is not one of ${invalidReasons.join(', ')}`);
    return { ok: false, errors };
  }

  if (reason !== 'duplicate') {
    if (present('duplicateOf')) fail('duplicateOf', 'not-allowed', `only reason duplicate names an original, not ${reason}`);
    if (errors.length > 0) return { ok: false, errors };
    const suggestion: DuplicateSuggestion = context.suggestedDuplicateOf === null ? 'none' : 'overruled';
    return { ok: true, screening: { ...common, suggestion, outcome: 'invalid', reason } };
  }

  const duplicateOf = input.duplicateOf;
  if (!present('duplicateOf')) fail('duplicateOf', 'required', 'reason duplicate needs the id of the original request');
  else if (typeof duplicateOf !== 'string' || duplicateOf.trim() === '') fail('duplicateOf', 'invalid', 'must be a request id');
  else if (duplicateOf === context.requestId) fail('duplicateOf', 'invalid', 'a request cannot be a duplicate of itself');
  else if (context.duplicateTarget === null) fail('duplicateOf', 'unknown-value', `no request ${duplicateOf}`);
  else if (context.duplicateTarget !== undefined && context.duplicateTarget.id !== duplicateOf) {
    fail('duplicateOf', 'invalid', `the request looked up (${context.duplicateTarget.id}) is not ${duplicateOf}`);
  } else if (context.duplicateTarget !== undefined && context.duplicateTarget.serialNumber !== context.serialNumber) {
    fail('duplicateOf', 'invalid', `${duplicateOf} is about machine ${context.duplicateTarget.serialNumber}, not ${context.serialNumber}`);
  }
  if (errors.length > 0 || typeof duplicateOf !== 'string') return { ok: false, errors };

  const suggestion: DuplicateSuggestion = context.suggestedDuplicateOf === null ? 'none' : context.suggestedDuplicateOf === duplicateOf ? 'confirmed' : 'overruled';
  return { ok: true, screening: { ...common, suggestion, outcome: 'invalid', reason: 'duplicate', duplicateOf } };
}

export function isInvalidReason(value: unknown): value is InvalidReason {
  return typeof value === 'string' && (invalidReasons as readonly string[]).includes(value);
}
