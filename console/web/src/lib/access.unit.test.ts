import { describe, expect, it } from 'vitest';
import { screensFor } from './access';

describe('screens by role', () => {
  it('offers each role only the screens its token may use', () => {
    expect(screensFor(['agent'])).toEqual(['registration', 'board']);
    expect(screensFor(['dispatcher'])).toEqual(['board']);
    expect(screensFor(['dealer'])).toEqual(['registration']);
    expect(screensFor(['finance'])).toEqual([]);
    expect(screensFor(['manager'])).toEqual(['registration', 'board', 'calendars']);
  });
});
