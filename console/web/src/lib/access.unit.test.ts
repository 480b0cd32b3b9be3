import { describe, expect, it } from 'vitest';
import { screensFor } from './access';

describe('screens by role', () => {
  it('offers each role only the screens its token may use', () => {
    expect(screensFor(['agent'])).toEqual(['registration', 'customers', 'board', 'inbox']);
    expect(screensFor(['dispatcher'])).toEqual(['board', 'dispatch', 'inbox']);
    expect(screensFor(['dealer'])).toEqual(['registration', 'customers']);
    expect(screensFor(['finance'])).toEqual(['finance', 'inbox']);
    expect(screensFor(['engineer'])).toEqual(['jobs', 'inbox']);
    expect(screensFor(['quality'])).toEqual(['eight-d', 'inbox']);
    expect(screensFor(['spares'])).toEqual(['spares', 'inbox']);
    // Depot engineers raise requisitions but read none of spares' lists: the desk would be empty for them.
    expect(screensFor(['depot'])).not.toContain('spares');
    expect(screensFor(['manager'])).toEqual(['registration', 'customers', 'board', 'dispatch', 'spares', 'eight-d', 'finance', 'kpis', 'audit', 'calendars', 'inbox']);
    // The KPIs and the audit evidence are the business head's and the auditor's screens, not the platform team's.
    expect(screensFor(['auditor'])).toEqual(['customers', 'board', 'eight-d', 'finance', 'kpis', 'audit', 'inbox']);
    expect(screensFor(['platform'])).not.toContain('kpis');
    expect(screensFor(['platform'])).not.toContain('audit');
  });
});
