import { z } from 'zod';
import type { ResponseLink } from '@aftersales/platform';
import { eightDDisciplines } from '@aftersales/workflows';
import { recurrenceRules } from '../domain/recurrence';

/**
 * The bodies quality answers, as JSON (dates as ISO strings). Objects the handlers build field by
 * field are closed; stored documents and the 8D workflow's state, answered whole, are open to the
 * fields a later version adds.
 */

const instant = z.iso.datetime();
const count = z.number().int();
const tier = z.enum(['P1', 'P2', 'P3', 'P4']);
const discipline = z.enum(eightDDisciplines);
const problem = z.object({ productLine: z.string(), model: z.string(), failureMode: z.string() });
const recurrenceRule = z.enum(recurrenceRules);

export const itemsOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

const articleContent = {
  title: z.string(),
  models: z.array(z.string()),
  symptom: z.string(),
  cause: z.string(),
  fix: z.string(),
  parts: z.array(z.string()),
};

export const articleView = z.looseObject({
  id: z.string(),
  version: count,
  ...articleContent,
  publishedAt: instant,
  eightDId: z.string().nullable().optional(),
  requestId: z.string().optional(),
});

export const articleHitView = articleView.extend({ score: z.number(), matched: z.array(z.string()) });

export const articleVersionView = z.looseObject({
  articleId: z.string(),
  version: count,
  ...articleContent,
  publishedAt: instant,
  eightDId: z.string().nullable().optional(),
  requestId: z.string().optional(),
  editedBy: z.string(),
});

/** Version 1 made from a case: its content as the case recorded it. */
export const caseArticleView = z.object({ id: z.string(), version: z.literal(1), ...articleContent });
/** The version an edit published. */
export const editedArticleView = z.object({ id: z.string(), version: count, ...articleContent, publishedAt: instant });

const concerns = z.object({ requestIds: z.array(z.string()), partNumbers: z.array(z.string()), supplierClaimIds: z.array(z.string()) });

/** POST /v1/eight-ds: the 8D as opened by hand, before its workflow has started. */
export const openedEightDView = z.object({
  id: z.string(),
  status: z.literal('open'),
  problem,
  reason: z.string(),
  linkedTo: z.string().nullable(),
  openedAt: instant,
  openedBy: z.string(),
  concerns,
});

const scope = z.looseObject({ productLine: z.string().optional(), model: z.string().optional(), serialFrom: z.string().optional(), serialTo: z.string().optional(), partNumber: z.string().optional() });
const flagRequest = z.looseObject({ scope, instruction: z.string(), carryParts: z.array(z.string()) });

const disciplineState = z.looseObject({
  discipline,
  title: z.string(),
  owner: z.string(),
  dueAt: z.string().nullable(),
  status: z.enum(['waiting', 'open', 'submitted', 'approved', 'returned']),
  openedAt: z.string().nullable(),
  /** What the owner submitted; its shape is the discipline's (see the submission's request body). */
  content: z.looseObject({ discipline }).nullable(),
  submittedBy: z.string().nullable(),
  submittedAt: z.string().nullable(),
  approvedBy: z.string().nullable(),
  approvedAt: z.string().nullable(),
  returns: z.array(z.looseObject({ by: z.string(), at: z.string(), reason: z.string() })),
  escalations: z.array(z.looseObject({ level: count, to: z.string(), dueAt: z.string(), at: z.string() })),
});

/** The 8D workflow's state: what every step answers, and the 8D's `state`. */
export const eightDStateView = z.looseObject({
  eightDId: z.string(),
  problem,
  rule: z.string(),
  reason: z.string(),
  linkedTo: z.string().nullable(),
  failureRecordIds: z.array(z.string()),
  openedAt: z.string(),
  status: z.enum(['open', 'closed']),
  closedAt: z.string().nullable(),
  champion: z.string(),
  team: z.array(z.looseObject({ id: z.string(), name: z.string(), role: z.string() })),
  disciplines: z.array(disciplineState),
  flags: z.array(flagRequest.extend({ flagId: z.string(), discipline: z.enum(['D3', 'D7']), flaggedAt: z.string(), liftedAt: z.string().nullable() })),
  escalationChain: z.array(z.looseObject({ to: z.string(), afterHours: z.number() })),
  dueHours: z.record(discipline, z.number()),
  eventSeq: count,
  revision: count,
});

