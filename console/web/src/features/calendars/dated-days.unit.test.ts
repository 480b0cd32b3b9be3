import { describe, expect, it } from 'vitest';
import { upcomingDatedDays } from './dated-days';

const day = [{ start: '08:30', end: '12:00' }, { start: '13:00', end: '17:30' }];
const body = {
  kind: 'business' as const,
  timeZone: 'Asia/Shanghai',
  week: { 1: day, 2: day, 3: day, 4: day, 5: day, 6: [], 7: [] },
  holidays: ['2026-01-01', '2026-10-01', '2027-01-01'],
  exceptions: [
    { date: '2026-09-20', hours: day, reason: '国庆节调休' },
    { date: '2026-12-31', hours: [{ start: '08:30', end: '12:00' }], reason: 'short day' },
  ],
};

describe('upcoming dated days', () => {
  it('lists the next months of holidays, make-up days and short days in date order', () => {
    expect(upcomingDatedDays(body, '2026-09-15', 4)).toEqual([
      { date: '2026-09-20', kind: 'working', hours: '08:30–12:00, 13:00–17:30', reason: '国庆节调休' },
      { date: '2026-10-01', kind: 'closed', hours: '', reason: '' },
      { date: '2026-12-31', kind: 'hours', hours: '08:30–12:00', reason: 'short day' },
      { date: '2027-01-01', kind: 'closed', hours: '', reason: '' },
    ]);
  });

  it('leaves out what is past or beyond the months asked for', () => {
    expect(upcomingDatedDays(body, '2026-10-02', 2)).toEqual([]);
    expect(upcomingDatedDays(body, '2026-12-31', 1).map((d) => d.date)).toEqual(['2026-12-31', '2027-01-01']);
  });
});
