import type { Person, Roster } from '../domain/duty';
import type { NotificationsStore } from './collections';

type DemoPerson = Omit<Person, 'absences' | 'phone' | 'regions' | 'productLines'> & Partial<Pick<Person, 'phone' | 'regions' | 'productLines'>>;

/** A small organisation in which every duty role of the demo's ladders and 8D chains has someone. */
const people: DemoPerson[] = [
  { id: 'P-SH-SUP', name: '王芳 Wang Fang', roles: ['supervisor'], email: 'wang.fang@service.example.com', phone: '+86 21 5555 0201', timeZone: 'Asia/Shanghai', language: 'zh-CN', regions: ['Shanghai', 'Suzhou'], manager: 'P-SVC-MGR' },
  { id: 'P-HB-SUP', name: '刘洋 Liu Yang', roles: ['supervisor'], email: 'liu.yang@service.example.com', timeZone: 'Asia/Shanghai', language: 'zh-CN', regions: ['Harbin'], manager: 'P-SVC-MGR' },
  { id: 'P-SUP-DUTY', name: 'Chen Jie', roles: ['supervisor'], email: 'chen.jie@service.example.com', timeZone: 'Asia/Shanghai', language: 'en', manager: 'P-SVC-MGR' },
  { id: 'P-SVC-MGR', name: '李娜 Li Na', roles: ['service-manager', 'calendar-owner'], email: 'li.na@service.example.com', timeZone: 'Asia/Shanghai', language: 'zh-CN', manager: 'P-BIZ-HEAD' },
  { id: 'P-QA-OWNER', name: '张伟 Zhang Wei', roles: ['quality-owner', 'quality-engineer'], email: 'zhang.wei@quality.example.com', timeZone: 'Asia/Shanghai', language: 'zh-CN', productLines: ['fiber-laser-cutting', 'laser-source'], manager: 'P-QE-LEAD' },
  { id: 'P-QE-LEAD', name: 'Maria Keller', roles: ['quality-engineering-lead'], email: 'maria.keller@quality.example.com', timeZone: 'Europe/Berlin', language: 'en', manager: 'P-QA-MGR' },
  { id: 'P-QA-MGR', name: '赵敏 Zhao Min', roles: ['quality-manager'], email: 'zhao.min@quality.example.com', timeZone: 'Asia/Shanghai', language: 'zh-CN', manager: 'P-PQ-DIR' },
  { id: 'P-PQ-DIR', name: 'Thomas Brandt', roles: ['plant-quality-director'], email: 'thomas.brandt@quality.example.com', timeZone: 'Europe/Berlin', language: 'en', manager: 'P-BIZ-HEAD' },
  { id: 'P-SPARES-APP', name: '孙丽 Sun Li', roles: ['spares-approver'], email: 'sun.li@spares.example.com', timeZone: 'Asia/Shanghai', language: 'zh-CN', manager: 'P-SVC-MGR' },
  // Dispatch's demo engineers, by their engineer ids: work assigned and parts to return reach them.
  { id: 'ENG-SH-01', name: '陈浩 Chen Hao', roles: ['engineer'], email: 'chen.hao@service.example.com', timeZone: 'Asia/Shanghai', language: 'zh-CN', regions: ['Shanghai', 'Suzhou'], manager: 'P-SH-SUP' },
  { id: 'ENG-SZ-02', name: 'Xu Lan', roles: ['engineer'], email: 'xu.lan@service.example.com', timeZone: 'Asia/Shanghai', language: 'en', regions: ['Suzhou'], manager: 'P-SH-SUP' },
  { id: 'ENG-HB-03', name: '孙强 Sun Qiang', roles: ['engineer'], email: 'sun.qiang@service.example.com', timeZone: 'Asia/Shanghai', language: 'zh-CN', regions: ['Harbin'], manager: 'P-HB-SUP' },
  { id: 'P-BIZ-HEAD', name: '周强 Zhou Qiang', roles: ['business-head', 'business-head-quality'], email: 'zhou.qiang@example.com', timeZone: 'Asia/Shanghai', language: 'zh-CN', manager: null },
];

