import { describe, expect, it } from 'vitest';
import { createDependencyHealth } from './dependency-health';

const quiet = { warn: () => undefined, info: () => undefined };

describe('createDependencyHealth', () => {
  it('is up until a probe fails, down until a probe succeeds again', async () => {
    let reachable = true;
    const health = createDependencyHealth({ probes: { 'the database': async () => { if (!reachable) throw new Error('ECONNREFUSED'); } }, logger: quiet });
    expect(health.down()).toEqual([]);
    reachable = false;
    await health.probeAll();
    expect(health.down()).toEqual(['the database']);
    expect(health.isDown('the database')).toBe(true);
    reachable = true;
    await health.probeAll();
    expect(health.down()).toEqual([]);
  });

  it('counts a probe that does not answer in time as down', async () => {
    const health = createDependencyHealth({ probes: { broker: () => new Promise(() => undefined) }, logger: quiet, timeoutMs: 20 });
    await health.probeAll();
    expect(health.down()).toEqual(['broker']);
  });

  it('takes a reported outage at once, and only for the dependency named', async () => {
    const health = createDependencyHealth({ probes: { 'the database': async () => undefined, broker: async () => undefined }, logger: quiet });
    health.markDown('broker', 'a request met it');
    expect(health.down()).toEqual(['broker']);
    await health.probeAll();
    expect(health.down()).toEqual([]);
  });

  it('joins a round already running instead of starting another', async () => {
    let calls = 0;
    const health = createDependencyHealth({ probes: { db: async () => { calls++; await new Promise((resolve) => setTimeout(resolve, 10)); } }, logger: quiet });
    await Promise.all([health.probeAll(), health.probeAll(), health.probeAll()]);
    expect(calls).toBe(1);
    await health.probeAll();
    expect(calls).toBe(2);
  });

  it('probes by itself every everyMs once started, and stops when told', async () => {
    let calls = 0;
    const health = createDependencyHealth({ probes: { db: async () => { calls++; } }, logger: quiet, everyMs: 10 });
    health.start();
    await new Promise((resolve) => setTimeout(resolve, 80));
    health.stop();
    const seen = calls;
    expect(seen).toBeGreaterThanOrEqual(2);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(calls).toBeLessThanOrEqual(seen + 1);
  });
});
