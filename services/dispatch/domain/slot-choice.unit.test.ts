import { describe, expect, it } from 'vitest';
import type { AssignmentJob, CandidateEngineer, Interval } from './assignment';
import { chooseSlot } from './slot-choice';

// A fixed calendar day: these are pure functions of the instants given.
const at = (hhmm: string) => new Date(`2026-06-15T${hhmm}:00Z`);
const span = (from: string, to: string): Interval => ({ start: at(from), end: at(to) });
const now = at('08:00');
const job: AssignmentJob = { productLine: 'laser', skill: 'repair', minimumLevel: 2, site: { lat: 0, lon: 0 }, siteTerritory: 'T', onSiteDueAt: at('16:00'), tier: 'P2', durationMinutes: 60, neededParts: [] };
const engineer = (over: Partial<CandidateEngineer> = {}): CandidateEngineer => ({
  engineerId: 'ENG-1', skills: [{ productLine: 'laser', skill: 'repair', level: 3 }], territories: ['T'], homeBase: { lat: 0, lon: 0 }, openJobs: 0, jobsLast30Days: 0,
  bookings: [], absences: [], freeWindows: [span('08:00', '17:00')], vanStock: [], ...over,
});

describe('the slot an assignment books', () => {
  it('without a start asked for: the earliest free one after the bookings already there', () => {
    expect(chooseSlot(job, engineer({ bookings: [span('08:00', '10:00')] }), null, now)).toEqual({ ok: true, slot: { departAt: at('10:00'), start: at('10:00'), end: at('11:00') } });
  });

  it('the start asked for, travel before it, when it fits the working time', () => {
    const away = engineer({ homeBase: { lat: 0, lon: 0.3 } }); // 33.4 km × 1.3 at 60 km/h: 44 min
    expect(chooseSlot(job, away, at('11:00'), now)).toEqual({ ok: true, slot: { departAt: at('10:16'), start: at('11:00'), end: at('12:00') } });
  });

  it('refuses, naming the field: a missing skill (engineerId), a past start, an absence, time outside working hours or the planning window (start)', () => {
    expect(chooseSlot(job, engineer({ skills: [] }), null, now)).toMatchObject({ ok: false, field: 'engineerId' });
    expect(chooseSlot(job, engineer({ skills: [{ productLine: 'laser', skill: 'repair', level: 1 }] }), at('10:00'), now)).toMatchObject({ ok: false, field: 'engineerId' });
    expect(chooseSlot(job, engineer(), at('07:00'), now)).toMatchObject({ ok: false, field: 'start', reason: expect.stringContaining('in the past') });
    expect(chooseSlot(job, engineer({ absences: [span('10:30', '11:30')] }), at('10:00'), now)).toMatchObject({ ok: false, field: 'start', reason: expect.stringContaining('absent') });
    expect(chooseSlot(job, engineer({ freeWindows: [span('08:00', '12:00'), span('13:00', '17:00')] }), at('11:30'), now)).toMatchObject({ ok: false, field: 'start', reason: expect.stringContaining('working time') });
    expect(chooseSlot(job, engineer(), at('16:30'), now)).toMatchObject({ ok: false, field: 'start', reason: expect.stringContaining('planning window') });
  });

  it('no free slot before the due instant is refused on engineerId when no start is asked for', () => {
    expect(chooseSlot(job, engineer({ bookings: [span('08:00', '16:30')] }), null, now)).toMatchObject({ ok: false, field: 'engineerId' });
  });
});
