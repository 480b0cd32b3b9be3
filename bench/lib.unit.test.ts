import { describe, expect, it } from 'vitest';
import { histogramDelta, histogramOf, histogramQuantile, parsePrometheus } from './lib';

const scrape = `# HELP temporal_sticky_cache_size Current number of cached workflows
# TYPE temporal_sticky_cache_size gauge
temporal_sticky_cache_size{namespace="default",task_queue="q"} 12
temporal_sticky_cache_total_forced_eviction_total{namespace="default"} 3
temporal_sticky_cache_total_forced_eviction_total{namespace="other"} 4
temporal_workflow_task_replay_latency_bucket{workflow_type="a",le="10"} 2
temporal_workflow_task_replay_latency_bucket{workflow_type="a",le="100"} 5
temporal_workflow_task_replay_latency_bucket{workflow_type="a",le="+Inf"} 6
temporal_workflow_task_replay_latency_bucket{workflow_type="b",le="10"} 1
temporal_workflow_task_replay_latency_bucket{workflow_type="b",le="100"} 1
temporal_workflow_task_replay_latency_bucket{workflow_type="b",le="+Inf"} 2
temporal_workflow_task_replay_latency_sum{workflow_type="a"} 700
temporal_workflow_task_replay_latency_count{workflow_type="a"} 6
temporal_workflow_task_replay_latency_sum{workflow_type="b"} 300
temporal_workflow_task_replay_latency_count{workflow_type="b"} 2
nodejs_heap_size_used_bytes 1048576 1700000000000
`;

describe('parsePrometheus', () => {
  it('sums series over labels and drops the temporal_ prefix and _total suffix', () => {
    const parsed = parsePrometheus(scrape);
    expect(parsed.values.get('sticky_cache_size')).toBe(12);
    expect(parsed.values.get('sticky_cache_total_forced_eviction')).toBe(7);
    expect(parsed.values.get('nodejs_heap_size_used_bytes')).toBe(1048576);
    expect(parsed.values.has('# HELP temporal_sticky_cache_size')).toBe(false);
  });

  it('keeps histogram buckets by bound, summed over label sets', () => {
    const h = histogramOf(parsePrometheus(scrape), 'workflow_task_replay_latency');
    expect(h).toEqual({ count: 8, sum: 1000, buckets: [[10, 3], [100, 6], [Number.POSITIVE_INFINITY, 8]] });
    expect(histogramOf(parsePrometheus(scrape), 'missing')).toBeNull();
  });
});

describe('histogram quantiles and deltas', () => {
  const h = histogramOf(parsePrometheus(scrape), 'workflow_task_replay_latency');

  it('reads a quantile as the upper bound of the bucket that holds it', () => {
    expect(histogramQuantile(h, 0.3)).toBe(10);
    expect(histogramQuantile(h, 0.5)).toBe(100);
    expect(histogramQuantile(h, 0.99)).toBe(Number.POSITIVE_INFINITY);
    expect(histogramQuantile(null, 0.5)).toBeNaN();
  });

  it('subtracts an earlier scrape bucket by bucket', () => {
    const before = { count: 3, sum: 30, buckets: [[10, 3], [100, 3], [Number.POSITIVE_INFINITY, 3]] as [number, number][] };
    const delta = histogramDelta(h, before)!;
    expect(delta).toEqual({ count: 5, sum: 970, buckets: [[10, 0], [100, 3], [Number.POSITIVE_INFINITY, 5]] });
    expect(histogramQuantile(delta, 0.5)).toBe(100);
  });
});
