import { describe, expect, it } from 'vitest';
import { screensFor } from './access';

describe('screens by role', () => {
  it('offers each role only the screens its token may use', () => {
    expect(screensFor(['agent'])).toEqual(['registration', 'board', 'inbox']);
    expect(screensFor(['dispatcher'])).toEqual(['board', 'inbox']);
    expect(screensFor(['dealer'])).toEqual(['registration']);
    expect(screensFor(['finance'])).toEqual(['inbox']);
    expect(screensFor(['engineer'])).toEqual(['inbox']);
    expect(screensFor(['manager'])).toEqual(['registration', 'board', 'calendars', 'inbox']);
  });
});
