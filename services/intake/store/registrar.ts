import type { mongo } from 'mongoose';
import { randomBytes, randomUUID } from 'node:crypto';
import { topics } from '@aftersales/contracts';
import { insertedOnce, insertWithOutbox, isDuplicateKeyError, PlatformError, type Platform } from '@aftersales/platform';
import { canSee, type AccessScope } from '../domain/access';
import { assessRegistration, type Lineage } from '../domain/assessment';
import { checkRegistration, fingerprint, newRequestId, registerServiceRequest, type RegistrationInput } from '../domain/registration';
import { loadLineage } from './installed-base';
import { containmentFor } from './containment';
import { knownFixCandidates } from './known-fixes';
import type { ContractDoc, CustomerDoc, IntakeModels, MachineDoc, RequestAlarm, ServiceRequestDoc } from './models';
import { activeContracts, noteOpenRequestWhenStored, openRequestsOn, readModelsOf } from './read-models';

export type RegistrarDeps = Pick<Platform, 'topic' | 'nudgeOutbox' | 'now' | 'logger'>;

const maxIdAttempts = 5;

export interface RegisterCommand {
  input: RegistrationInput;
  /** Already scoped to the caller (or the alarm); null when the caller sent none. */
  idempotencyKey: string | null;
  /** A repeated key must come with the same body; an alarm's key is its own identity, so it skips this. */
  checkFingerprint: boolean;
  registeredBy: string;
  correlationId: string;
  causationId: string;
  scope: AccessScope;
  alarm?: RequestAlarm;
  /** Flags the caller knows at registration (e.g. planned-maintenance); stored in the same insert. */
  flags?: string[];
  /** The request this one complains about, and the tier the complaint starts at. */
  complaint?: { of: string; tier: 'P1' | 'P2' | 'P3' | 'P4' };
}

export interface RegisterResult {
  created: boolean;
  record: ServiceRequestDoc;
}

/**
 * Registration in one pass: load the customer, the machine and its ancestors, the contracts, the
 * open requests on the machine and the known fixes for its model; decide (pure); store the record
 * and its registered event in one single-document insert (the transactional outbox).
 */
