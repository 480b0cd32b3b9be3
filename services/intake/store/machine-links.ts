import type { mongo } from 'mongoose';
import { createJsonDocuments, insertedOnce, readEachById, unchanged, type KeyLockDoc } from '@aftersales/platform';
import type { MachineDoc, ServiceRequestDoc } from './models';

type Collection<T extends mongo.Document> = mongo.Collection<T>;

/**
 * The installed base's links, read by `_id`: a customer's machines (`customer|<id>`), a
 * machine's direct parts (`parent|<serial>`) and the serials a customer reported that are not in
 * the installed base (`reported|<id>`, requests registered with `acceptUnknownSerial`), each the
 * serials as one JSON string. The customer and
 * machine pages and the proactive-visit plan found them by `{ customerId }` and `{ parentSerial }`
 * filters, which on FerretDB v1 read every machine ever registered. A machine never changes
 * customer or parent (the tree is built by registering parts under their parent), so a serial is
 * only ever added: under the link's key lock (platform createJsonDocuments) and before the
 * machine's insert, so a crash leaves a serial naming nothing, which readers skip, never a machine
 * no link names.
 */
export interface MachineLinksDoc {
  _id: string;
  /** JSON of the serials, in the order they were added. */
  serials: string;
}

/** The links of the machines in `machines` (the collection their serials name). */
export function createMachineLinks(db: mongo.Db, machines: Collection<MachineDoc>) {
  const links = createJsonDocuments(db.collection<MachineLinksDoc>('machineLinks'), db.collection<KeyLockDoc>('machineLinkLocks'), {
    what: 'machine links',
    now: () => new Date(),
    empty: (): { serials: string[] } => ({ serials: [] }),
  });
  const builds = db.collection<{ _id: string; builtAt: Date }>('readModelBuilds');

  const keysOf = (machine: Pick<MachineDoc, 'customerId' | 'parentSerial'>) => [`customer|${machine.customerId}`, ...(machine.parentSerial ? [`parent|${machine.parentSerial}`] : [])];

  /** Adds serials to one link (those it lacks); the caller need not hold the lock. */
  async function add(key: string, serials: readonly string[]): Promise<void> {
    await links.change(key, ({ serials: held }) => {
      const known = new Set(held);
      const fresh = serials.filter((s) => !known.has(s) && (known.add(s), true));
      return fresh.length > 0 ? { serials: [...held, ...fresh] } : unchanged;
    });
  }

  /** Before a machine's insert: its customer and its parent link it. */
  async function note(machine: Pick<MachineDoc, '_id' | 'customerId' | 'parentSerial'>): Promise<void> {
    await Promise.all(keysOf(machine).map((key) => add(key, [machine._id])));
  }

  /** The machines a link names that are stored and still match it, by `_id`, in serial order. */
  async function machinesAt(key: string, matches: (m: MachineDoc) => boolean, limit: number): Promise<MachineDoc[]> {
    const serials = (await links.read(key)).serials.sort();
    // In batches, so a customer with thousands of machines does not open thousands of reads at once.
    const found = await readEachById(serials, (serial) => machines.findOne({ _id: serial }), { batch: 200, keep: matches, limit });
    return found.slice(0, limit);
  }

  /**
   * Before the first request on a serial outside the installed base is stored: the customer's
   * page finds its open requests through the customer's serials (see customer-requests.ts).
   */
  const noteReported = (customerId: string, serial: string) => add(`reported|${customerId}`, [serial]);

  /** Every serial a customer's requests can name: its machines' and those it reported unknown (two `_id` reads). */
  async function serialsOf(customerId: string): Promise<string[]> {
    const [machines, reported] = await Promise.all([links.read(`customer|${customerId}`), links.read(`reported|${customerId}`)]);
    return [...new Set([...machines.serials, ...reported.serials])];
  }

  /**
   * Notes the unknown serials of requests stored before `reported|` links existed, once (one pass
   * over the requests; the marker last, so a pass cut short runs again whole).
   */
  async function buildReportedOnce(requests: Collection<ServiceRequestDoc>, now: Date): Promise<boolean> {
    const id = 'reported-serials@1';
    if (await builds.findOne({ _id: id })) return false;
    const grouped = new Map<string, Set<string>>();
    for await (const request of requests.find({ flags: 'machine-unknown' }, { projection: { customerId: 1, serialNumber: 1 } })) {
      grouped.set(request.customerId, (grouped.get(request.customerId) ?? new Set()).add(request.serialNumber));
    }
    for (const [customerId, serials] of grouped) await add(`reported|${customerId}`, [...serials]);
    await insertedOnce(builds.insertOne({ _id: id, builtAt: now }));
    return true;
  }

  /** The serials a customer's link names (one `_id` read): its machines, some perhaps not stored yet (a registration cut short). */
  const machineSerialsOf = async (customerId: string): Promise<string[]> => (await links.read(`customer|${customerId}`)).serials;

  /** A customer's machines, by serial. */
  const ofCustomer = (customerId: string, limit = 5000) => machinesAt(`customer|${customerId}`, (m) => m.customerId === customerId, limit);

  /** A machine's direct parts, by serial. */
  const partsOf = (serial: string) => machinesAt(`parent|${serial}`, (m) => m.parentSerial === serial, 5000);

  /**
   * Links the machines registered before the links existed, once: grouped in memory, one write per
   * link (a merge with what live registrations added meanwhile); the marker last, so a pass cut
   * short runs again whole.
   */
  async function buildOnce(now: Date): Promise<boolean> {
    const id = 'machine-links@1';
    if (await builds.findOne({ _id: id })) return false;
    const grouped = new Map<string, string[]>();
    for await (const machine of machines.find({}, { projection: { _id: 1, customerId: 1, parentSerial: 1 } })) {
      for (const key of keysOf(machine)) {
        const serials = grouped.get(key) ?? [];
        serials.push(machine._id);
        grouped.set(key, serials);
      }
    }
    for (const [key, serials] of grouped) await add(key, serials);
    await insertedOnce(builds.insertOne({ _id: id, builtAt: now }));
    return true;
  }

  return { note, noteReported, serialsOf, machineSerialsOf, ofCustomer, partsOf, buildOnce, buildReportedOnce };
}

export type MachineLinks = ReturnType<typeof createMachineLinks>;