/** An 8D in a list: where it stands, and the discipline it is at. */
export const eightDSummaryView = z.object({
  id: z.string(),
  status: z.enum(['open', 'closed']),
  problem,
  /** The recurrence rules that opened it; none for one opened by hand. */
  rules: z.array(recurrenceRule),
  reason: z.string(),
  linkedTo: z.string().nullable(),
  openedAt: instant,
  closedAt: instant.nullable(),
  openedBy: z.string().optional(),
  concerns: concerns.optional(),
  current: z.object({ discipline, owner: z.string(), dueAt: z.string().nullable(), status: z.enum(['open', 'submitted', 'returned']), escalations: count }).nullable(),
});

export const failureRecordView = z.looseObject({
  id: z.string(),
  requestId: z.string(),
  model: z.string().nullable(),
  productLine: z.string().nullable(),
  partNumber: z.string().nullable(),
  failureMode: z.string(),
  failureModeSource: z.enum(['given', 'derived']),
  cause: z.string(),
  fix: z.string(),
  occurredAt: z.string(),
  customerId: z.string(),
  serialNumber: z.string(),
  tier,
  safety: z.boolean(),
  formalReportDemanded: z.boolean(),
  lot: z.string().nullable(),
  supplierId: z.string().nullable(),
  finding: z.string().nullable(),
  sources: z.array(z.enum(['work-order', 'closure', 'defective-return'])),
  failureDecision: z
    .looseObject({ category: z.enum(['quality-failure', 'wear', 'misuse', 'no-fault-found', 'other']), decidedBy: z.string(), decidedAt: z.string(), by: z.enum(['engineer', 'quality']), revision: count.optional() })
    .nullable()
    .optional(),
  eightDId: z.string().nullable(),
  receivedAt: instant,
});

export const eightDView = eightDSummaryView.extend({
  /** workflow: the running process answered; record: its last recorded copy (closed, or Temporal did not answer). */
  source: z.enum(['workflow', 'record']),
  /** Null until the 8D's workflow has started. */
  state: eightDStateView.nullable(),
  failureRecords: z.array(failureRecordView),
});

const thresholds = z.looseObject({
  sameModelCount: count,
  sameModelWindowDays: z.number(),
  newerModelAfterClosure: z.boolean(),
  severeTiers: z.array(tier),
  safetyIsSevere: z.boolean(),
  formalReportOpens: z.boolean(),
});

export const recurrencesView = z.object({
  items: z.array(
    z.object({
      failureRecordId: z.string(),
      checkedAt: instant,
      problem,
      rules: z.array(recurrenceRule),
      recordIds: z.array(z.string()),
      linkedEightDIds: z.array(z.string()),
      outcome: z.enum(['opened', 'attached']),
      eightDId: z.string(),
    }),
  ),
  thresholds: z.object({ default: thresholds, byProductLine: z.record(z.string(), thresholds.partial()).optional() }),
});

export const formalReportDemandView = z.object({ requestId: z.string(), failureRecordId: z.string().nullable() });
export const modelGenerationView = z.object({ model: z.string(), productLine: z.string(), generation: count });

/** A new 8D starts at D0: its first steps, once its workflow has started (409 not_started before). */
export function newEightDLinks(id: string): Record<string, ResponseLink> {
  return {
    submitD0: { operationId: 'postEightDsByIdDisciplinesByDisciplineSubmission', parameters: { id, discipline: 'D0' } },
    assignD0: { operationId: 'putEightDsByIdDisciplinesByDisciplineAssignment', parameters: { id, discipline: 'D0' } },
  };
}

/** From a failure record (at `at` in the answer) to opening an 8D by hand for its problem and its case. */
export function failureRecordLinks(at: string): Record<string, ResponseLink> {
  const field = (name: string) => `$response.body#${at}/${name}`;
  return {
    openEightD: {
      operationId: 'postEightDs',
      requestBody: { problem: { productLine: field('productLine'), model: field('model'), failureMode: field('failureMode') }, concerns: { requestIds: [field('requestId')], partNumbers: [], supplierClaimIds: [] } },
    },
  };
}
