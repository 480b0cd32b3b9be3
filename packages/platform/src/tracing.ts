import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

/**
 * OpenTelemetry traces, one trace per piece of work across processes: an HTTP request's span is
 * the parent of the spans its stored events cause, because the outbox keeps the W3C `traceparent`
 * beside each event and the relay sends it as a Kafka header; consumers continue the trace, and
 * Temporal's interceptors carry it into workflows and activities. Exported over OTLP/HTTP when
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set (any collector: Jaeger, Tempo, the OpenTelemetry
 * Collector); unset, spans are made for the log lines' trace ids and go nowhere.
 *
 * The 1.x SDK line, because Temporal's interceptors package (1.24) is built on it.
 */
export interface Tracing {
  /** Sends the spans still buffered (at a process's stop). */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

const tracer = () => trace.getTracer('aftersales');

let installed: Tracing | null = null;

/** Installs the process's tracer provider once (context manager and W3C propagator included). */
export function startTracing(service: string, endpoint: string | undefined): Tracing {
  if (installed) return installed;
  const resource = new Resource({ 'service.name': service, 'service.namespace': 'aftersales' });
  const spanProcessor: SpanProcessor = endpoint
    ? new BatchSpanProcessor(new OTLPTraceExporter({ url: endpoint }))
    : { onStart: () => undefined, onEnd: () => undefined, forceFlush: async () => undefined, shutdown: async () => undefined };
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register();
  installed = { flush: () => spanProcessor.forceFlush(), shutdown: () => provider.shutdown() };
  return installed;
}

/** The active trace context as message headers (`traceparent`, `tracestate`), to store or send with an event. */
export function traceHeaders(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/** The context carried by headers (HTTP or Kafka; Buffer values as Kafka gives them). */
export function contextFrom(headers: Record<string, unknown> | undefined): Context {
  const carrier: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') carrier[key.toLowerCase()] = first;
    else if (Buffer.isBuffer(first)) carrier[key.toLowerCase()] = first.toString();
  }
  return propagation.extract(ROOT_CONTEXT, carrier);
}

/** Runs `fn` in a new span, child of `parent` (and linked to `links`' spans); the span ends with fn and records its error. */
export async function inSpan<T>(name: string, kind: SpanKind, parent: Context, attributes: Record<string, string>, fn: (span: Span) => Promise<T>, links: readonly Context[] = []): Promise<T> {
  const linked = links.flatMap((c) => {
    const spanContext = trace.getSpanContext(c);
    return spanContext && trace.isSpanContextValid(spanContext) ? [{ context: spanContext }] : [];
  });
  const span = tracer().startSpan(name, { kind, attributes, links: linked }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    throw error;
  } finally {
    span.end();
  }
}

/** Starts an HTTP server span; the caller names it by route and ends it when the response is sent. */
export function startServerSpan(method: string, headers: Record<string, unknown>): { span: Span; context: Context } {
  const parent = contextFrom(headers);
  const span = tracer().startSpan(method, { kind: SpanKind.SERVER, attributes: { 'http.request.method': method } }, parent);
  return { span, context: trace.setSpan(parent, span) };
}

/** trace_id and span_id of the active span, for log lines. */
export function activeTraceIds(): { trace_id?: string; span_id?: string } {
  const span = trace.getSpan(context.active());
  const ids = span?.spanContext();
  return ids && trace.isSpanContextValid(ids) ? { trace_id: ids.traceId, span_id: ids.spanId } : {};
}

export { SpanKind, context as otelContext };
