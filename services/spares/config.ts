import { z } from 'zod';
import { loadConfig } from '@aftersales/platform';
import { sparesFaultPoints } from './store/fault-points';

const positiveInt = z.coerce.number().int().positive();

/** Spares' own settings; like the platform's, wrong values stop the process and are named. */
export const sparesEnvSchema = z.object({
  /** How long a reservation holds its units when the job does not consume them. */
  SPARES_RESERVATION_TTL_MINUTES: positiveInt.default(72 * 60),
  /** Requisitions worth more than this need approval. */
  SPARES_REQUISITION_BUDGET_CENTS: positiveInt.default(50_000),
  /** Approvers in escalation order (user ids). */
  SPARES_APPROVERS: z.string().default('spares-lead,spares-manager,service-head').transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean)).pipe(z.array(z.string()).min(1)),
  /** How long each approver has before the requisition escalates to the next. */
  SPARES_APPROVAL_DEADLINE_SECONDS: positiveInt.default(8 * 3600),
  SPARES_RETURN_DUE_DAYS: positiveInt.default(14),
  SPARES_RETURN_CHASE_EVERY_DAYS: positiveInt.default(3),
  SPARES_RETURN_FLAG_AFTER_DAYS: positiveInt.default(30),
  /** How often the worker expires reservations and chases returns. */
  SPARES_SWEEP_MS: positiveInt.default(60_000),
  /**
   * How long the sweep leaves what a crash may have left half written (a reservation never stored,
   * a release that died before giving its units back, a transfer never stored) before putting it right.
   */
  SPARES_ORPHAN_GRACE_MS: positiveInt.default(10 * 60_000),
  /** Crash tests only: the process kills itself right after this point of a shipment (store/fault-points.ts). */
  SPARES_FAULT_KILL_AFTER: z.enum(sparesFaultPoints).optional(),
  /** How often the worker looks for locations not valued today (each is valued once per UTC day). */
  SPARES_VALUATION_CHECK_MS: positiveInt.default(3_600_000),
  SPARES_SALES_CENTRE_ID: z.string().min(1).default('SALES-CENTRE'),
  SPARES_FACTORY_ID: z.string().min(1).default('FACTORY'),
  /** Cost rule: who pays when a machine in warranty was misused, the customer or the sales centre as goodwill. */
  SPARES_MISUSE_IN_WARRANTY_PAYER: z.enum(['customer', 'sales-centre']).default('customer'),
});

export type SparesConfig = z.infer<typeof sparesEnvSchema>;

export function loadSparesConfig(env: NodeJS.ProcessEnv = process.env): SparesConfig {
  return loadConfig(sparesEnvSchema, env);
}
