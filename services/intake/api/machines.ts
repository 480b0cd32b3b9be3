import { z } from 'zod';
import { defineRoute, isDuplicateKeyError, NotFoundError, UnprocessableError, type Platform, type Role, type RouteSpec } from '@aftersales/platform';
import { canSee } from '../domain/access';
import { entitlementOf } from '../domain/assessment';
import { contractCoverage } from '../domain/entitlement';
import { containmentFor } from '../store/containment';
import { machineDateProblems, siteOf, toEntitlementMachine, toServiceContract } from '../domain/installed-base';
import { assertCanAttach, MachineTreeError } from '../domain/machine-tree';
import { contractsOf, readModelsOf } from '../store/read-models';
import type { mongo } from 'mongoose';
import { findVisibleMachine, insertMachine, loadDescendants, loadLineage, machinesOfCustomer, partsOfMachine, visibleCustomerIds } from '../store/installed-base';
import { machineStatuses, type ContractDoc, type CustomerDoc, type IntakeModels, type MachineDoc } from '../store/models';
import { machinesOfCustomers } from '../store/dealer-lists';
import { recordServiceHistory, serviceHistoryOf } from '../store/service-history';
import { callerScope, conflictField, dateInput, dayOrInstant, endOfLastDay, entityId, forbiddenField, installedBaseReaders, limitQuery, startOf } from './common';
import { historyView, itemsOf, machineDetail, machineLinks, machineView } from './responses';
import { nestChildren, presentContract, presentHistory, presentMachine } from './views';

const text = (max: number) => z.string().trim().min(1).max(max);

export const machineBody = z
  .strictObject({
    serialNumber: entityId,
    customerId: entityId,
    siteId: entityId.nullable().optional(),
    model: entityId,
    productLine: entityId,
    status: z.enum(machineStatuses).default('active'),
    installDate: dateInput.nullable().optional(),
    commissioningDate: dateInput.nullable().optional(),
    /** Days are read in the machine's site's zone: `start` from its first instant, `end` the last covered day, inclusive. */
    warranty: z.strictObject({ type: text(40), start: dayOrInstant.nullable().optional(), end: dayOrInstant }).nullable().optional(),
    supplierOrDealer: text(100).nullable().optional(),
    parentSerial: entityId.nullable().optional(),
  })
  .superRefine((m, ctx) => {
    // Read in UTC here for the order of the dates; the handler reads the warranty in the site's zone.
    const warranty = m.warranty ? { start: m.warranty.start ? startOf(m.warranty.start, 'UTC') : null, end: endOfLastDay(m.warranty.end, 'UTC') } : null;
    for (const problem of machineDateProblems({ installDate: m.installDate ?? null, commissioningDate: m.commissioningDate ?? null, warranty })) {
      ctx.addIssue({ code: 'custom', path: problem.field.split('.'), message: problem.message.slice(problem.field.length + 2) });
    }
    if (m.parentSerial && m.parentSerial === m.serialNumber) ctx.addIssue({ code: 'custom', path: ['parentSerial'], message: 'a machine cannot be part of itself' });
  });

export const partReplacementBody = z.strictObject({
  /** The reporter's own id of the report: sending it again stores it once. */
  reportId: entityId,
  at: dateInput,
  summary: text(2000),
  parts: z
    .array(z.strictObject({ partNumber: entityId, quantity: z.number().int().min(1).max(1000), removedSerial: entityId.optional(), fittedSerial: entityId.optional() }))
    .min(1)
    .max(100),
  serviceRequestId: entityId.optional(),
});

const writers = ['agent', 'manager', 'platform', 'dealer'] as const satisfies readonly Role[];
const reporters = ['dealer', 'engineer', 'agent', 'manager', 'platform'] as const satisfies readonly Role[];
const serialParams = z.object({ serial: entityId });

