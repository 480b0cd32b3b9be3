import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { registrationBody } from './support/demo';
import { requestStep } from './support/requests';
import { api, freePort } from './support/services';
import { repoRoot } from './support/stack';
import { useTestBed } from './support/testbed';
import { eventually } from './support/wait';

/** `name{labels} value` lines of a Prometheus text page, comments dropped. */
function samples(page: string): { name: string; labels: string; value: number }[] {
  return page
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line)!;
      return { name: m[1]!, labels: m[2] ?? '', value: Number(m[3]) };
    });
}

const temporalMetricsPort = await freePort();

/**
 * /metrics on real processes: a registration and a read at intake, the event applied at dispatch,
 * the consumer lag read from the broker, and the Temporal SDK's own metrics from intake's worker.
 * The Grafana dashboard's Temporal series are held to what that endpoint really exports.
 */
describe('metrics', () => {
  const bed = useTestBed('metrics', {
    intake: { SEED_DEMO_DATA: 'true', TEMPORAL_METRICS_BIND: `127.0.0.1:${temporalMetricsPort}` },
    dispatch: {},
  });
  const scrape = async (service: 'intake' | 'dispatch') => {
    const response = await fetch(`${bed.service(service).url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    return response.text();
  };

  it('exports HTTP latency by route template, events applied, consumer lag and the SDK metrics', async () => {
    const created = await api(bed.service('intake'), 'POST', '/v1/service-requests', { token: bed.token('agent'), body: registrationBody(), headers: { 'idempotency-key': `metrics-${bed.ns}` } });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    bed.started.push(id);
    expect((await api(bed.service('intake'), 'GET', `/v1/service-requests/${id}`, { token: bed.token('agent') })).status).toBe(200);

    const intakePage = samples(await scrape('intake'));
    const http = intakePage.filter((s) => s.name === 'aftersales_http_request_duration_seconds_count');
    expect(http.find((s) => s.labels.includes('route="/v1/service-requests/:id"') && s.labels.includes('method="GET"') && s.labels.includes('status="200"'))?.value).toBe(1);
    expect(http.find((s) => s.labels.includes('route="/v1/service-requests"') && s.labels.includes('method="POST"') && s.labels.includes('status="201"'))?.value).toBe(1);
    // never the raw path: a series per request id would grow without bound
    expect(http.some((s) => s.labels.includes(id))).toBe(false);
    expect(intakePage.some((s) => s.name === 'process_resident_memory_bytes' && s.labels.includes('service="intake"'))).toBe(true);
    // the relay reports each pass; the registration's event went out, so nothing is left waiting
    const backlog = await eventually('the outbox relay reported serviceRequests', async () => {
      const page = samples(await scrape('intake'));
      return page.find((s) => s.name === 'aftersales_outbox_backlog' && s.labels.includes('collection="serviceRequests"'));
    }, { timeoutMs: 30_000, intervalMs: 500 });
    expect(backlog.value).toBe(0);

    const applied = await eventually('dispatch applied the registration', async () => {
      const page = samples(await scrape('dispatch'));
      const sample = page.find((s) => s.name === 'aftersales_events_applied_total' && s.labels.includes('type="service-request.registered@1"'));
      return sample && sample.value >= 1 ? page : undefined;
    }, { timeoutMs: 60_000, intervalMs: 500 });
    // lag is read from the broker per partition of each topic the group reads; caught up, it is zero
    const lag = applied.filter((s) => s.name === 'aftersales_kafka_consumer_lag' && s.labels.includes(`topic="${bed.ns}.intake.service-requests.v1"`));
    expect(lag.length).toBeGreaterThan(0);
    await eventually('dispatch caught up', async () => {
      const now = samples(await scrape('dispatch')).filter((s) => s.name === 'aftersales_kafka_consumer_lag' && s.labels.includes(`topic="${bed.ns}.intake.service-requests.v1"`));
      return now.length > 0 && now.every((s) => s.value === 0) ? true : undefined;
    }, { timeoutMs: 30_000, intervalMs: 500 });

    // A new run's first sync is a local activity: screening makes the worker run an activity task,
    // so the activity series (schedule-to-start) appear.
    await eventually(`${id}'s workflow`, async () => {
      const read = await api(bed.service('intake'), 'GET', `/v1/service-requests/${id}`, { token: bed.token('agent') });
      return (read.body.workflow as { available?: boolean } | null)?.available ? true : undefined;
    });
    expect((await requestStep(bed, id, 'screening', { outcome: 'valid', faultCategory: 'optical', severity: 'critical' })).status).toBe(200);

    const dashboard = readFileSync(`${repoRoot}infra/observability/grafana-dashboard.json`, 'utf8');
    const used = [...new Set([...dashboard.matchAll(/\b(temporal_[a-z_]+)/g)].map((m) => m[1]!))];
    expect(used.length).toBeGreaterThan(0);
    // a series appears once the worker first did that kind of work, so wait for all of them
    const missing = async () => {
      const names = new Set(samples(await (await fetch(`http://127.0.0.1:${temporalMetricsPort}/metrics`)).text()).map((s) => s.name));
      return used.filter((name) => !names.has(name));
    };
    await eventually('the SDK exports every temporal_* series on the dashboard', async () => ((await missing()).length === 0 ? true : undefined), { timeoutMs: 30_000, intervalMs: 1_000 }).catch(() => undefined);
    expect(await missing()).toEqual([]);
  });
});
