import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DEFAULT_WEIGHTS,
  estimateTravelMinutes,
  findSlot,
  haversineKm,
  rankCandidates,
  scoreKeys,
  shouldAutoAssign,
  type AssignmentJob,
  type CandidateEngineer,
  type Interval,
} from './assignment';

const at = (hhmm: string, day = 15) => new Date(`2026-06-${day}T${hhmm}:00Z`);
const span = (from: string, to: string, day = 15): Interval => ({ start: at(from, day), end: at(to, day) });
const now = at('08:00');

const job: AssignmentJob = {
  productLine: 'laser',
  skill: 'optics',
  minimumLevel: 3,
  site: { lat: 0, lon: 0 },
  siteTerritory: 'T-EQ',
  onSiteDueAt: at('12:00'),
  tier: 'P1',
  durationMinutes: 60,
  neededParts: [],
};

function engineer(id: string, over: Partial<CandidateEngineer> = {}): CandidateEngineer {
  return {
    engineerId: id,
    skills: [{ productLine: 'laser', skill: 'optics', level: 5 }],
    territories: ['T-EQ'],
    homeBase: { lat: 0, lon: 0 },
    openJobs: 0,
    jobsLast30Days: 10,
    bookings: [],
    absences: [],
    freeWindows: [span('08:00', '17:00'), span('08:00', '17:00', 16)],
    vanStock: [],
    ...over,
  };
}

const partOf = (r: ReturnType<typeof rankCandidates>, id: string, key: string) =>
  r.ranked.find((a) => a.engineerId === id)!.parts.find((p) => p.key === key)!;

describe('travel model', () => {
  it('haversine London–Paris is 343.5 km and Berlin–Munich 504 km, within 1 km', () => {
    expect(Math.abs(haversineKm({ lat: 51.5074, lon: -0.1278 }, { lat: 48.8566, lon: 2.3522 }) - 343.5)).toBeLessThan(1);
    expect(Math.abs(haversineKm({ lat: 52.52, lon: 13.405 }, { lat: 48.1351, lon: 11.582 }) - 504)).toBeLessThan(1);
  });

  it('one degree of longitude on the equator: 111.19 km × 1.3 / 60 km/h = 144.55 min, booked as 145', () => {
    const home = { lat: 0, lon: 1 };
    expect(estimateTravelMinutes(home, job.site)).toBeCloseTo(144.55, 1);
    expect(estimateTravelMinutes(home, job.site, { roadFactor: 1, averageSpeedKmh: 100 })).toBeCloseTo(66.72, 1);
    const r = rankCandidates({ ...job, onSiteDueAt: null }, [engineer('E1', { homeBase: home })], now);
    expect(r.ranked[0]!.travelMinutes).toBe(145);
    expect(r.ranked[0]!.slot).toEqual({ departAt: at('08:00'), start: at('10:25'), end: at('11:25') });
    expect(partOf(r, 'E1', 'travel').explanation).toContain('145 min');
  });
});

describe('findSlot', () => {
  const base = { notBefore: now, durationMinutes: 60, travelMinutes: 30, freeWindows: [span('08:00', '17:00')] };

  it('starts at the window when nothing is booked: leave 08:00, arrive 08:30', () => {
    expect(findSlot({ ...base, busy: [] })).toEqual({ departAt: at('08:00'), start: at('08:30'), end: at('09:30') });
  });

  it('is pushed past a booking that the travel + work block would overlap', () => {
    // 08:00–09:30 would overlap 09:00–10:00, so leave at 10:00, arrive 10:30, done 11:30.
    expect(findSlot({ ...base, busy: [span('09:00', '10:00')] })).toEqual({ departAt: at('10:00'), start: at('10:30'), end: at('11:30') });
  });

  it('moves to the next window when the rest of the day is booked, and respects notBefore', () => {
    const windows = [span('08:00', '17:00'), span('08:00', '17:00', 16)];
    expect(findSlot({ ...base, freeWindows: windows, busy: [span('08:00', '16:00')] })?.start).toEqual(at('08:30', 16));
    expect(findSlot({ ...base, notBefore: at('15:45'), busy: [] })).toBeNull();
  });

  it('rejects a non-positive duration', () => {
    expect(() => findSlot({ ...base, durationMinutes: 0, busy: [] })).toThrow(/durationMinutes/);
  });
});

