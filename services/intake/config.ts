import { z } from 'zod';
import { loadConfig } from '@aftersales/platform';

const positiveInt = z.coerce.number().int().positive();

/** Intake's own settings; like the platform's, wrong values stop the process and are named. */
export const intakeEnvSchema = z.object({
  /**
   * How long a calendar rollout waits before its second pass, for requests that started under the
   * previous version while the new one was being stored (heads are cached a few seconds).
   */
  INTAKE_CALENDAR_CATCH_UP_SECONDS: positiveInt.default(60),
  /** Holidays must be known this many months ahead, or the calendar's owner is warned. */
  INTAKE_CALENDAR_HORIZON_MONTHS: positiveInt.default(3),
  /** How often the worker checks calendars' holiday horizons and unstarted rollouts. */
  INTAKE_CALENDAR_CHECK_MS: positiveInt.default(60 * 60_000),
});

export type IntakeConfig = z.infer<typeof intakeEnvSchema>;

export function loadIntakeConfig(env: NodeJS.ProcessEnv = process.env): IntakeConfig {
  return loadConfig(intakeEnvSchema, env);
}
