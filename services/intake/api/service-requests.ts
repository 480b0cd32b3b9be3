import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { channelSchema, contactSchema, topics } from '@aftersales/contracts';
import {
  defineRoute,
  isDuplicateKeyError,
  NotFoundError,
  outboxForInsert,
  PlatformError,
  type Platform,
  type RouteSpec,
} from '@aftersales/platform';
import { getStateQuery, type ServiceRequestState } from '@aftersales/workflows';
import { checkRegistration, fingerprint, newRequestId, registerServiceRequest, type RegistrationInput } from '../domain/registration';
import type { IntakeModels, ServiceRequestDoc } from '../store/models';

const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

export const registrationBody = z.strictObject({
  customerId: z.string().trim().min(1).max(64),
  contact: contactSchema.refine((c) => c.phone || c.email, { message: 'give a phone or an e-mail', path: ['phone'] }),
  channel: channelSchema,
  serialNumber: z.string().trim().min(1).max(64),
  symptom: z.string().trim().min(3).max(4000),
  neededBy: instant,
  raisedAt: instant.optional(),
});

const idempotencyKeyHeader = z.string().trim().min(8).max(200).regex(/^[\x21-\x7e]+$/, 'printable ASCII, no spaces');

/** The record as the API shows it: stored fields, without the outbox plumbing. */
function present(doc: ServiceRequestDoc) {
  const { _id, outbox: _outbox, outboxDueAt: _due, requestFingerprint: _fp, idempotencyKey: _key, workflow: _wf, ...rest } = doc;
  return { id: _id, ...rest, workflow: null };
}

type WorkflowView =
  | null
  | { id: string; runId: string | null; startedAt: Date | null; available: true; state: ServiceRequestState }
  | { id: string; runId: string | null; startedAt: Date | null; available: false; reason: string };

/** The workflow's live state from a query; the record still answers when Temporal does not. */
async function liveWorkflow(temporal: Client, doc: ServiceRequestDoc): Promise<WorkflowView> {
  const handle = temporal.workflow.getHandle(doc._id);
  const link = { id: doc._id, runId: doc.workflow?.runId ?? null, startedAt: doc.workflow?.startedAt ?? null };
  try {
    const state = await temporal.connection.withDeadline(Date.now() + 5_000, () => handle.query(getStateQuery));
    return { ...link, available: true, state };
  } catch (error) {
    // Not started yet: the registered event is still on its way to the workflow starter.
    if (error instanceof WorkflowNotFoundError) return null;
    return { ...link, available: false, reason: (error as Error).message };
  }
}

export function serviceRequestRoutes(platform: Platform, models: IntakeModels): RouteSpec[] {
  const register = defineRoute({
    method: 'post',
    path: '/v1/service-requests',
    summary: 'Register a service request from any channel',
    tags: ['service-requests'],
    roles: ['agent', 'manager', 'platform'],
    body: registrationBody,
    headerParams: [{ name: 'Idempotency-Key', description: 'Repeat a POST safely: the same key and body answer the same request, and start nothing new.' }],
    responses: { 201: { description: 'Registered (or the earlier registration with this Idempotency-Key)' } },
    handler: async ({ body, headers, principal, requestId, correlationId }) => {
      const rawKey = headers['idempotency-key'];
      let idempotencyKey: string | null = null;
      if (rawKey !== undefined) {
        const parsed = idempotencyKeyHeader.safeParse(rawKey);
        if (!parsed.success) {
          throw new PlatformError(`Idempotency-Key: ${parsed.error.issues[0]?.message}`, { status: 400, code: 'invalid_input', field: 'Idempotency-Key' });
        }
        // Scoped by caller, so two clients choosing the same key never see each other's requests.
        idempotencyKey = `${principal!.sub}:${parsed.data}`;
        const earlier = await models.serviceRequests.findOne({ idempotencyKey }).lean();
        if (earlier) return replay(earlier, body);
      }
      const now = platform.now();
      const [customer, machine] = await Promise.all([
        models.customers.findById(body.customerId).lean(),
        models.machines.findById(body.serialNumber).lean(),
      ]);
      checkRegistration(body, customer, machine, now);
      const { record, event } = registerServiceRequest(body, {
        requestId: newRequestId(now, randomBytes(6)),
        now,
        registeredBy: principal!.sub,
        correlationId,
        causationId: requestId,
        idempotencyKey,
        eventId: randomUUID(),
      });
      try {
        await models.serviceRequests.collection.insertOne({
          ...record,
          ...outboxForInsert([{ topic: platform.topic(topics.serviceRequests), event }], now),
        } as never);
      } catch (error) {
        // Two concurrent POSTs with one key: the loser answers with the winner's request.
        if (idempotencyKey && isDuplicateKeyError(error)) {
          const winner = await models.serviceRequests.findOne({ idempotencyKey }).lean();
          if (winner) return replay(winner, body);
        }
        throw error;
      }
      platform.nudgeOutbox();
      platform.logger.info({ serviceRequestId: record._id, channel: record.channel }, 'service request registered');
      return { status: 201, body: present(record as ServiceRequestDoc), headers: { location: `/v1/service-requests/${record._id}` } };
    },
  });

  function replay(earlier: ServiceRequestDoc, body: RegistrationInput) {
    if (earlier.requestFingerprint !== fingerprint(body)) {
      throw new PlatformError('Idempotency-Key: this key was used with a different body', { status: 422, code: 'idempotency_key_reused', field: 'Idempotency-Key' });
    }
    return { status: 201, body: present(earlier), headers: { 'idempotent-replayed': 'true', location: `/v1/service-requests/${earlier._id}` } };
  }

  const read = defineRoute({
    method: 'get',
    path: '/v1/service-requests/:id',
    summary: "A service request's record with its workflow's live state",
    tags: ['service-requests'],
    roles: ['agent', 'dispatcher', 'manager', 'auditor', 'engineer', 'quality', 'platform'],
    params: z.object({ id: z.string().min(1).max(64) }),
    responses: { 200: { description: 'The record and a `workflow` object (null until the workflow has started)' } },
    handler: async ({ params }) => {
      const doc = await models.serviceRequests.findById(params.id).lean();
      if (!doc) throw new NotFoundError('service request', params.id, 'id');
      return { status: 200, body: { ...present(doc), workflow: await liveWorkflow(platform.temporal, doc) } };
    },
  });

  return [register, read];
}
