import { z } from 'zod';
import type { Platform, Principal } from '@aftersales/platform';
import type { SparesConfig } from '../config';
import type { CaseFlow } from '../store/case-flow';
import type { SparesStore } from '../store/collections';
import type { SparesModels } from '../store/models';
import type { ReservationBook } from '../store/reservations';

export interface SparesDeps {
  platform: Platform;
  config: SparesConfig;
  store: SparesStore;
  models: SparesModels;
  book: ReservationBook;
  flow: CaseFlow;
}

export const readers = ['spares', 'engineer', 'dispatcher', 'agent', 'finance', 'manager', 'auditor', 'platform'] as const;
export const id = z.string().trim().min(1).max(64);
export const quantity = z.number().int().positive().max(100_000);
export const partLines = z.array(z.object({ partNumber: id, quantity })).min(1).max(50);

export function by(principal: Principal | null): string {
  return principal?.sub ?? 'unknown';
}

export function causeFrom(ctx: { correlationId: string }) {
  return { correlationId: ctx.correlationId, causationId: null };
}
