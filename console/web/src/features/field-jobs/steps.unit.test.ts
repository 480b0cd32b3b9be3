import { describe, expect, it } from 'vitest';
import { canDecline, nextStep, stepWalk } from './steps';

describe('the step walk', () => {
  it('walks a field visit in dispatch order, one next step at a time', () => {
    const walk: [string, string | null][] = [
      ['assigned', 'acceptance'], ['accepted', 'travel-start'], ['travelling', 'arrival'], ['on-site', 'work-start'], ['working', 'work-finish'], ['work-finished', 'report'], ['completed', null], ['cancelled', null],
    ];
    for (const [status, next] of walk) expect(nextStep('field-visit', status)).toBe(next);
  });

  it('marks what is done, what is next and what comes later', () => {
    const lines = stepWalk('field-visit', 'on-site', { acceptedAt: 'a', travelStartedAt: 'b', arrivedAt: 'c' });
    expect(lines.map((l) => l.state)).toEqual(['done', 'done', 'done', 'next', 'later', 'later']);
    expect(lines[2]).toEqual({ path: 'arrival', state: 'done', doneAt: 'c' });
    expect(stepWalk('field-visit', 'completed', {}).every((l) => l.state === 'done')).toBe(true);
  });

  it('a remote job has no travel and no arrival', () => {
    expect(stepWalk('remote', 'assigned', {}).map((l) => l.path)).toEqual(['acceptance', 'work-start', 'work-finish', 'report']);
    expect(nextStep('remote', 'accepted')).toBe('work-start');
  });

  it('a job is declined only before the engineer sets off', () => {
    expect(['assigned', 'accepted', 'travelling', 'working'].map(canDecline)).toEqual([true, true, false, false]);
  });
});
