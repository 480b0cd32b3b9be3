import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { registrationBody } from './support/demo';
import { requestStep } from './support/requests';
import { api } from './support/services';
import { useTestBed } from './support/testbed';
import { eventually } from './support/wait';

interface CollectedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  links: { traceId: string; spanId: string }[];
}

/** A loopback OTLP/HTTP (JSON) receiver, standing in for the OpenTelemetry Collector. */
const spans: CollectedSpan[] = [];
const collector: Server = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString()));
  req.on('end', () => {
    const payload = JSON.parse(body || '{}') as {
      resourceSpans?: { resource?: { attributes?: { key: string; value: { stringValue?: string } }[] }; scopeSpans?: { spans?: (Omit<CollectedSpan, 'service' | 'links'> & { links?: CollectedSpan['links'] })[] }[] }[];
    };
    for (const rs of payload.resourceSpans ?? []) {
      const service = rs.resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue ?? '?';
      for (const ss of rs.scopeSpans ?? []) for (const s of ss.spans ?? []) spans.push({ service, traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId ?? '', name: s.name, links: (s.links ?? []).map((l) => ({ traceId: l.traceId, spanId: l.spanId })) });
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}/v1/traces`;
const tracingEnv = { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: endpoint, OTEL_BSP_SCHEDULE_DELAY: '200' };

/**
 * One trace from the caller to the other service: the agent's traceparent on POST at intake, the
 * event stored with it and sent as a Kafka header, intake's own consumer starting the workflow
 * (the start carries the context in its headers), the workflow's activities (its start header
 * copied onto each, workflows/src/trace-context.ts), the events an activity stores, and dispatch
 * applying both the registration and the workflow's request for dispatch, which follows a
 * screening sent in a call of its own: a workflow's activities stay in the trace it started in.
 */
describe('a trace across services', () => {
  const bed = useTestBed('trace', { intake: { SEED_DEMO_DATA: 'true', ...tracingEnv }, dispatch: tracingEnv });
  afterAll(() => new Promise<void>((resolve) => collector.close(() => resolve())));

  it('runs from the HTTP request through Kafka to the workflow, its activities and to dispatch', async () => {
    const traceId = randomBytes(16).toString('hex');
    const callerSpan = randomBytes(8).toString('hex');
    const created = await api(bed.service('intake'), 'POST', '/v1/service-requests', {
      token: bed.token('agent'),
      body: registrationBody(),
      headers: { 'idempotency-key': `trace-${bed.ns}`, traceparent: `00-${traceId}-${callerSpan}-01` },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    bed.started.push(id);
    // The agent screens it in a call of its own (a trace of its own); the workflow's activities
    // stay in the trace it was started in, so the dispatch request it emits does too.
    await eventually(`${id}'s workflow`, async () => {
      const read = await api(bed.service('intake'), 'GET', `/v1/service-requests/${id}`, { token: bed.token('agent') });
      return (read.body.workflow as { available?: boolean } | null)?.available ? true : undefined;
    });
    expect((await requestStep(bed, id, 'screening', { outcome: 'valid', faultCategory: 'optical', severity: 'critical' })).status).toBe(200);

    const wanted: [string, RegExp][] = [
      ['intake', /^POST \/v1\/service-requests$/],
      // the workflow starter consumes in batches; each event's start runs in a span of that event's trace
      ['intake', /^consume service-request\.registered@1$/],
      ['intake', /^StartWorkflow:serviceRequest$/],
      ['dispatch', /^consume service-request\.registered@1$/],
      ['intake', /^RunActivity:syncServiceRequest$/],
      ['dispatch', /^consume service-request\.dispatch-requested@1$/],
    ];
    const inTrace = await eventually('every span of the trace collected', async () => {
      const mine = spans.filter((s) => s.traceId === traceId);
      return wanted.every(([service, name]) => mine.some((s) => s.service === service && name.test(s.name))) ? mine : undefined;
    }, { timeoutMs: 60_000, intervalMs: 500 }).catch(() => spans.filter((s) => s.traceId === traceId));
    const seen = inTrace.map((s) => `${s.service} ${s.name}`);
    for (const [service, name] of wanted) expect(seen.some((s) => s.startsWith(`${service} `) && name.test(s.slice(service.length + 1))), `${service} ${name}; saw ${seen.join(', ')}`).toBe(true);

    // the HTTP span is the child of the caller's, and every other span descends from it
    const http = inTrace.find((s) => s.name === 'POST /v1/service-requests')!;
    expect(http.parentSpanId).toBe(callerSpan);
    const byId = new Map(inTrace.map((s) => [s.spanId, s]));
    const descendsFromHttp = (s: CollectedSpan): boolean => s.spanId === http.spanId || (byId.has(s.parentSpanId) && descendsFromHttp(byId.get(s.parentSpanId)!));
    for (const [service, name] of wanted) {
      const span = inTrace.find((s) => s.service === service && name.test(s.name))!;
      expect(descendsFromHttp(span), `${service} ${span.name} descends from the HTTP span`).toBe(true);
    }
    // the activity is a child of the workflow's start
    const start = inTrace.find((s) => s.name === 'StartWorkflow:serviceRequest')!;
    const activity = inTrace.find((s) => s.name === 'RunActivity:syncServiceRequest')!;
    expect(activity.parentSpanId).toBe(start.spanId);
    // the batch's span is a trace of its own, linked to the trace of every event in it (and back)
    const consumed = inTrace.find((s) => s.service === 'intake' && s.name === 'consume service-request.registered@1')!;
    expect(start.parentSpanId).toBe(consumed.spanId);
    const batch = spans.find((s) => s.service === 'intake' && s.name === 'consume batch' && s.links.some((l) => l.traceId === traceId));
    expect(batch, 'a batch span linked to this trace').toBeDefined();
    expect(batch!.traceId).not.toBe(traceId);
    expect(batch!.links).toContainEqual({ traceId, spanId: consumed.parentSpanId });
    expect(consumed.links).toContainEqual({ traceId: batch!.traceId, spanId: batch!.spanId });
  });
});