describe('rankCandidates', () => {
  it('scores a perfect candidate at the sum of the weights (13) with every part explained', () => {
    const r = rankCandidates(job, [engineer('E1')], now);
    const a = r.ranked[0]!;
    expect(a.score).toBeCloseTo(13, 9);
    expect(a.parts.map((p) => p.key)).toEqual([...scoreKeys]);
    for (const p of a.parts) {
      expect(p.weight).toBe(DEFAULT_WEIGHTS[p.key]);
      expect(p.explanation.length).toBeGreaterThan(5);
    }
    expect(partOf(r, 'E1', 'slot').explanation).toBe('earliest arrival 2026-06-15T08:00Z, 4.0 h before the on-site due 2026-06-15T12:00Z');
    expect(partOf(r, 'E1', 'skill').explanation).toContain('level 5 (minimum 3');
  });

  it('values the slot by how much of the time to due it uses: arrival 10:00 for due 12:00 from 08:00 is 0.5', () => {
    const r = rankCandidates(job, [engineer('E1', { bookings: [span('08:00', '10:00')] })], now);
    expect(partOf(r, 'E1', 'slot').value).toBeCloseTo(0.5, 9);
  });

  it('excludes a candidate whose absence blocks the only slots before due', () => {
    const r = rankCandidates(job, [engineer('E1', { absences: [span('07:00', '13:00')] }), engineer('E2')], now);
    expect(r.ranked.map((a) => a.engineerId)).toEqual(['E2']);
    expect(r.ineligible[0]!.ineligibility?.code).toBe('absent');
    expect(r.ineligible[0]!.ineligibility?.explanation).toContain('absent 2026-06-15T07:00Z–2026-06-15T13:00Z');
  });

  it('excludes a skill below the minimum level, and a missing skill', () => {
    const r = rankCandidates(job, [
      engineer('E1', { skills: [{ productLine: 'laser', skill: 'optics', level: 2 }] }),
      engineer('E2', { skills: [{ productLine: 'press', skill: 'optics', level: 5 }] }),
    ], now);
    expect(r.ranked).toEqual([]);
    expect(r.ineligible.map((a) => a.ineligibility?.code)).toEqual(['skill-below-minimum', 'missing-skill']);
    expect(r.ineligible[0]!.ineligibility?.explanation).toBe('laser/optics level 2 is below the minimum 3');
  });

  it('judges an engineer with two rows for one skill by the better, whichever comes first', () => {
    const twice = [{ productLine: 'laser', skill: 'optics', level: 2 }, { productLine: 'laser', skill: 'optics', level: 5 }];
    for (const skills of [twice, [...twice].reverse()]) {
      const r = rankCandidates(job, [engineer('E1', { skills })], now);
      expect(r.ineligible).toEqual([]);
      expect(r.ranked.map((a) => a.engineerId)).toEqual(['E1']);
    }
  });

  it('excludes when the earliest arrival is after the on-site due, but not when the due has already passed', () => {
    // Arrival exactly at the due instant is on time; booked until 12:30, the earliest arrival is late.
    expect(rankCandidates(job, [engineer('E1', { bookings: [span('08:00', '12:00')] })], now).ranked).toHaveLength(1);
    const busy = engineer('E1', { bookings: [span('08:00', '12:30')] });
    const r = rankCandidates(job, [busy], now);
    expect(r.ineligible[0]!.ineligibility?.code).toBe('no-slot-before-due');
    expect(r.ineligible[0]!.slot?.start).toEqual(at('12:30'));
    const overdue = rankCandidates({ ...job, onSiteDueAt: at('07:00') }, [busy], now);
    expect(overdue.ranked.map((a) => a.engineerId)).toEqual(['E1']);
    expect(partOf(overdue, 'E1', 'slot').explanation).toContain('on-site due already passed');
  });

  it('gives the territory bonus: identical engineers, the one covering the site territory wins by its weight', () => {
    const r = rankCandidates(job, [engineer('E1', { territories: ['T-NORTH'] }), engineer('E2')], now);
    expect(r.ranked.map((a) => a.engineerId)).toEqual(['E2', 'E1']);
    expect(r.ranked[0]!.score - r.ranked[1]!.score).toBeCloseTo(DEFAULT_WEIGHTS.territory, 9);
    expect(partOf(r, 'E1', 'territory').explanation).toBe("site territory T-EQ is outside the engineer's territories (T-NORTH)");
  });

  it('favours the engineer with fewer jobs in the last 30 days, and fewer open jobs', () => {
    const fair = rankCandidates(job, [engineer('E1', { jobsLast30Days: 15 }), engineer('E2', { jobsLast30Days: 5 })], now);
    expect(fair.ranked.map((a) => a.engineerId)).toEqual(['E2', 'E1']);
    expect(partOf(fair, 'E1', 'fairness').value).toBe(0);
    expect(partOf(fair, 'E2', 'fairness').explanation).toBe('5 jobs in the last 30 days (pool 5–15)');
    const load = rankCandidates(job, [engineer('E1', { openJobs: 3 }), engineer('E2')], now);
    expect(load.ranked.map((a) => a.engineerId)).toEqual(['E2', 'E1']);
    expect(partOf(load, 'E1', 'load').value).toBeCloseTo(0.25, 9);
  });

  it('gives the parts-on-van bonus by share of needed parts', () => {
    const r = rankCandidates({ ...job, neededParts: ['P-1', 'P-2'] }, [engineer('E1', { vanStock: ['P-1'] }), engineer('E2', { vanStock: ['P-2', 'P-1'] })], now);
    expect(r.ranked.map((a) => a.engineerId)).toEqual(['E2', 'E1']);
    expect(partOf(r, 'E1', 'parts')).toMatchObject({ value: 0.5, points: 0.75, explanation: '1 of 2 needed parts on the van (missing P-2)' });
  });

  it('breaks score ties by earliest slot, then by engineer id', () => {
    const r = rankCandidates({ ...job, onSiteDueAt: null }, [engineer('B'), engineer('A'), engineer('C')], now);
    expect(r.ranked.map((a) => a.engineerId)).toEqual(['A', 'B', 'C']);
  });
});

