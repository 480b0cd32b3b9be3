import type { mongo } from 'mongoose';
import { isOpenStatus } from '../domain/installed-base';
import type { ServiceRequestDoc } from './models';
import type { IntakeReadModels } from './read-models';

/** What the customer's page shows of an open request. */
export type CustomerOpenRequest = Pick<ServiceRequestDoc, '_id' | 'serialNumber' | 'status' | 'symptom' | 'channel' | 'raisedAt' | 'neededBy' | 'duplicateOf'>;

const shown = { _id: 1, customerId: 1, serialNumber: 1, status: 1, symptom: 1, channel: 1, raisedAt: 1, neededBy: 1, duplicateOf: 1 } as const;

/**
 * A customer's open requests, newest raised first, by `_id` reads only: the customer's serials
 * (machine links), each serial's open requests (machineOpenRequests, kept with every registration
 * and close), then the requests themselves, newest first, until `limit` are found. The page read
 * them by `{ customerId, status }`, which on FerretDB v1 reads every request ever stored. A request
 * is shown as stored: one of another customer on a shared unknown serial, or one closed since its
 * machine's entry was written, is skipped.
 */
export async function openRequestsOfCustomer(models: IntakeReadModels, requests: mongo.Collection<ServiceRequestDoc>, customerId: string, limit = 100): Promise<CustomerOpenRequest[]> {
  const serials = await models.machineLinks.serialsOf(customerId);
  const candidates: { id: string; raisedAt: number }[] = [];
  // In batches, so a customer with thousands of machines does not open thousands of reads at once.
  for (let from = 0; from < serials.length; from += 200) {
    const docs = await Promise.all(serials.slice(from, from + 200).map((serial) => models.machineOpenRequests.findOne({ _id: serial })));
    for (const doc of docs) for (const [id, entry] of Object.entries(doc?.open ?? {})) candidates.push({ id, raisedAt: new Date(entry.raisedAt).getTime() });
  }
  candidates.sort((a, b) => b.raisedAt - a.raisedAt || (a.id < b.id ? -1 : 1));
  const found: CustomerOpenRequest[] = [];
  for (let from = 0; from < candidates.length && found.length < limit; from += limit) {
    const docs = await Promise.all(candidates.slice(from, from + limit).map((c) => requests.findOne({ _id: c.id }, { projection: shown })));
    for (const doc of docs) {
      if (!doc || doc.customerId !== customerId || !isOpenStatus(doc.status)) continue;
      const { customerId: _, ...request } = doc;
      found.push(request);
    }
  }
  return found.sort((a, b) => new Date(b.raisedAt).getTime() - new Date(a.raisedAt).getTime() || (a._id < b._id ? -1 : 1)).slice(0, limit);
}
