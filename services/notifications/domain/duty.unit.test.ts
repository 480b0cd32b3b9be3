import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coveringRosters, resolveDuty, type Person, type Roster } from './duty';

const person = (id: string, extra: Partial<Person> = {}): Person => ({
  id,
  name: id,
  roles: [],
  email: `${id.toLowerCase()}@example.com`,
  phone: null,
  timeZone: 'Asia/Shanghai',
  language: 'en',
  regions: [],
  productLines: [],
  manager: null,
  absences: [],
  ...extra,
});
const roster = (id: string, extra: Partial<Roster> = {}): Roster => ({
  id,
  role: 'supervisor',
  region: null,
  productLine: null,
  shifts: [],
  standIn: null,
  acknowledgeWithinMinutes: 15,
  ...extra,
});
const directory = (...people: Person[]) => new Map(people.map((p) => [p.id, p]));
const at = new Date('2026-03-10T02:00:00Z');

describe('resolveDuty', () => {
  it('the most specific roster answers: region and product line before region before catch-all', () => {
    const rosters = [
      roster('all', { shifts: [{ personId: 'A', from: null, until: null }] }),
      roster('sh', { region: 'Shanghai', shifts: [{ personId: 'B', from: null, until: null }] }),
      roster('sh-laser', { region: 'Shanghai', productLine: 'laser', shifts: [{ personId: 'C', from: null, until: null }] }),
    ];
    const people = directory(person('A'), person('B'), person('C'));
    expect(resolveDuty(rosters, people, { role: 'supervisor', region: 'Shanghai', productLine: 'laser', at }).holders).toEqual([{ personId: 'C', because: 'on-duty', rosterId: 'sh-laser' }]);
    expect(resolveDuty(rosters, people, { role: 'supervisor', region: 'Shanghai', productLine: 'press', at }).holders.map((h) => h.personId)).toEqual(['B']);
    expect(resolveDuty(rosters, people, { role: 'supervisor', region: 'Harbin', productLine: 'laser', at }).holders.map((h) => h.personId)).toEqual(['A']);
    expect(resolveDuty(rosters, people, { role: 'supervisor', region: null, productLine: null, at }).holders.map((h) => h.personId)).toEqual(['A']);
  });

  it('the rotation decides by the instant: from inclusive, until exclusive', () => {
    const rosters = [
      roster('r', {
        shifts: [
          { personId: 'DAY', from: '2026-03-10T00:00:00Z', until: '2026-03-10T10:00:00Z' },
          { personId: 'NIGHT', from: '2026-03-10T10:00:00Z', until: '2026-03-11T00:00:00Z' },
        ],
      }),
    ];
    const people = directory(person('DAY'), person('NIGHT'));
    const who = (iso: string) => resolveDuty(rosters, people, { role: 'supervisor', region: null, productLine: null, at: new Date(iso) }).holders.map((h) => h.personId);
    expect(who('2026-03-10T00:00:00Z')).toEqual(['DAY']);
    expect(who('2026-03-10T09:59:59Z')).toEqual(['DAY']);
    expect(who('2026-03-10T10:00:00Z')).toEqual(['NIGHT']);
    expect(who('2026-03-11T00:00:00Z')).toEqual([]);
  });

  it('an absent holder gives way to the stand-in; an absent stand-in to the next roster', () => {
    const away = { absences: [{ from: '2026-03-09T00:00:00Z', until: '2026-03-12T00:00:00Z' }] };
    const rosters = [
      roster('sh', { region: 'Shanghai', shifts: [{ personId: 'B', from: null, until: null }], standIn: 'S' }),
      roster('all', { shifts: [{ personId: 'A', from: null, until: null }] }),
    ];
    const query = { role: 'supervisor', region: 'Shanghai', productLine: null, at };
    expect(resolveDuty(rosters, directory(person('B', away), person('S'), person('A')), query).holders).toEqual([{ personId: 'S', because: 'stand-in', rosterId: 'sh' }]);
    expect(resolveDuty(rosters, directory(person('B', away), person('S', away), person('A')), query).holders).toEqual([{ personId: 'A', because: 'on-duty', rosterId: 'all' }]);
    // back from absence at its end (exclusive)
    expect(resolveDuty(rosters, directory(person('B', away), person('S')), { ...query, at: new Date('2026-03-12T00:00:00Z') }).holders.map((h) => h.personId)).toEqual(['B']);
  });

  it('says why nobody was found', () => {
    expect(resolveDuty([], directory(), { role: 'quality-manager', region: null, productLine: null, at })).toEqual({ holders: [], rosterId: null, unresolved: 'no roster for role quality-manager' });
    const rosters = [roster('r', { shifts: [{ personId: 'GONE', from: null, until: null }] })];
    expect(resolveDuty(rosters, directory(), { role: 'supervisor', region: null, productLine: null, at }).unresolved).toMatch(/nobody on duty or present for role supervisor \(rosters r\)/);
  });

  it('several on shift are all told, each once', () => {
    const rosters = [roster('r', { shifts: ['A', 'B', 'A'].map((personId) => ({ personId, from: null, until: null })) })];
    expect(resolveDuty(rosters, directory(person('A'), person('B')), { role: 'supervisor', region: null, productLine: null, at }).holders.map((h) => h.personId)).toEqual(['A', 'B']);
  });

  it('property: whoever is named holds the role, is present, and the answering roster covers the query', () => {
    const ids = ['A', 'B', 'C', 'D'];
    const regions = ['Shanghai', 'Harbin', null];
    const lines = ['laser', 'press', null];
    const arbRoster = fc.record({
      id: fc.string({ minLength: 1, maxLength: 4 }),
      role: fc.constantFrom('supervisor', 'service-manager'),
      region: fc.constantFrom(...regions),
      productLine: fc.constantFrom(...lines),
      shifts: fc.array(fc.record({ personId: fc.constantFrom(...ids), from: fc.constant(null), until: fc.constant(null) }), { maxLength: 3 }),
      standIn: fc.option(fc.constantFrom(...ids), { nil: null }),
      acknowledgeWithinMinutes: fc.constant(15),
    });
    fc.assert(
      fc.property(fc.array(arbRoster, { maxLength: 6 }), fc.subarray(ids), fc.constantFrom(...regions), fc.constantFrom(...lines), (rosters, absentIds, region, productLine) => {
        const away = { absences: [{ from: '2026-01-01T00:00:00Z', until: '2027-01-01T00:00:00Z' }] };
        const people = directory(...ids.map((id) => person(id, absentIds.includes(id) ? away : {})));
        const result = resolveDuty(rosters, people, { role: 'supervisor', region, productLine, at });
        const covering = coveringRosters(rosters, { role: 'supervisor', region, productLine });
        for (const h of result.holders) {
          expect(absentIds).not.toContain(h.personId);
          expect(covering.map((r) => r.id)).toContain(h.rosterId);
        }
        // someone present on any covering roster means someone is found
        const anyone = covering.some((r) => [...r.shifts.map((s) => s.personId), r.standIn].some((id) => id !== null && !absentIds.includes(id)));
        expect(result.holders.length > 0).toBe(anyone);
      }),
    );
  });
});
