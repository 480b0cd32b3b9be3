import { z } from 'zod';
import { loadConfig } from '@aftersales/platform';
import { DEFAULT_AUTO_ASSIGN_TIERS } from './domain/assignment';
import { dispatchFaultPoints, type DispatchFaultPoint } from './store/fault-points';

const tiers = ['P1', 'P2', 'P3', 'P4'] as const;

/** Dispatch's own variables; the platform's are read by the runner. Fails fast naming the variable. */
export const dispatchEnvSchema = z.object({
  /** Tiers whose work orders go to the best engineer at once; the rest are proposed. Empty: propose all. */
  DISPATCH_AUTO_ASSIGN_TIERS: z
    .string()
    .default([...DEFAULT_AUTO_ASSIGN_TIERS].join(','))
    .transform((raw) => raw.split(',').map((t) => t.trim()).filter((t) => t.length > 0))
    .pipe(z.array(z.enum(tiers, { message: 'comma-separated tiers from P1, P2, P3, P4' }))),
  /** Fault injection for crash tests only: the process kills itself (SIGKILL) right after this write of an assignment. Unset in production. */
  DISPATCH_FAULT_KILL_AFTER: z.enum(dispatchFaultPoints).optional(),
});

export function loadDispatchConfig(env: NodeJS.ProcessEnv = process.env): { autoAssignTiers: ReadonlySet<string>; faultKillAfter: DispatchFaultPoint | null } {
  const parsed = loadConfig(dispatchEnvSchema, env);
  return { autoAssignTiers: new Set(parsed.DISPATCH_AUTO_ASSIGN_TIERS), faultKillAfter: parsed.DISPATCH_FAULT_KILL_AFTER ?? null };
}
