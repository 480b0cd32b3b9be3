import { z } from 'zod';
import { identifier, type Platform, type Principal } from '@aftersales/platform';
import type { SparesConfig } from '../config';
import { currencyCodes, maxMoneyCents } from '../domain/money';
import type { CaseFlow } from '../store/case-flow';
import type { SparesStore } from '../store/collections';
import type { SparesModels } from '../store/models';
import type { ReservationBook } from '../store/reservations';
import type { SparesRules } from '../store/rules';

export interface SparesDeps {
  platform: Platform;
  config: SparesConfig;
  store: SparesStore;
  models: SparesModels;
  book: ReservationBook;
  flow: CaseFlow;
  rules: SparesRules;
}

export const readers = ['spares', 'engineer', 'dispatcher', 'agent', 'finance', 'manager', 'auditor', 'platform'] as const;
/** Part numbers, locations, work orders, price lists: the platform's one identifier rule. */
export const id = identifier;
/** Integer cents, from zero to a plausible ceiling. */
export const cents = z.number().int().nonnegative().max(maxMoneyCents);
export const currency = z.enum([...currencyCodes] as [string, ...string[]], { message: 'an ISO 4217 currency code such as EUR or CNY' });
export const quantity = z.number().int().positive().max(100_000);
export const partLines = z.array(z.object({ partNumber: id, quantity })).min(1).max(50);

export function by(principal: Principal | null): string {
  return principal?.sub ?? 'unknown';
}

export function causeFrom(ctx: { correlationId: string }) {
  return { correlationId: ctx.correlationId, causationId: null };
}
