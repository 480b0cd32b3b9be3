import { insertedOnce, type Platform, bulkWriteInChunks } from '@aftersales/platform';
import { insertMachine } from './installed-base';
import { upsertKnownFix } from './known-fixes';
import type { ContractDoc, CustomerDoc, DealerDoc, IntakeModels, MachineDoc } from './models';
import { linkContract, readModelsOf } from './read-models';

const by = 'demo-data';
const DAY = 86_400_000;

/**
 * Demo dates lie relative to the first load, so the README's first example means the same on any
 * day: SN-0001 was commissioned five months ago, its two-year warranty runs for another nineteen
 * months and contract SC-0001 for another thirty-one; SN-0002's warranty ended ten months ago.
 * Loading again later keeps the dates of the first load (upserts never overwrite).
 */
function demoDates(loadedAt: Date) {
  const daysFrom = (days: number) => new Date(Date.UTC(loadedAt.getUTCFullYear(), loadedAt.getUTCMonth(), loadedAt.getUTCDate()) + days * DAY);
  return {
    loadedAt,
    sn1Installed: daysFrom(-161),
    sn1Commissioned: daysFrom(-150),
    sn1WarrantyEnd: daysFrom(-150 + 730),
    sn2Installed: daysFrom(-1050),
    sn2Commissioned: daysFrom(-1035),
    sn2WarrantyEnd: daysFrom(-1035 + 730),
    contractStart: daysFrom(-150),
    contractEnd: daysFrom(-150 + 3 * 365),
    sn3Installed: daysFrom(-400),
    sn3WarrantyEnd: daysFrom(-400 + 730),
  };
}
type DemoDates = ReturnType<typeof demoDates>;

const dealers = ({ loadedAt }: DemoDates): DealerDoc[] => [
  { _id: 'DLR-0001', name: 'Songhua Machine Tools Trading', region: 'Heilongjiang', contacts: [{ name: 'Zhao Min', phone: '+86 451 5555 0300' }], createdAt: loadedAt, createdBy: by },
  // A second dealer, so a dealer's console shows that another dealer's customers stay out of sight.
  { _id: 'DLR-0002', name: 'Liaohe Industrial Equipment', region: 'Liaoning', contacts: [{ name: 'Sun Jie', phone: '+86 24 5555 0400' }], createdAt: loadedAt, createdBy: by },
];

const customers = (d: DemoDates): Required<CustomerDoc>[] => [
  {
    _id: 'CUST-0001',
    name: 'Jiangnan Precision Parts Co.',
    class: 'key_account',
    dealerId: null,
    contacts: [{ name: 'Li Wei', phone: '+86 21 5555 0101', email: 'li.wei@example.com', role: 'maintenance lead', siteId: 'CUST-0001-S1' }],
    sites: [
      {
        id: 'CUST-0001-S1',
        name: 'Songjiang plant',
        address: '88 Rongle East Road, Songjiang District',
        city: 'Shanghai',
        locationClass: 'provincial-capital',
        coordinates: { lat: 31.0322, lon: 121.2274 },
        timeZone: 'Asia/Shanghai',
      },
    ],
    createdAt: d.loadedAt,
    createdBy: by,
  },
  {
    _id: 'CUST-0002',
    name: 'Harbin Sheet Metal Works',
    class: 'indirect',
    dealerId: 'DLR-0001',
    contacts: [{ name: 'Wang Fang', phone: '+86 451 5555 0202', siteId: 'CUST-0002-S1' }],
    sites: [
      {
        id: 'CUST-0002-S1',
        name: 'Acheng workshop',
        address: '12 Industrial Park Road, Acheng District',
        city: 'Harbin',
        locationClass: 'elsewhere',
        coordinates: { lat: 45.5382, lon: 126.9584 },
        timeZone: 'Asia/Shanghai',
      },
    ],
    createdAt: d.loadedAt,
    createdBy: by,
  },
  {
    _id: 'CUST-0003',
    name: 'Shenyang Fabrication Co.',
    class: 'indirect',
    dealerId: 'DLR-0002',
    contacts: [{ name: 'Zhou Lei', phone: '+86 24 5555 0303', siteId: 'CUST-0003-S1' }],
    sites: [
      {
        id: 'CUST-0003-S1',
        name: 'Tiexi works',
        address: '5 Beiyi Road, Tiexi District',
        city: 'Shenyang',
        locationClass: 'provincial-capital',
        coordinates: { lat: 41.7968, lon: 123.3508 },
        timeZone: 'Asia/Shanghai',
      },
    ],
    createdAt: d.loadedAt,
    createdBy: by,
  },
];

