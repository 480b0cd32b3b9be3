import { isDuplicateKeyError } from '@aftersales/platform';
import type { DepotDoc, DispatchCollections, EngineerDoc } from './models';
import { touchRoster } from './planning-inputs';

/**
 * The demo engineers and depots `npm start` loads. The demo request (CUST-0001 / SN-0001, a
 * fiber-laser-cutting machine in Songjiang, Shanghai) finds ENG-SH-01 best: the skill at level 4,
 * Shanghai territory, 20 km away, on the 24x7 on-call rota the premium contract needs.
 */
export const demoEngineers: EngineerDoc[] = [
  {
    _id: 'ENG-SH-01',
    name: 'Chen Hao',
    skills: [{ productLine: 'fiber-laser-cutting', skill: 'repair', level: 4 }, { productLine: 'laser-source', skill: 'repair', level: 3 }],
    territories: ['Shanghai', 'Suzhou'],
    homeBase: { city: 'Shanghai', lat: 31.2304, lon: 121.4737 },
    calendarId: '24x7',
    absences: [],
    vanStock: ['P-NOZZLE-15', 'P-LENS-20'],
    active: true,
  },
  {
    _id: 'ENG-SZ-02',
    name: 'Xu Lan',
    skills: [{ productLine: 'fiber-laser-cutting', skill: 'repair', level: 5 }],
    territories: ['Suzhou'],
    homeBase: { city: 'Suzhou', lat: 31.2989, lon: 120.5853 },
    calendarId: 'business-hours',
    absences: [],
    vanStock: [],
    active: true,
  },
  {
    _id: 'ENG-HB-03',
    name: 'Sun Qiang',
    skills: [{ productLine: 'press-brake', skill: 'repair', level: 4 }],
    territories: ['Harbin'],
    homeBase: { city: 'Harbin', lat: 45.8038, lon: 126.535 },
    calendarId: 'business-hours',
    absences: [],
    vanStock: [],
    active: true,
  },
];

export const demoDepots: DepotDoc[] = [
  { _id: 'DEP-SH', name: 'Shanghai repair centre', city: 'Shanghai', lat: 31.1443, lon: 121.8083, benches: [{ benchId: 'B1', wipLimit: 1 }, { benchId: 'B2', wipLimit: 2 }] },
];

/** Upserts by id: loading twice changes nothing and never overwrites what dispatchers changed. */
export async function loadDemoData(c: Pick<DispatchCollections, 'engineers' | 'depots' | 'roster'>): Promise<void> {
  const keep = (error: unknown) => {
    if (!isDuplicateKeyError(error)) throw error;
  };
  // Plain inserts: FerretDB v1 drops empty arrays from an upsert's $setOnInsert, and a present document stays as it is.
  for (const e of demoEngineers) await c.engineers.insertOne({ ...e }).catch(keep);
  await touchRoster(c);
  for (const d of demoDepots) await c.depots.insertOne({ ...d }).catch(keep);
}