const always = (personId: string) => [{ personId, from: null, until: null }];
const rosters: Roster[] = [
  { id: 'supervisor-shanghai', role: 'supervisor', region: 'Shanghai', productLine: null, shifts: always('P-SH-SUP'), standIn: 'P-SUP-DUTY', acknowledgeWithinMinutes: 15 },
  { id: 'supervisor-harbin', role: 'supervisor', region: 'Harbin', productLine: null, shifts: always('P-HB-SUP'), standIn: 'P-SUP-DUTY', acknowledgeWithinMinutes: 15 },
  { id: 'supervisor-all', role: 'supervisor', region: null, productLine: null, shifts: always('P-SUP-DUTY'), standIn: 'P-SVC-MGR', acknowledgeWithinMinutes: 15 },
  { id: 'service-manager-all', role: 'service-manager', region: null, productLine: null, shifts: always('P-SVC-MGR'), standIn: 'P-BIZ-HEAD', acknowledgeWithinMinutes: 30 },
  // New 8Ds and reports can wait for the morning; escalations never wait.
  { id: 'quality-owner-all', role: 'quality-owner', region: null, productLine: null, shifts: always('P-QA-OWNER'), standIn: 'P-QE-LEAD', acknowledgeWithinMinutes: 240, quietHours: { from: '22:00', until: '07:00' } },
  { id: 'quality-engineering-lead-all', role: 'quality-engineering-lead', region: null, productLine: null, shifts: always('P-QE-LEAD'), standIn: 'P-QA-MGR', acknowledgeWithinMinutes: 240 },
  { id: 'quality-manager-all', role: 'quality-manager', region: null, productLine: null, shifts: always('P-QA-MGR'), standIn: 'P-PQ-DIR', acknowledgeWithinMinutes: 480 },
  { id: 'plant-quality-director-all', role: 'plant-quality-director', region: null, productLine: null, shifts: always('P-PQ-DIR'), standIn: 'P-BIZ-HEAD', acknowledgeWithinMinutes: 480 },
  // Service calendars are operations' to keep: the service manager imports next year's holidays.
  { id: 'calendar-owner-all', role: 'calendar-owner', region: null, productLine: null, shifts: always('P-SVC-MGR'), standIn: 'P-BIZ-HEAD', acknowledgeWithinMinutes: 1440 },
  { id: 'business-head-quality-all', role: 'business-head-quality', region: null, productLine: null, shifts: always('P-BIZ-HEAD'), standIn: null, acknowledgeWithinMinutes: 1440 },
  { id: 'business-head-all', role: 'business-head', region: null, productLine: null, shifts: always('P-BIZ-HEAD'), standIn: null, acknowledgeWithinMinutes: 1440 },
  // Spares' approver chain (SPARES_APPROVERS) and quality's champion on duty name duty roles.
  { id: 'spares-lead-all', role: 'spares-lead', region: null, productLine: null, shifts: always('P-SPARES-APP'), standIn: 'P-SVC-MGR', acknowledgeWithinMinutes: 480 },
  { id: 'spares-manager-all', role: 'spares-manager', region: null, productLine: null, shifts: always('P-SVC-MGR'), standIn: 'P-BIZ-HEAD', acknowledgeWithinMinutes: 480 },
  { id: 'service-head-all', role: 'service-head', region: null, productLine: null, shifts: always('P-BIZ-HEAD'), standIn: null, acknowledgeWithinMinutes: 1440 },
  { id: 'qe-on-duty-all', role: 'qe-on-duty', region: null, productLine: null, shifts: always('P-QA-OWNER'), standIn: 'P-QE-LEAD', acknowledgeWithinMinutes: 240 },
  { id: 'spares-approver-all', role: 'spares-approver', region: null, productLine: null, shifts: always('P-SPARES-APP'), standIn: 'P-SVC-MGR', acknowledgeWithinMinutes: 480 },
];

export const demoPeople: Person[] = people.map((p) => ({ phone: null, regions: [], productLines: [], absences: [], ...p }));
export const demoRosters: Roster[] = rosters;

/** Upserts the demo directory (managers first, so every manager named exists). */
export async function loadDemoData(store: NotificationsStore, now: Date): Promise<void> {
  for (const { id, ...p } of demoPeople) await store.people.replaceOne({ _id: id }, { ...p, updatedAt: now }, { upsert: true });
  for (const { id, ...r } of demoRosters) await store.rosters.replaceOne({ _id: id }, { ...r, updatedAt: now }, { upsert: true });
}