const machines = (d: DemoDates): MachineDoc[] => [
  {
    _id: 'SN-0001',
    customerId: 'CUST-0001',
    siteId: 'CUST-0001-S1',
    model: 'FL-3015',
    productLine: 'fiber-laser-cutting',
    status: 'active',
    installDate: d.sn1Installed,
    commissioningDate: d.sn1Commissioned,
    warranty: { type: 'standard', start: d.sn1Commissioned, end: d.sn1WarrantyEnd },
    supplierOrDealer: 'factory',
    parentSerial: null,
    createdAt: d.loadedAt,
    createdBy: by,
  },
  {
    // The laser source inside SN-0001: no warranty of its own, it inherits its machine's.
    _id: 'SN-0001-LS',
    customerId: 'CUST-0001',
    siteId: 'CUST-0001-S1',
    model: 'LS-6000',
    productLine: 'laser-source',
    status: 'active',
    installDate: d.sn1Installed,
    commissioningDate: d.sn1Commissioned,
    warranty: null,
    supplierOrDealer: 'factory',
    parentSerial: 'SN-0001',
    createdAt: d.loadedAt,
    createdBy: by,
  },
  {
    _id: 'SN-0002',
    customerId: 'CUST-0002',
    siteId: 'CUST-0002-S1',
    model: 'PB-1303',
    productLine: 'press-brake',
    status: 'active',
    installDate: d.sn2Installed,
    commissioningDate: d.sn2Commissioned,
    warranty: { type: 'standard', start: d.sn2Commissioned, end: d.sn2WarrantyEnd },
    supplierOrDealer: 'DLR-0001',
    parentSerial: null,
    createdAt: d.loadedAt,
    createdBy: by,
  },
  {
    _id: 'SN-0003',
    customerId: 'CUST-0003',
    siteId: 'CUST-0003-S1',
    model: 'PB-1303',
    productLine: 'press-brake',
    status: 'active',
    installDate: d.sn3Installed,
    commissioningDate: d.sn3Installed,
    warranty: { type: 'standard', start: d.sn3Installed, end: d.sn3WarrantyEnd },
    supplierOrDealer: 'DLR-0002',
    parentSerial: null,
    createdAt: d.loadedAt,
    createdBy: by,
  },
];

const contracts = (d: DemoDates): ContractDoc[] => [
  {
    _id: 'SC-0001',
    customerId: 'CUST-0001',
    name: 'Jiangnan full service',
    type: 'premium',
    status: 'active',
    coveredSerials: ['SN-0001'],
    start: d.contractStart,
    end: d.contractEnd,
    responseMode: 'on-site',
    slaPolicyId: 'contract-premium',
    calendarId: '24x7',
    covers: { parts: true, labour: true, travel: true },
    createdAt: d.loadedAt,
    createdBy: by,
  },
];

/**
 * The small data set `npm start` loads, so the README's first example works on a first start:
 * CUST-0001 (key account, one site in Shanghai) with SN-0001 under warranty and contract SC-0001,
 * and SN-0001-LS inside it; CUST-0002, an indirect customer of dealer DLR-0001 (SN-0002), and
 * CUST-0003 of dealer DLR-0002 (SN-0003).
 */
export async function loadDemoData(models: IntakeModels, now: Date, deps: Pick<Platform, 'topic' | 'now'>): Promise<void> {
  const dates = demoDates(now);
  const upsert = <T extends { _id: string }>(docs: T[]) => docs.map((d) => ({ updateOne: { filter: { _id: d._id }, update: { $setOnInsert: d }, upsert: true } }));
  // Upserts by id: loading twice changes nothing, and never overwrites what users changed since.
  await bulkWriteInChunks(models.dealers, upsert(dealers(dates)) as never);
  await readModelsOf(models).customerNames.note(customers(dates).map((c) => ({ id: c._id, name: c.name })));
  // One upsert each, so a customer with a dealer is in the dealer's list (dealer-customers.ts).
  for (const customer of customers(dates)) {
    await readModelsOf(models).dealerCustomers.writing(customer._id, [customer.dealerId], () => models.customers.collection.updateOne({ _id: customer._id } as never, { $setOnInsert: customer }, { upsert: true }));
  }
  // Each new machine announces itself (machine.registered) with its insert, as one added over the API does.
  const dealerOf = new Map(customers(dates).map((c) => [c._id, c.dealerId ?? null]));
  for (const machine of machines(dates)) {
    await insertedOnce(insertMachine(deps, models, machine, { dealerId: dealerOf.get(machine.customerId) ?? null }, 'demo-data'));
  }
  await bulkWriteInChunks(models.contracts, upsert(contracts(dates)) as never);
  for (const contract of contracts(dates)) await linkContract(readModelsOf(models), contract.customerId, contract._id);
  // Records from the first demo data set lack sites and warranties: fill in only what is missing.
  for (const { _id, contacts, sites } of customers(dates)) await models.customers.updateOne({ _id, sites: { $exists: false } }, { $set: { contacts, sites } });
  for (const { _id, warrantyEnd: _legacy, createdAt: _c, createdBy: _b, ...fields } of machines(dates)) {
    await models.machines.updateOne({ _id, warranty: { $exists: false } }, { $set: fields, $unset: { warrantyEnd: '' } });
  }
  await upsertKnownFix(
    models,
    {
      articleId: 'KB-0001',
      version: 1,
      title: 'Burr on the cut edge after nozzle change',
      models: ['FL-3015', 'FL-4020'],
      symptom: 'burr dross on cut edge, poor cut quality after nozzle change',
      cause: 'Nozzle not centred on the beam',
      fix: 'Run the nozzle centring routine; replace the nozzle if the bore is damaged',
      parts: ['P-NOZZLE-15'],
      // Quality published KB-0001 on this day (its own demo data); a past date stays true.
      publishedAt: '2026-03-02T00:00:00.000Z',
    },
    null,
    now,
  );
}
