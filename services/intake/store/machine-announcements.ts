import { randomUUID } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import { topics } from '@aftersales/contracts';
import { insertedOnce, insertWithOutbox, type OutboxFields, type Platform } from '@aftersales/platform';
import { machineRegisteredEvent } from '../domain/machine-registration';
import type { CustomerDoc, IntakeModels, MachineDoc } from './models';

/** The announcement of a machine stored before machines announced themselves: one per serial, inserted with its event. */
export interface MachineAnnouncementDoc extends OutboxFields {
  _id: string; // serial number
  announcedAt: Date;
}

export const machineAnnouncementsCollection = 'machineAnnouncements';
const backfillId = 'machine-registered-backfill@1';

export function machineAnnouncements(db: Db): Collection<MachineAnnouncementDoc> {
  return db.collection<MachineAnnouncementDoc>(machineAnnouncementsCollection);
}

/**
 * Once per database: every machine stored before machines announced themselves (no
 * registeredEventId; an earlier `npm start`'s demo data, or a deployment's installed base) gets its
 * machine.registered, so reporting sees the whole installed base. Reads the machines collection
 * once (a scan on FerretDB); keyed by serial, so two processes starting at once announce each once.
 */
export async function announceInstalledBaseOnce(deps: Pick<Platform, 'topic' | 'now'>, models: IntakeModels, builds: Collection<{ _id: string; builtAt: Date }>, announcements: Collection<MachineAnnouncementDoc>): Promise<number> {
  if (await builds.findOne({ _id: backfillId })) return 0;
  const dealerOf = new Map<string, string | null>();
  let announced = 0;
  for await (const machine of models.machines.collection.find({ registeredEventId: { $exists: false } }) as AsyncIterable<MachineDoc>) {
    if (!dealerOf.has(machine.customerId)) dealerOf.set(machine.customerId, (await models.customers.findById(machine.customerId).lean<CustomerDoc>())?.dealerId ?? null);
    const now = deps.now();
    // registeredAt is when intake recorded the machine, as far as its record says.
    const event = machineRegisteredEvent(machine, { dealerId: dealerOf.get(machine.customerId) ?? null }, { eventId: randomUUID(), now: machine.createdAt ?? now, correlationId: backfillId });
    if (await insertedOnce(insertWithOutbox(announcements as never, { _id: machine._id, announcedAt: now }, [{ topic: deps.topic(topics.machines), event }], now))) announced++;
  }
  await insertedOnce(builds.insertOne({ _id: backfillId, builtAt: deps.now() }));
  return announced;
}