export function createRegistrar(deps: RegistrarDeps, models: IntakeModels, idBytes: () => Uint8Array = () => randomBytes(6)) {
  const requests = models.serviceRequests.collection as unknown as mongo.Collection<ServiceRequestDoc>;
  const read = () => readModelsOf(models);

  /**
   * The request an Idempotency-Key registered: by `_id` in requestKeys. The key's uniqueness itself
   * rests on the unique index of the record's idempotencyKey; only when that refuses an insert (a
   * concurrent twin, or a key written before requestKeys) is the record looked up by the key.
   */
  async function byKey(idempotencyKey: string, fallback = false): Promise<ServiceRequestDoc | null> {
    const link = await read().requestKeys.findOne({ _id: idempotencyKey });
    if (link) {
      const record = await requests.findOne({ _id: link.requestId });
      if (record) return record;
    }
    if (!fallback) return null;
    const record = await requests.findOne({ idempotencyKey });
    if (record) await insertedOnce(read().requestKeys.insertOne({ _id: idempotencyKey, requestId: record._id }));
    return record;
  }

  function replayed(earlier: ServiceRequestDoc, command: RegisterCommand): RegisterResult {
    if (command.checkFingerprint && earlier.requestFingerprint !== fingerprint(command.input)) {
      throw new PlatformError('Idempotency-Key: this key was used with a different body', { status: 422, code: 'idempotency_key_reused', field: 'Idempotency-Key' });
    }
    return { created: false, record: earlier };
  }

  async function register(command: RegisterCommand): Promise<RegisterResult> {
    const { input, idempotencyKey } = command;
    const now = deps.now();
    // The reads keyed by the input alone (the key's earlier request, the customer's contracts, the
    // machine's open requests) go out with the customer and the machine, not after them: a round
    // trip fewer each on every registration; a replay or a refused one (403, 422) wasted a few `_id` reads.
    const earlierRead = idempotencyKey ? byKey(idempotencyKey) : null;
    const contractsRead = activeContracts(read(), models.contracts.collection as unknown as mongo.Collection<ContractDoc>, input.customerId, now);
    const openRead = openRequestsOn(read(), input.serialNumber);
    void contractsRead.catch(() => undefined);
    void openRead.catch(() => undefined);
    const [earlier, customer, machine] = await Promise.all([
      earlierRead,
      models.customers.findById(input.customerId).lean<CustomerDoc>(),
      models.machines.findById(input.serialNumber).lean<MachineDoc>(),
    ]);
    if (earlier) return replayed(earlier, command);
    if (customer && !canSee(command.scope, customer.dealerId)) {
      throw new PlatformError(`customerId: customer ${customer._id} is not one of your customers`, { status: 403, code: 'forbidden', field: 'customerId' });
    }
    checkRegistration(input, customer, machine, now);

    const raisedAt = input.raisedAt ?? now;
    const noLineage: Lineage = { ancestors: [], problem: null };
    const [lineage, contracts, openRequests, fixes, containment] = await Promise.all([
      // An unknown serial joins the customer's reported serials before its record goes in, so the
      // customer's page finds the request (a crash between leaves a serial naming nothing).
      machine ? loadLineage(models, machine) : read().machineLinks.noteReported(customer._id, input.serialNumber).then(() => noLineage),
      machine ? contractsRead : [],
      openRead,
      knownFixCandidates(models, machine?.model ?? null),
      containmentFor(models.containmentFlags, { serialNumber: input.serialNumber, model: machine?.model ?? null, productLine: machine?.productLine ?? null }),
    ]);
    const assessment = assessRegistration({
      at: now,
      serialNumber: input.serialNumber,
      symptom: input.symptom,
      raisedAt,
      customer,
      machine,
      lineage,
      contracts,
      openRequests,
      knownFixCandidates: fixes,
      containment,
    });
    // The machine's lock is taken while the record goes in (its open requests are written once the
    // record is stored): one round trip fewer than taking it after the insert.
    let settle: (record: ServiceRequestDoc | null) => void = () => undefined;
    const storedRecord = new Promise<ServiceRequestDoc | null>((resolve) => (settle = resolve));
    const noted = noteOpenRequestWhenStored(read(), input.serialNumber, storedRecord);
    void noted.catch(() => undefined);
    try {
      // An id is 30 random bits under its day: rare collisions draw another id, a few times at most.
      for (let attempt = 1; ; attempt++) {
        const { record, event } = registerServiceRequest(
          input,
          {
            requestId: newRequestId(now, idBytes()),
            now,
            registeredBy: command.registeredBy,
            correlationId: command.correlationId,
            causationId: command.causationId,
            idempotencyKey,
            eventId: randomUUID(),
          },
          assessment,
          command.alarm ?? null,
          command.complaint ?? null,
        );
        if (command.flags?.length) record.flags = [...new Set([...(record.flags ?? []), ...command.flags])];
        // The key and the machine's open requests are written after the pending entry, not beside
        // it: on FerretDB with SQLite (one writer) the writes of one registration at once made its
        // 201 slower at half load (p50 18 -> 28 ms, p99 53 -> 125 ms, bench:intake A/B, 5 December).
        try {
          await insertWithOutbox(requests, record, [{ topic: deps.topic(topics.serviceRequests), event }], now);
        } catch (error) {
          if (!isDuplicateKeyError(error)) throw error;
          // Two concurrent registrations with one key: the loser answers with the winner's request.
          const winner = idempotencyKey ? await byKey(idempotencyKey, true) : null;
          if (winner) return replayed(winner, command);
          if (attempt >= maxIdAttempts) throw error;
          deps.logger.warn({ serviceRequestId: record._id, attempt }, 'request id already taken; drawing another');
          continue;
        }
        settle(record);
        await Promise.all([idempotencyKey ? insertedOnce(read().requestKeys.insertOne({ _id: idempotencyKey, requestId: record._id })) : null, noted]);
        return stored(record);
      }
    } finally {
      // Not stored (a replay or a failure): the lock is released without a write, before the answer,
      // so no lock of a finished registration is left taken (its take may still be waiting on a twin's).
      settle(null);
      await noted.catch(() => undefined);
    }
  }

  function stored(record: ServiceRequestDoc): RegisterResult {
    deps.nudgeOutbox();
    deps.logger.info(
      {
        serviceRequestId: record._id,
        channel: record.channel,
        entitlement: record.entitlement?.source.kind,
        duplicateOf: record.duplicateOf ?? undefined,
        flags: record.flags?.length ? record.flags : undefined,
      },
      'service request registered',
    );
    return { created: true, record: record as ServiceRequestDoc };
  }

  return { register, byKey };
}

export type Registrar = ReturnType<typeof createRegistrar>;