describe('shouldAutoAssign', () => {
  it('auto-assigns P1 and P2 by default, and follows a configured set', () => {
    expect(['P1', 'P2', 'P3', 'P4'].map((t) => shouldAutoAssign(t))).toEqual([true, true, false, false]);
    expect(shouldAutoAssign('P3', ['P3'])).toBe(true);
    expect(shouldAutoAssign('P1', new Set<string>())).toBe(false);
  });
});

// ---- properties -------------------------------------------------------------------------------

const T0 = Date.parse('2026-06-15T00:00:00Z');
const arbInterval = fc.record({ from: fc.integer({ min: 0, max: 3000 }), len: fc.integer({ min: 1, max: 600 }) }).map(
  ({ from, len }): Interval => ({ start: new Date(T0 + from * 60_000), end: new Date(T0 + (from + len) * 60_000) }),
);
const arbSlotRequest = fc.record({
  notBefore: fc.integer({ min: 0, max: 2000 }).map((m) => new Date(T0 + m * 60_000)),
  durationMinutes: fc.integer({ min: 1, max: 240 }),
  travelMinutes: fc.integer({ min: 0, max: 120 }),
  freeWindows: fc.array(arbInterval, { maxLength: 4 }),
  busy: fc.array(arbInterval, { maxLength: 6 }),
});
const overlaps = (a: { start: Date; end: Date }, b: Interval) => a.start < b.end && b.start < a.end;

