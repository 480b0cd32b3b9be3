import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { defineRoute, isDuplicateKeyError, operationIdOf, readEachById, timeZone, NotFoundError, UnprocessableError, type Platform, type Role, type RouteSpec } from '@aftersales/platform';
import { canSee } from '../domain/access';
import { contractCoverage, isContractActive, responseModes, serviceContractStatuses, serviceContractTypes } from '../domain/entitlement';
import { toEntitlementMachine, toServiceContract } from '../domain/installed-base';
import { findVisibleMachine, loadLineage, visibleCustomerIds } from '../store/installed-base';
import { contractsOfCustomers } from '../store/dealer-lists';
import type { ContractDoc, CustomerDoc, IntakeModels, MachineDoc } from '../store/models';
import { contractInForce } from '../domain/contract-lifecycle';
import { callerScope, conflictField, dateInput, dayOrInstant, endOfLastDay, entityId, installedBaseReaders, limitQuery, shortId, startOf } from './common';
import { contractChangeRoutes, presentContractNow } from './contract-changes';
import type { SlaReference } from '../store/sla-reference';
import { linkContract, readModelsOf } from '../store/read-models';
import { contractNowView, itemsOf } from './responses';

export const contractBody = z
  .strictObject({
    id: entityId.optional(),
    customerId: entityId,
    name: z.string().trim().min(1).max(200),
    type: z.enum(serviceContractTypes),
    status: z.enum(serviceContractStatuses).default('active'),
    /** "all": every machine the customer owns, now and later; a list: those machines and the components inside them. */
    coveredSerials: z.union([z.literal('all'), z.array(entityId).min(1).max(5000)]),
    /** A day is read in the contract's zone: `start` from its first instant, `end` the last covered day, inclusive. */
    start: dayOrInstant,
    end: dayOrInstant,
    /** The zone of the contract's days; the customer's first site's when not given. */
    timeZone: timeZone.optional(),
    responseMode: z.enum(responseModes),
    slaPolicyId: entityId,
    calendarId: entityId,
    covers: z.strictObject({ parts: z.boolean(), labour: z.boolean(), travel: z.boolean() }),
    exclusions: z
      .strictObject({ partNumbers: z.array(entityId).max(1000).default([]), categories: z.array(z.string().trim().min(1).max(64)).max(200).default([]) })
      .default({ partNumbers: [], categories: [] }),
    coversConsumables: z.boolean().default(false),
  })
  .superRefine((c, ctx) => {
    // Both read in one zone, so UTC gives their order (the handler checks again in the contract's zone).
    if (endOfLastDay(c.end, 'UTC').getTime() <= startOf(c.start, 'UTC').getTime()) ctx.addIssue({ code: 'custom', path: ['end'], message: 'must be after start' });
    if (Array.isArray(c.coveredSerials)) {
      const seen = new Set<string>();
      c.coveredSerials.forEach((serial, i) => {
        if (seen.has(serial)) ctx.addIssue({ code: 'custom', path: ['coveredSerials', i], message: `${serial} is listed twice` });
        seen.add(serial);
      });
    }
  });

const writers = ['manager', 'platform'] as const satisfies readonly Role[];

/**
 * Service contracts. Served at /v1/service-contracts and, as the issue names them, at
 * /v1/contracts: the same operations under both paths.
 */
export function contractRoutes(platform: Platform, models: IntakeModels, reference: Pick<SlaReference, 'assertTermsExist'>): RouteSpec[] {
  return ['/v1/service-contracts', '/v1/contracts'].flatMap((base) => routesAt(base, platform, models, reference));
}

