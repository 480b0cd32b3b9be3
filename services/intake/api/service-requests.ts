import { requestNoticesOf } from '../events/notices';
import { z } from 'zod';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { channelSchema, contactSchema } from '@aftersales/contracts';
import { defineRoute, emailAddress, NotFoundError, PlatformError, type Platform, type Role, type RouteSpec } from '@aftersales/platform';
import { getStateQuery, type ServiceRequestView } from '@aftersales/workflows';
import { canSee } from '../domain/access';
import { closedRequestStatuses, isOpenStatus } from '../domain/installed-base';
import { requestsOfCustomers } from '../store/dealer-lists';
import { visibleCustomerIds } from '../store/installed-base';
import type { CustomerDoc, IntakeModels, ServiceRequestDoc } from '../store/models';
import { alarmsOfRequest, openRequestsOn, readModelsOf } from '../store/read-models';
import type { Registrar } from '../store/registrar';
import { callerScope, entityId, instant, limitQuery } from './common';
import { itemsOf, requestDetailView, requestLinks, requestRecordView } from './responses';
import { presentAlarm, presentRequest } from './views';

export const registrationBody = z.strictObject({
  customerId: entityId,
  contact: contactSchema
    .extend({ email: emailAddress.optional() })
    .refine((c) => c.phone || c.email, { message: 'give a phone or an e-mail', path: ['phone'] })
    .meta({ anyOf: [{ required: ['phone'] }, { required: ['email'] }] }),
  channel: channelSchema,
  serialNumber: entityId,
  symptom: z.string().trim().min(3).max(4000),
  neededBy: instant,
  raisedAt: instant.optional(),
  /** The agent checked the serial with the caller: register even though it is not in the installed base (flagged machine-unknown). */
  acceptUnknownSerial: z.boolean().optional(),
});

const idempotencyKeyHeader = z.string().min(8).max(200).regex(/^[\x21-\x7e]+$/, 'printable ASCII, no spaces');

const registrars = ['agent', 'manager', 'platform', 'dealer'] as const satisfies readonly Role[];
const readers = ['agent', 'dispatcher', 'manager', 'auditor', 'engineer', 'quality', 'platform', 'dealer'] as const satisfies readonly Role[];

type WorkflowView =
  | null
  | { id: string; runId: string | null; startedAt: Date | null; available: true; state: ServiceRequestView }
  | { id: string; runId: string | null; startedAt: Date | null; available: false; reason: string };

/** The workflow's live state from a query (by the request id, the workflow's id); the record's link is added once it is read. The record still answers when Temporal does not. */
async function liveWorkflow(temporal: Client, requestId: string): Promise<(doc: ServiceRequestDoc) => WorkflowView> {
  const linkOf = (doc: ServiceRequestDoc) => ({ id: doc._id, runId: doc.workflow?.runId ?? null, startedAt: doc.workflow?.startedAt ?? null });
  try {
    const state = await temporal.connection.withDeadline(Date.now() + 5_000, () => temporal.workflow.getHandle(requestId).query(getStateQuery));
    return (doc) => ({ ...linkOf(doc), available: true, state });
  } catch (error) {
    // Not started yet: the registered event is still on its way to the workflow starter.
    if (error instanceof WorkflowNotFoundError) return () => null;
    return (doc) => ({ ...linkOf(doc), available: false, reason: (error as Error).message });
  }
}

