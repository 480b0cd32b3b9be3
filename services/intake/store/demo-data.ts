import type { IntakeModels } from './models';

/** The small data set `npm start` loads, so the README's first example works on a first start. */
export async function loadDemoData(models: IntakeModels): Promise<void> {
  const customers = [
    { _id: 'CUST-0001', name: 'Jiangnan Precision Parts Co.', class: 'key_account' as const, dealerId: null },
    { _id: 'CUST-0002', name: 'Harbin Sheet Metal Works', class: 'indirect' as const, dealerId: 'DLR-0001' },
  ];
  const machines = [
    { _id: 'SN-0001', customerId: 'CUST-0001', model: 'FL-3015', productLine: 'fiber-laser-cutting', status: 'active' as const, parentSerial: null, warrantyEnd: new Date('2027-06-30T00:00:00Z') },
    { _id: 'SN-0001-LS', customerId: 'CUST-0001', model: 'LS-6000', productLine: 'laser-source', status: 'active' as const, parentSerial: 'SN-0001', warrantyEnd: null },
    { _id: 'SN-0002', customerId: 'CUST-0002', model: 'PB-1303', productLine: 'press-brake', status: 'active' as const, parentSerial: null, warrantyEnd: new Date('2026-01-31T00:00:00Z') },
  ];
  // Upserts by id: loading twice changes nothing, and never overwrites what users changed since.
  await models.customers.bulkWrite(customers.map((c) => ({ updateOne: { filter: { _id: c._id }, update: { $setOnInsert: c }, upsert: true } })));
  await models.machines.bulkWrite(machines.map((m) => ({ updateOne: { filter: { _id: m._id }, update: { $setOnInsert: m }, upsert: true } })));
}
