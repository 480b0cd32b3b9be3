import { z } from 'zod';
import { createKeyLocks, defineRoute, NotFoundError, PlatformError, UnprocessableError, type KeyLockDoc, type Platform, type RouteSpec } from '@aftersales/platform';
import {
  amendContract,
  ContractChangeRefused,
  contractInForce,
  renewContract,
  resumeContract,
  suspendContract,
  terminateContract,
  type ContractRecord,
  type ContractTerms,
  type ContractUpdate,
} from '../domain/contract-lifecycle';
import { responseModes, serviceContractTypes } from '../domain/entitlement';
import type { ContractDoc, IntakeModels } from '../store/models';
import type { SlaReference } from '../store/sla-reference';
import { dayOrInstant, endOfLastDay, entityId, startOf } from './common';
import { contractNowView } from './responses';
import { presentContract } from './views';

const termChanges = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    type: z.enum(serviceContractTypes),
    coveredSerials: z.union([z.literal('all'), z.array(entityId).min(1).max(5000)]),
    responseMode: z.enum(responseModes),
    slaPolicyId: entityId,
    calendarId: entityId,
    covers: z.strictObject({ parts: z.boolean(), labour: z.boolean(), travel: z.boolean() }),
    exclusions: z.strictObject({ partNumbers: z.array(entityId).max(1000), categories: z.array(z.string().trim().min(1).max(64)).max(200) }),
    coversConsumables: z.boolean(),
  })
  .partial();
const reason = z.string().trim().min(1).max(1000);

const writers = ['manager', 'platform'] as const;

/** The contract as stored, with what holds now: its version, status and terms at this instant. */
export function presentContractNow(doc: ContractDoc, now: Date) {
  const inForce = contractInForce(doc, now);
  return { ...presentContract(doc), inForce: { at: now, version: inForce.version, status: inForce.status, terms: termsView(inForce) } };
}

function termsView(c: ContractTerms) {
  return { name: c.name, type: c.type, coveredSerials: c.coveredSerials, responseMode: c.responseMode, slaPolicyId: c.slaPolicyId, calendarId: c.calendarId, covers: c.covers, exclusions: c.exclusions ?? { partNumbers: [], categories: [] }, coversConsumables: c.coversConsumables ?? false };
}

/**
 * A contract's changes: amendments, renewals, suspensions, resumptions and terminations, each a
 * numbered version with who and why (domain/contract-lifecycle.ts). A change reads and writes the
 * contract document under the contract's key lock, so two at once never lose one.
 */
export function contractChangeRoutes(base: string, platform: Platform, models: IntakeModels, reference: Pick<SlaReference, 'assertTermsExist'>): RouteSpec[] {
  const locks = createKeyLocks(models.contracts.db.db!.collection<KeyLockDoc>('contractLocks'), { what: 'contract', now: () => new Date() });

  function change<B>(path: string, summary: string, body: z.ZodType<B>, decide: (doc: ContractDoc & ContractRecord, body: B, zone: string, by: { reason: string; by: string; now: Date }) => ContractUpdate): RouteSpec {
    return defineRoute({
      method: 'post',
      path: `${base}/:id/${path}`,
      summary,
      tags: ['service-contracts'],
      roles: writers,
      params: z.object({ id: entityId }),
      body: body as z.ZodType<B & { reason: string }>,
      responses: { 200: { description: 'The contract with the change in its history and what holds now', schema: contractNowView } },
      handler: async ({ params, body: input, principal }) => {
        // An amendment's new terms name managed records: refused here, before the lock, when they name none.
        await reference.assertTermsExist((input as { changes?: { slaPolicyId?: string; calendarId?: string } }).changes ?? {});
        return locks.holding(params.id, async () => {
          const doc = await models.contracts.findById(params.id).lean<ContractDoc>();
          if (!doc) throw new NotFoundError('service contract', params.id, 'id');
          const now = platform.now();
          let update: ContractUpdate;
          try {
            update = decide(doc, input, doc.timeZone ?? 'UTC', { reason: input.reason, by: principal!.sub, now });
          } catch (error) {
            if (!(error instanceof ContractChangeRefused)) throw error;
            if (error.conflict) throw new PlatformError(`${error.field}: ${error.message}`, { status: 409, code: 'conflict', field: error.field });
            throw new UnprocessableError(error.field, `${error.field}: ${error.message}`);
          }
          await models.contracts.collection.updateOne({ _id: doc._id } as never, { $set: update });
          const stored = await models.contracts.findById(params.id).lean<ContractDoc>();
          platform.logger.info({ contractId: doc._id, version: update.version, change: path, by: principal!.sub }, 'service contract changed');
          return { status: 200, body: presentContractNow(stored!, now) };
        });
      },
    });
  }

  return [
    change('amendments', 'Change terms from a date on: a new version; requests keep the version they were registered under', z.strictObject({ effectiveFrom: dayOrInstant, changes: termChanges, reason }), (doc, b, zone, by) =>
      amendContract(doc, { ...by, effectiveFrom: startOf(b.effectiveFrom, zone), changes: b.changes as Partial<ContractTerms> }),
    ),
    change('renewals', 'Extend the contract to a new last day, with new terms for the renewed period if given', z.strictObject({ end: dayOrInstant, changes: termChanges.optional(), reason }), (doc, b, zone, by) =>
      renewContract(doc, { ...by, end: endOfLastDay(b.end, zone), ...(b.changes ? { changes: b.changes as Partial<ContractTerms> } : {}) }),
    ),
    change('suspensions', 'Suspend cover from a date until resumed (unpaid invoices, a machine moved)', z.strictObject({ from: dayOrInstant, reason }), (doc, b, zone, by) => suspendContract(doc, { ...by, from: startOf(b.from, zone) })),
    change('resumptions', 'Resume cover of a suspended contract from a date', z.strictObject({ at: dayOrInstant, reason }), (doc, b, zone, by) => resumeContract(doc, { ...by, at: startOf(b.at, zone) })),
    change('terminations', 'End the contract early: no cover from the effective date on', z.strictObject({ effective: dayOrInstant, reason }), (doc, b, zone, by) => terminateContract(doc, { ...by, effective: startOf(b.effective, zone) })),
  ];
}