export function machineRoutes(platform: Platform, models: IntakeModels): RouteSpec[] {
  const create = defineRoute({
    method: 'post',
    path: '/v1/machines',
    summary: 'Add a machine to the installed base (dealers: machines they sold to their own customers)',
    tags: ['machines'],
    roles: writers,
    body: machineBody,
    responses: {
      201: {
        description: 'The machine',
        schema: machineView,
        links: {
          getMachine: { operationId: 'getMachinesBySerial', parameters: { serial: '$response.body#/serialNumber' } },
          getServiceHistory: { operationId: 'getMachinesBySerialServiceHistory', parameters: { serial: '$response.body#/serialNumber' } },
          reportPartReplacement: { operationId: 'postMachinesBySerialPartReplacements', parameters: { serial: '$response.body#/serialNumber' } },
          getEntitlement: { operationId: 'getEntitlements', parameters: { serial: '$response.body#/serialNumber' } },
          getCustomer: { operationId: 'getCustomersById', parameters: { id: '$response.body#/customerId' } },
          registerRequest: machineLinks('').registerRequest!,
        },
      },
    },
    handler: async ({ body, principal, correlationId }) => {
      const scope = callerScope(principal, writers);
      const customer = await models.customers.findById(body.customerId).lean<CustomerDoc>();
      if (!customer) throw new UnprocessableError('customerId', `customerId: no customer ${body.customerId}`);
      if (!canSee(scope, customer.dealerId)) throw forbiddenField('customerId', `customer ${customer._id} is not one of your customers`);
      let parent: MachineDoc | null = null;
      if (body.parentSerial) {
        parent = await models.machines.findById(body.parentSerial).lean<MachineDoc>();
        if (!parent) throw new UnprocessableError('parentSerial', `parentSerial: no machine with serial ${body.parentSerial}`);
        if (parent.customerId !== customer._id) throw new UnprocessableError('parentSerial', `parentSerial: ${parent._id} belongs to another customer`);
        const lineage = await loadLineage(models, parent);
        const known = new Map([parent, ...lineage.ancestors].map((m) => [m._id, { serial: m._id, parentSerial: m.parentSerial ?? null }]));
        try {
          assertCanAttach(body.serialNumber, parent._id, (s) => known.get(s));
        } catch (error) {
          if (error instanceof MachineTreeError) throw new UnprocessableError('parentSerial', `parentSerial: ${error.message}`);
          throw error;
        }
      }
      // A component sits where the machine it is part of sits, unless told otherwise.
      const siteId = body.siteId ?? parent?.siteId ?? null;
      if (siteId && !(customer.sites ?? []).some((s) => s.id === siteId)) {
        throw new UnprocessableError('siteId', `siteId: customer ${customer._id} has no site ${siteId}`);
      }
      const zone = (customer.sites ?? []).find((s) => s.id === siteId)?.timeZone ?? customer.sites?.find((s) => s.timeZone)?.timeZone ?? 'UTC';
      const doc: MachineDoc = {
        _id: body.serialNumber,
        customerId: customer._id,
        siteId,
        model: body.model,
        productLine: body.productLine,
        status: body.status,
        installDate: body.installDate ?? null,
        commissioningDate: body.commissioningDate ?? null,
        warranty: body.warranty ? { type: body.warranty.type, start: body.warranty.start ? startOf(body.warranty.start, zone) : null, end: endOfLastDay(body.warranty.end, zone) } : null,
        supplierOrDealer: body.supplierOrDealer ?? (scope.kind === 'dealer' ? scope.dealerId : null),
        parentSerial: parent?._id ?? null,
        createdAt: platform.now(),
        createdBy: principal!.sub,
      };
      try {
        await insertMachine(platform, models, doc, customer, correlationId);
        platform.nudgeOutbox();
      } catch (error) {
        if (isDuplicateKeyError(error)) throw conflictField('serialNumber', `a machine with serial ${doc._id} is already in the installed base`);
        throw error;
      }
      return { status: 201, body: presentMachine(doc), headers: { location: `/v1/machines/${encodeURIComponent(doc._id)}` } };
    },
  });

  const list = defineRoute({
    method: 'get',
    path: '/v1/machines',
    summary: 'The installed base by customer, model, status or parent (dealers: their customers only)',
    tags: ['machines'],
    roles: installedBaseReaders,
    query: z.strictObject({ customerId: entityId.optional(), model: entityId.optional(), status: z.enum(machineStatuses).optional(), parentSerial: entityId.optional(), limit: limitQuery }),
    responses: { 200: { description: '{ items }', schema: itemsOf(machineView), links: machineLinks('/items/0') } },
    handler: async ({ query, principal }) => {
      const visible = await visibleCustomerIds(models, callerScope(principal, installedBaseReaders));
      // Another dealer's customer: nothing, and nothing of its machines read.
      if (visible && query.customerId && !visible.includes(query.customerId)) return { status: 200, body: { items: [] } };
      // By parent or customer, through the installed base's links (by `_id`), the rest of the query
      // in memory; a dealer's by model or status alone, through its customers' links; anyone
      // else's by model or status alone, a filter.
      const linked = query.parentSerial ? partsOfMachine(models, query.parentSerial) : query.customerId ? machinesOfCustomer(models, query.customerId) : null;
      const wanted = (m: MachineDoc) => (!visible || visible.includes(m.customerId)) && (!query.customerId || m.customerId === query.customerId) && (!query.model || m.model === query.model) && (!query.status || m.status === query.status);
      const docs = linked
        ? (await linked).filter(wanted).slice(0, query.limit)
        : visible
          ? // A dealer's: its customers' links by `_id`, the machines in serial order (dealer-lists.ts), not a filter over every machine.
            await machinesOfCustomers(models, visible, query)
          : await models.machines
              .find({ ...(query.model ? { model: query.model } : {}), ...(query.status ? { status: query.status } : {}) })
              .sort({ _id: 1 })
              .limit(query.limit)
              .lean<MachineDoc[]>();
      return { status: 200, body: { items: docs.map(presentMachine) } };
    },
  });

  const read = defineRoute({
    method: 'get',
    path: '/v1/machines/:serial',
    summary: "A machine with its ancestors and children, site, warranty, today's entitlement, the contracts that cover it and its latest history",
    tags: ['machines'],
    roles: installedBaseReaders,
    params: serialParams,
    responses: { 200: { description: 'The machine', schema: machineDetail, links: machineLinks('') } },
    handler: async ({ params, principal }) => {
      const found = await findVisibleMachine(models, params.serial, callerScope(principal, installedBaseReaders));
      if (!found) throw new NotFoundError('machine', params.serial, 'serial');
      const { machine, customer } = found;
      const now = platform.now();
      const [lineage, descendants, contracts, history, containment] = await Promise.all([
        loadLineage(models, machine),
        loadDescendants(models, machine._id),
        contractsOf(readModelsOf(models), models.contracts.collection as unknown as mongo.Collection<ContractDoc>, machine.customerId),
        serviceHistoryOf(models, machine._id, 20),
        containmentFor(models.containmentFlags, { serialNumber: machine._id, model: machine.model, productLine: machine.productLine }),
      ]);
      const node = toEntitlementMachine(machine);
      const ancestors = lineage.ancestors.map(toEntitlementMachine);
      const covering = contracts.filter((c) => contractCoverage(toServiceContract(c), { id: machine.customerId }, node, ancestors) !== null);
      const site = customer ? siteOf(customer, machine) : null;
      return {
        status: 200,
        body: {
          ...presentMachine(machine),
          customer: customer ? { id: customer._id, name: customer.name, class: customer.class, dealerId: customer.dealerId ?? null } : null,
          site,
          ancestors: lineage.ancestors.map(presentMachine),
          treeProblem: lineage.problem,
          children: nestChildren(machine._id, descendants),
          entitlementNow: entitlementOf({ customerId: machine.customerId, machine, lineage, contracts, at: now }),
          contracts: covering.map(presentContract),
          serviceHistory: history.map(presentHistory),
          containment,
        },
      };
    },
  });

  const history = defineRoute({
    method: 'get',
    path: '/v1/machines/:serial/service-history',
    summary: "A machine's service history, newest first (entries come from dispatch's and spares' reports and dealers' part replacements)",
    tags: ['machines'],
    roles: installedBaseReaders,
    params: serialParams,
    query: z.strictObject({ limit: limitQuery }),
    responses: { 200: { description: '{ items }', schema: z.object({ serialNumber: z.string(), items: z.array(historyView) }) } },
    handler: async ({ params, query, principal }) => {
      const found = await findVisibleMachine(models, params.serial, callerScope(principal, installedBaseReaders));
      if (!found) throw new NotFoundError('machine', params.serial, 'serial');
      const entries = await serviceHistoryOf(models, found.machine._id, query.limit);
      return { status: 200, body: { serialNumber: found.machine._id, items: entries.map(presentHistory) } };
    },
  });

  const reportReplacement = defineRoute({
    method: 'post',
    path: '/v1/machines/:serial/part-replacements',
    summary: 'Report parts replaced on a machine (dealers: on their customers\u2019 machines); recorded once per reportId',
    tags: ['machines'],
    roles: reporters,
    params: serialParams,
    body: partReplacementBody,
    responses: {
      201: { description: 'The history entry', schema: historyView, links: { getServiceHistory: { operationId: 'getMachinesBySerialServiceHistory', parameters: { serial: '$response.body#/serialNumber' } } } },
      200: { description: 'The entry stored by an earlier report with this reportId', schema: historyView },
    },
    handler: async ({ params, body, principal }) => {
      const scope = callerScope(principal, reporters);
      const found = await findVisibleMachine(models, params.serial, scope);
      if (!found) throw new NotFoundError('machine', params.serial, 'serial');
      const now = platform.now();
      if (body.at.getTime() > now.getTime() + 60_000) throw new UnprocessableError('at', 'at: a replacement cannot be reported before it happened');
      const reporter = scope.kind === 'dealer' ? `dealer:${scope.dealerId}` : `user:${principal!.sub}`;
      const entry = {
        _id: `report:${reporter}:${body.reportId}`,
        serialNumber: found.machine._id,
        customerId: found.machine.customerId,
        at: body.at,
        kind: 'part-replacement' as const,
        summary: body.summary,
        parts: body.parts,
        engineer: null,
        serviceRequestId: body.serviceRequestId ?? null,
        workOrderId: null,
        source: { service: 'intake', eventId: null, reportedBy: reporter },
      };
      const { stored } = await recordServiceHistory(models, entry, now);
      const saved = await models.serviceHistory.findById(entry._id).lean();
      return { status: stored ? 201 : 200, body: presentHistory(saved ?? { ...entry, recordedAt: now }) };
    },
  });

  return [create, list, read, history, reportReplacement];
}
