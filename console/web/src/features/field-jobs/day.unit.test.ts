import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { localDay, minutesBetween, todaysJobs, type JobSummary } from './day';

const at = (h: number, m = 0, dayOffset = 0) => new Date(2030, 5, 10 + dayOffset, h, m).toISOString();
const job = (id: string, over: Partial<JobSummary>): JobSummary => ({
  id, requestId: `SR-${id}`, status: 'assigned', route: 'field-visit', tier: 'P2', serialNumber: 'SN-1', customerId: 'C-1', engineerId: 'ENG-1',
  plannedDepartAt: null, plannedStart: null, plannedEnd: null, steps: {}, createdAt: at(6), ...over,
});

describe("today's jobs", () => {
  const now = new Date(2030, 5, 10, 9, 30);

  it('keeps open jobs planned before tonight, in planned order, unplanned last', () => {
    const jobs = [
      job('late', { plannedStart: at(15) }),
      job('early', { plannedStart: at(8) }),
      job('tomorrow', { plannedStart: at(8, 0, 1) }),
      job('unplanned', {}),
      job('yesterday', { plannedStart: at(16, 0, -1), status: 'working' }),
    ];
    expect(todaysJobs(jobs, now).map((j) => j.id)).toEqual(['yesterday', 'early', 'late', 'unplanned']);
  });

  it('keeps jobs completed today and drops older completed and cancelled ones', () => {
    const jobs = [
      job('done-today', { status: 'completed', plannedStart: at(7), steps: { completedAt: at(8) } }),
      job('done-yesterday', { status: 'completed', plannedStart: at(7, 0, -1), steps: { completedAt: at(9, 0, -1) } }),
      job('cancelled', { status: 'cancelled', plannedStart: at(11) }),
    ];
    expect(todaysJobs(jobs, now).map((j) => j.id)).toEqual(['done-today']);
  });

  it('the day runs from local midnight to the next', () => {
    const { start, end } = localDay(now);
    expect([start.getHours(), start.getMinutes(), start.getDate()]).toEqual([0, 0, 10]);
    expect(end.getDate()).toBe(11);
    expect(start.getTime()).toBeLessThanOrEqual(now.getTime());
    expect(end.getTime()).toBeGreaterThan(now.getTime());
  });
});

describe('minutes between two instants', () => {
  it('is the whole minutes forward and never negative', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4e12 }), fc.integer({ min: -1e9, max: 1e9 }), (t, delta) => {
        const minutes = minutesBetween(new Date(t), new Date(t + delta));
        expect(minutes).toBeGreaterThanOrEqual(0);
        if (delta >= 0) expect(Math.abs(minutes * 60_000 - delta)).toBeLessThanOrEqual(30_000);
        else expect(minutes).toBe(0);
      }),
    );
  });
});