export function serviceRequestRoutes(platform: Platform, models: IntakeModels, registrar: Registrar): RouteSpec[] {
  const register = defineRoute({
    method: 'post',
    path: '/v1/service-requests',
    summary: 'Register a service request from any channel: answers with the customer, the machine, its entitlement, a duplicate suggestion and known fixes',
    tags: ['service-requests'],
    roles: registrars,
    body: registrationBody,
    // The demo data's key-account customer and its laser cutter (SEED_DEMO_DATA); needed in two days.
    example: { customerId: 'CUST-0001', contact: { name: 'Li Wei', phone: '+86 21 5555 0101' }, channel: 'phone', serialNumber: 'SN-0001', symptom: 'Cutting head collides with the sheet after the nozzle change', neededBy: new Date(Date.now() + 2 * 86_400_000).toISOString() },
    headerParams: [{ name: 'Idempotency-Key', description: 'Repeat a POST safely: the same key and body answer the same request, and start nothing new.', schema: idempotencyKeyHeader }],
    responses: {
      201: {
        description: 'Registered (or the earlier registration with this Idempotency-Key)',
        schema: requestRecordView,
        links: {
          getServiceRequest: { operationId: 'getServiceRequestsById', parameters: { id: '$response.body#/id' } },
          screen: { operationId: 'postServiceRequestsByIdScreening', parameters: { id: '$response.body#/id' } },
          firstResponse: { operationId: 'postServiceRequestsByIdFirstResponse', parameters: { id: '$response.body#/id' } },
          ...Object.fromEntries(
            ['Cancellation', 'WaitingOnCustomer', 'Resume', 'Retriage', 'Resolution', 'Acceptance', 'Survey', 'Reopening', 'QuoteOverride'].map((step) => [step.charAt(0).toLowerCase() + step.slice(1), { operationId: `postServiceRequestsById${step}`, parameters: { id: '$response.body#/id' } }]),
          ),
          getMachine: { operationId: 'getMachinesBySerial', parameters: { serial: '$response.body#/serialNumber' } },
          getCustomer: { operationId: 'getCustomersById', parameters: { id: '$response.body#/customerId' } },
        },
      },
    },
    handler: async ({ body, headers, principal, requestId, correlationId }) => {
      const scope = callerScope(principal, registrars);
      const rawKey = headers['idempotency-key'];
      let idempotencyKey: string | null = null;
      if (rawKey !== undefined) {
        const parsed = idempotencyKeyHeader.safeParse(rawKey);
        if (!parsed.success) {
          throw new PlatformError(`Idempotency-Key: ${parsed.error.issues[0]?.message}`, { status: 400, code: 'invalid_input', field: 'Idempotency-Key' });
        }
        // Scoped by caller, so two clients choosing the same key never see each other's requests.
        idempotencyKey = `${principal!.sub}:${parsed.data}`;
      }
      const { created, record } = await registrar.register({
        input: body,
        idempotencyKey,
        checkFingerprint: true,
        registeredBy: principal!.sub,
        correlationId,
        causationId: requestId,
        scope,
      });
      return {
        status: 201,
        body: presentRequest(record),
        headers: { location: `/v1/service-requests/${record._id}`, ...(created ? {} : { 'idempotent-replayed': 'true' }) },
      };
    },
  });

  const list = defineRoute({
    method: 'get',
    path: '/v1/service-requests',
    summary:
      "Service requests by status, customer or machine, newest first (dealers: their customers only); `open=true`: open ones only, read by key with `serial` alone. A dealer's list, and anyone's with `customerId`, is read by key: every open request of the customers, and of the closed ones those among each customer's 100 that closed last",
    tags: ['service-requests'],
    roles: readers,
    query: z.strictObject({ status: z.string().trim().min(1).max(40).optional(), customerId: entityId.optional(), serial: entityId.optional(), open: z.enum(['true']).optional(), limit: limitQuery }),
    responses: { 200: { description: '{ items }', schema: itemsOf(requestRecordView), links: requestLinks('read', '$response.body#/items/0/id') } },
    handler: async ({ query, principal }) => {
      const visible = await visibleCustomerIds(models, callerScope(principal, readers));
      if (query.open && query.serial && !query.status) {
        // What the agent sees while typing a serial: the machine's open requests by `_id` reads, not a filter over every request.
        const listed = await openRequestsOn(readModelsOf(models), query.serial, query.limit);
        const docs = await Promise.all(listed.map((r) => models.serviceRequests.findById(r.id, { outbox: 0 }).lean<ServiceRequestDoc>()));
        const shown = docs.filter((d): d is ServiceRequestDoc => d !== null && isOpenStatus(d.status) && (!query.customerId || d.customerId === query.customerId) && (!visible || visible.includes(d.customerId)));
        return { status: 200, body: { items: shown.map(presentRequest) } };
      }
      if (query.open && query.status && !isOpenStatus(query.status)) return { status: 200, body: { items: [] } };
      if (visible || query.customerId) {
        // A dealer's, or one customer's for anyone: each customer's open requests and the 100 that closed last, by `_id` (dealer-lists.ts), not a filter over every request.
        const customers = query.customerId ? (!visible || visible.includes(query.customerId) ? [query.customerId] : []) : (visible ?? []);
        const docs = await requestsOfCustomers(models, customers, { status: query.status, open: query.open === 'true', serial: query.serial, limit: query.limit });
        return { status: 200, body: { items: docs.map(presentRequest) } };
      }
      const filter: Record<string, unknown> = {};
      if (query.status) filter.status = query.status;
      if (query.open) filter.status ??= { $nin: [...closedRequestStatuses] };
      if (query.serial) filter.serialNumber = query.serial;
      const docs = await models.serviceRequests.find(filter, { outbox: 0 }).sort({ registeredAt: -1, _id: 1 }).limit(query.limit).lean<ServiceRequestDoc[]>();
      return { status: 200, body: { items: docs.map(presentRequest) } };
    },
  });

  const read = defineRoute({
    method: 'get',
    path: '/v1/service-requests/:id',
    summary: "A service request's record with its workflow's live state (and, for an alarm, every alarm linked to it)",
    tags: ['service-requests'],
    roles: readers,
    params: z.object({ id: entityId }),
    responses: { 200: { description: 'The record and a `workflow` object (null until the workflow has started)', schema: requestDetailView, links: requestLinks('read', '$response.body#/id') } },
    handler: async ({ params, principal }) => {
      const scope = callerScope(principal, readers);
      // The record, who was told (from the notifications service's facts) and the workflow's live
      // state are read at once: the page waits for the slowest, not their sum. What a caller may
      // not see is read but never shown.
      const [doc, told, live] = await Promise.all([
        models.serviceRequests.findById(params.id).lean<ServiceRequestDoc>(),
        requestNoticesOf(platform).findOne({ _id: params.id }),
        liveWorkflow(platform.temporal, params.id),
      ]);
      const owner = doc && scope.kind === 'dealer' ? await models.customers.findById(doc.customerId, { dealerId: 1 }).lean<Pick<CustomerDoc, 'dealerId'>>() : null;
      if (!doc || (scope.kind === 'dealer' && !canSee(scope, owner?.dealerId))) throw new NotFoundError('service request', params.id, 'id');
      const alarms = doc.channel === 'alarm' ? await alarmsOfRequest(readModelsOf(models), doc._id) : null;
      return {
        status: 200,
        body: { ...presentRequest(doc), ...(alarms ? { alarms: alarms.map(presentAlarm) } : {}), notices: told?.notices ?? [], workflow: live(doc) },
      };
    },
  });

  return [register, list, read];
}
