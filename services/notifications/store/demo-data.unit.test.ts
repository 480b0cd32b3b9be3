import { describe, expect, it } from 'vitest';
import { defaultEscalationChain } from '@aftersales/workflows';
import { resolveDuty } from '../domain/duty';
import { escalationRoles } from '../domain/notices';
import { demoPeople, demoRosters } from './demo-data';

/** The demo directory tells someone of every demo escalation: every role a ladder step or 8D level names, in every demo region. */
describe('demo directory', () => {
  const people = new Map(demoPeople.map((p) => [p.id, p]));
  // Spares' default approver chain (SPARES_APPROVERS) and quality's champion on duty are roles too.
  const named = ['spares-lead', 'spares-manager', 'service-head', 'qe-on-duty'];
  const roles = [...new Set([...Object.values(escalationRoles).flat(), 'supervisor', 'quality-owner', 'calendar-owner', ...named, ...defaultEscalationChain.map((step) => step.to)])];

  it.each(roles)('%s resolves to a named person in every demo region', (role) => {
    for (const region of ['Shanghai', 'Harbin', 'Suzhou', null]) {
      const duty = resolveDuty(demoRosters, people, { role, region, productLine: 'fiber-laser-cutting', at: new Date() });
      expect(duty.holders.length, `${role} in ${region ?? 'no region'}: ${duty.unresolved}`).toBeGreaterThan(0);
    }
  });

  it('every manager, stand-in and person on shift is in the directory', () => {
    for (const p of demoPeople) if (p.manager) expect(people.has(p.manager), `${p.id}'s manager`).toBe(true);
    for (const r of demoRosters) for (const id of [...r.shifts.map((s) => s.personId), r.standIn]) if (id) expect(people.has(id), `${r.id}: ${id}`).toBe(true);
    expect(resolveDuty(demoRosters, people, { role: 'supervisor', region: 'Shanghai', productLine: null, at: new Date() }).holders.map((h) => h.personId)).toEqual(['P-SH-SUP']);
  });
});
