import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import type { Admin } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createMetrics, partitionLag } from './metrics';

const noAdmin = () => Promise.reject(new Error('no broker in a unit test')) as Promise<Admin>;

describe('partitionLag', () => {
  it('is what the group has yet to read, never negative', () => {
    expect(partitionLag('120', '100')).toBe(20);
    expect(partitionLag('120', '-1')).toBe(120); // nothing committed yet: all of it
    expect(partitionLag('100', '120')).toBe(0); // a commit seen before the watermark caught up
    fc.assert(
      fc.property(fc.nat(1e9), fc.integer({ min: -1, max: 1e9 }), (high, committed) => {
        const lag = partitionLag(String(high), String(committed));
        return lag >= 0 && lag <= high && (committed < 0 || lag === Math.max(0, high - committed));
      }),
    );
  });
});

describe('the Grafana dashboard', () => {
  it("uses only series this process exports (the SDK's temporal_* are checked against a live worker in e2e)", async () => {
    const metrics = createMetrics('intake', noAdmin);
    const exported = new Set<string>();
    for (const m of await metrics.registry.getMetricsAsJSON()) {
      exported.add(m.name);
      if (String(m.type) === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) exported.add(`${m.name}${suffix}`);
    }
    const dashboard = readFileSync(new URL('../../../infra/observability/grafana-dashboard.json', import.meta.url), 'utf8');
    const used = [...new Set([...dashboard.matchAll(/\b((?:aftersales|process|nodejs)_[a-z0-9_]+)/g)].map((m) => m[1]!))];
    expect(used.length).toBeGreaterThanOrEqual(10);
    expect(used.filter((name) => !exported.has(name))).toEqual([]);
  });
});