const arbCandidate = fc.record({
  level: fc.integer({ min: 1, max: 5 }),
  lat: fc.double({ min: -1, max: 1, noNaN: true }),
  lon: fc.double({ min: -1, max: 1, noNaN: true }),
  openJobs: fc.integer({ min: 0, max: 5 }),
  jobsLast30Days: fc.integer({ min: 0, max: 30 }),
  inTerritory: fc.boolean(),
  bookings: fc.array(arbInterval, { maxLength: 3 }),
  absences: fc.array(arbInterval, { maxLength: 1 }),
  van: fc.subarray(['P-1', 'P-2']),
});
const arbPool = fc.uniqueArray(fc.tuple(fc.constantFrom('A', 'B', 'C', 'D', 'E', 'F', 'G'), arbCandidate), { selector: ([id]) => id, maxLength: 7 }).map(
  (rows) =>
    rows.map(([id, c]) =>
      engineer(id, {
        skills: [{ productLine: 'laser', skill: 'optics', level: c.level }],
        homeBase: { lat: c.lat, lon: c.lon },
        openJobs: c.openJobs,
        jobsLast30Days: c.jobsLast30Days,
        territories: c.inTerritory ? ['T-EQ'] : [],
        bookings: c.bookings,
        absences: c.absences,
        freeWindows: [{ start: new Date(T0 + 8 * 3_600_000), end: new Date(T0 + 17 * 3_600_000) }],
        vanStock: c.van,
      }),
    ),
);

describe('properties', () => {
  const propJob = { ...job, neededParts: ['P-1', 'P-2'], onSiteDueAt: new Date(T0 + 14 * 3_600_000) };
  const propNow = new Date(T0 + 7 * 3_600_000);

  it('the ranking is a permutation of the eligible candidates, independent of input order', () => {
    fc.assert(
      fc.property(arbPool.chain((pool) => fc.tuple(fc.constant(pool), fc.shuffledSubarray(pool, { minLength: pool.length }))), ([pool, shuffled]) => {
        const a = rankCandidates(propJob, pool, propNow);
        const b = rankCandidates(propJob, shuffled, propNow);
        expect(b.ranked.map((x) => x.engineerId)).toEqual(a.ranked.map((x) => x.engineerId));
        expect(b.ineligible).toEqual(a.ineligible);
        expect(a.ranked.length + a.ineligible.length).toBe(pool.length);
        expect(a.ranked.every((x) => x.eligible) && a.ineligible.every((x) => !x.eligible)).toBe(true);
        for (let i = 1; i < a.ranked.length; i++) expect(a.ranked[i - 1]!.score).toBeGreaterThanOrEqual(a.ranked[i]!.score);
      }),
    );
  });

  it('adding a booking never makes the earliest slot earlier', () => {
    fc.assert(
      fc.property(arbSlotRequest, arbInterval, (req, extra) => {
        const before = findSlot(req);
        const after = findSlot({ ...req, busy: [...req.busy, extra] });
        if (before === null) expect(after).toBeNull();
        else if (after !== null) expect(after.start.getTime()).toBeGreaterThanOrEqual(before.start.getTime());
      }),
    );
  });

  it('the found slot, travel included, overlaps no booking and lies within one free window', () => {
    fc.assert(
      fc.property(arbSlotRequest, (req) => {
        const slot = findSlot(req);
        if (slot === null) return;
        const block = { start: slot.departAt, end: slot.end };
        expect(slot.departAt.getTime()).toBeGreaterThanOrEqual(req.notBefore.getTime());
        expect(slot.end.getTime() - slot.start.getTime()).toBe(req.durationMinutes * 60_000);
        expect(req.busy.some((b) => overlaps(block, b))).toBe(false);
        expect(req.freeWindows.some((w) => w.start <= slot.departAt && slot.end <= w.end)).toBe(true);
      }),
    );
  });
});
