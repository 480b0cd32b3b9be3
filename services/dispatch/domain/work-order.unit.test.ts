import { describe, expect, it } from 'vitest';
import { decideStep, initialRoute, isReplannable, planningJob, workOrderSteps, type WorkOrderStatus } from './work-order';

describe('work-order steps', () => {
  it('walks a field visit from assignment to completion, one step at a time', () => {
    const path: [WorkOrderStatus, (typeof workOrderSteps)[number], WorkOrderStatus][] = [
      ['assigned', 'accept', 'accepted'],
      ['accepted', 'start-travel', 'travelling'],
      ['travelling', 'arrive', 'on-site'],
      ['on-site', 'start-work', 'working'],
      ['working', 'finish-work', 'work-finished'],
      ['work-finished', 'complete', 'completed'],
    ];
    for (const [from, step, to] of path) expect(decideStep('field-visit', from, step)).toEqual({ ok: true, to });
  });

  it('refuses a step in the wrong status and names the status', () => {
    expect(decideStep('field-visit', 'assigned', 'arrive')).toEqual({ ok: false, reason: 'arrive is not allowed while the work order is assigned (allowed from travelling)' });
    expect(decideStep('field-visit', 'completed', 'decline')).toMatchObject({ ok: false });
    for (const step of workOrderSteps) expect(decideStep('field-visit', 'cancelled', step).ok).toBe(false);
  });

  it('a decline sends the job back to proposed; a remote job has no travel and starts work from the proposal', () => {
    expect(decideStep('field-visit', 'accepted', 'decline')).toEqual({ ok: true, to: 'proposed' });
    expect(decideStep('remote', 'proposed', 'start-work')).toEqual({ ok: true, to: 'working' });
    expect(decideStep('remote', 'accepted', 'start-travel')).toEqual({ ok: false, reason: 'start-travel does not apply to a remote work order' });
  });

  it('routes a remote entitlement remote, everything else to a field visit', () => {
    expect(initialRoute('remote')).toBe('remote');
    expect(initialRoute('on-site')).toBe('field-visit');
    expect(initialRoute('nbd')).toBe('field-visit');
  });

  it('re-plans only what has not started moving', () => {
    expect((['proposed', 'assigned', 'accepted'] as const).every(isReplannable)).toBe(true);
    expect((['travelling', 'on-site', 'working', 'completed'] as const).some(isReplannable)).toBe(false);
  });
});

describe('planning job', () => {
  const facts = { productLine: 'fiber-laser-cutting', site: { city: 'Shanghai', lat: 31, lon: 121 }, tier: 'P1' as const, onSiteDueAt: null, neededParts: ['P-1', 'P-1'] };

  it('needs level 3 for P1, takes the site city as territory and de-duplicates parts', () => {
    const d = planningJob(facts);
    expect(d).toMatchObject({ ok: true, job: { minimumLevel: 3, siteTerritory: 'Shanghai', neededParts: ['P-1'], skill: 'repair' } });
    expect(planningJob({ ...facts, tier: 'P4' })).toMatchObject({ ok: true, job: { minimumLevel: 1 } });
  });

  it('names what is missing when nobody can be ranked', () => {
    expect(planningJob({ ...facts, productLine: null })).toMatchObject({ ok: false, field: 'machine' });
    expect(planningJob({ ...facts, site: null })).toMatchObject({ ok: false, field: 'site' });
  });
});