function routesAt(base: string, platform: Platform, models: IntakeModels, reference: Pick<SlaReference, 'assertTermsExist'>): RouteSpec[] {
  const byId = { id: '$response.body#/id' };
  const follow = (method: string, path: string) => ({ operationId: operationIdOf(method, `${base}/:id${path}`), parameters: byId });
  const create = defineRoute({
    method: 'post',
    path: base,
    summary: 'Register a service contract for a customer: all its machines or a list of them',
    tags: ['service-contracts'],
    roles: writers,
    body: contractBody,
    responses: {
      201: {
        description: 'The contract',
        schema: contractNowView,
        links: { getContract: follow('get', ''), amend: follow('post', '/amendments'), renew: follow('post', '/renewals'), suspend: follow('post', '/suspensions'), resume: follow('post', '/resumptions'), terminate: follow('post', '/terminations') },
      },
    },
    handler: async ({ body, principal }) => {
      const customer = await models.customers.findById(body.customerId).lean<CustomerDoc>();
      if (!customer) throw new UnprocessableError('customerId', `customerId: no customer ${body.customerId}`);
      await reference.assertTermsExist(body);
      const timeZone = body.timeZone ?? customer.sites?.find((site) => site.timeZone)?.timeZone ?? 'UTC';
      const start = startOf(body.start, timeZone);
      const end = endOfLastDay(body.end, timeZone);
      if (end.getTime() <= start.getTime()) throw new UnprocessableError('end', 'end: must be after start');
      if (Array.isArray(body.coveredSerials)) {
        // `_id` reads, 100 at a time: FerretDB v1 serves `{ _id: { $in } }` by reading the whole installed base.
        const serials = [...new Set(body.coveredSerials)];
        const found = await readEachById(serials, (serial) => models.machines.findById(serial, { _id: 1, customerId: 1 }).lean<Pick<MachineDoc, '_id' | 'customerId'>>(), { batch: 100 });
        const owner = new Map<string, string>(found.map((m) => [m._id, m.customerId]));
        body.coveredSerials.forEach((serial, i) => {
          const field = `coveredSerials.${i}`;
          if (!owner.has(serial)) throw new UnprocessableError(field, `${field}: no machine with serial ${serial}`);
          if (owner.get(serial) !== customer._id) throw new UnprocessableError(field, `${field}: machine ${serial} belongs to another customer`);
        });
      }
      const doc: ContractDoc = {
        _id: body.id ?? shortId('SC', randomBytes(8)),
        customerId: customer._id,
        name: body.name,
        type: body.type,
        status: body.status,
        coveredSerials: body.coveredSerials,
        start,
        end,
        timeZone,
        responseMode: body.responseMode,
        slaPolicyId: body.slaPolicyId,
        calendarId: body.calendarId,
        covers: body.covers,
        exclusions: body.exclusions,
        coversConsumables: body.coversConsumables,
        createdAt: platform.now(),
        createdBy: principal!.sub,
      };
      // The customer's link first: a link whose contract insert is then refused names a contract
      // that is missing or someone else's, which the readers skip; a contract is never unlinked.
      await linkContract(readModelsOf(models), customer._id, doc._id);
      try {
        await models.contracts.collection.insertOne(doc as never);
      } catch (error) {
        if (isDuplicateKeyError(error)) throw conflictField('id', `a contract ${doc._id} already exists`);
        throw error;
      }
      return { status: 201, body: presentContractNow(doc, platform.now()), headers: { location: `${base}/${doc._id}` } };
    },
  });

  const list = defineRoute({
    method: 'get',
    path: base,
    summary: 'Contracts by customer, status, the machine they cover, or the instant they are active at',
    tags: ['service-contracts'],
    roles: installedBaseReaders,
    query: z.strictObject({
      customerId: entityId.optional(),
      serial: entityId.optional(),
      status: z.enum(serviceContractStatuses).optional(),
      activeAt: dateInput.optional(),
      limit: limitQuery,
    }),
    responses: { 200: { description: '{ items }', schema: itemsOf(contractNowView) } },
    handler: async ({ query, principal }) => {
      const scope = callerScope(principal, installedBaseReaders);
      const filter: Record<string, unknown> = {};
      let coverage: ((c: ContractDoc) => boolean) | null = null;
      if (query.serial) {
        const found = await findVisibleMachine(models, query.serial, scope);
        if (!found) return { status: 200, body: { items: [] } };
        const lineage = await loadLineage(models, found.machine);
        const node = toEntitlementMachine(found.machine);
        const ancestors = lineage.ancestors.map(toEntitlementMachine);
        filter.customerId = found.machine.customerId;
        coverage = (c) => contractCoverage(toServiceContract(contractInForce(c, query.activeAt ?? platform.now())), { id: found.machine.customerId }, node, ancestors) !== null;
      }
      if (query.customerId) {
        if (filter.customerId && filter.customerId !== query.customerId) return { status: 200, body: { items: [] } };
        filter.customerId = query.customerId;
      }
      const visible = await visibleCustomerIds(models, scope);
      if (query.status) filter.status = query.status;
      const upTo = coverage || query.activeAt ? 5000 : query.limit;
      let docs: ContractDoc[];
      if (visible) {
        // A dealer's: each customer's contract links and contracts by `_id` (dealer-lists.ts), not a filter over every contract.
        const wanted = filter.customerId as string | undefined;
        docs = await contractsOfCustomers(models, wanted ? (visible.includes(wanted) ? [wanted] : []) : visible, { status: query.status, limit: upTo });
      } else {
        docs = await models.contracts.find(filter).sort({ start: -1, _id: 1 }).limit(upTo).lean<ContractDoc[]>();
      }
      if (coverage) docs = docs.filter(coverage);
      if (query.activeAt) docs = docs.filter((c) => isContractActive(toServiceContract(contractInForce(c, query.activeAt!)), query.activeAt!));
      const now = platform.now();
      return { status: 200, body: { items: docs.slice(0, query.limit).map((doc) => presentContractNow(doc, now)) } };
    },
  });

  const read = defineRoute({
    method: 'get',
    path: `${base}/:id`,
    summary: 'One service contract',
    tags: ['service-contracts'],
    roles: installedBaseReaders,
    params: z.object({ id: entityId }),
    responses: { 200: { description: 'The contract', schema: contractNowView } },
    handler: async ({ params, principal }) => {
      const scope = callerScope(principal, installedBaseReaders);
      const doc = await models.contracts.findById(params.id).lean<ContractDoc>();
      const owner = doc && scope.kind === 'dealer' ? await models.customers.findById(doc.customerId, { dealerId: 1 }).lean<Pick<CustomerDoc, 'dealerId'>>() : null;
      if (!doc || (scope.kind === 'dealer' && !canSee(scope, owner?.dealerId))) throw new NotFoundError('service contract', params.id, 'id');
      return { status: 200, body: presentContractNow(doc, platform.now()) };
    },
  });

  return [create, list, read, ...contractChangeRoutes(base, platform, models, reference)];
}
