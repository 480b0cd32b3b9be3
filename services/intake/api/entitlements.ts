import { z } from 'zod';
import { defineRoute, NotFoundError, type Platform, type RouteSpec } from '@aftersales/platform';
import { entitlementOf } from '../domain/assessment';
import { findVisibleMachine, loadLineage } from '../store/installed-base';
import { activeContracts, readModelsOf } from '../store/read-models';
import type { ContractDoc, IntakeModels } from '../store/models';
import type { mongo } from 'mongoose';
import { callerScope, dateInput, entityId, installedBaseReaders } from './common';
import { entitlementView } from './responses';

/** What a machine is entitled to at an instant (now by default): the same decision registration freezes onto a request. */
export function entitlementRoutes(platform: Platform, models: IntakeModels): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/entitlements',
      summary: "A machine's entitlement at an instant (default now): contract, warranty (own or a parent's), or none with a quote",
      tags: ['entitlements'],
      roles: installedBaseReaders,
      query: z.strictObject({ serial: entityId, at: dateInput.optional() }),
      responses: { 200: { description: 'The entitlement, naming its source and why', schema: entitlementView.extend({ treeProblem: z.string().nullable() }) }, 404: { description: 'No machine with that serial (or not one the caller may see)' } },
      handler: async ({ query, principal }) => {
        const found = await findVisibleMachine(models, query.serial, callerScope(principal, installedBaseReaders));
        if (!found) throw new NotFoundError('machine', query.serial, 'serial');
        const at = query.at ?? platform.now();
        const [lineage, contracts] = await Promise.all([loadLineage(models, found.machine), activeContracts(readModelsOf(models), models.contracts.collection as unknown as mongo.Collection<ContractDoc>, found.machine.customerId, at)]);
        const entitlement = entitlementOf({ customerId: found.machine.customerId, machine: found.machine, lineage, contracts, at });
        return { status: 200, body: { ...entitlement, treeProblem: lineage.problem } };
      },
    }),
  ];
}
