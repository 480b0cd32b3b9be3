// The worker side of Temporal: the SDK's native bridge (Rust core) loads with this module, so only
// a process that runs workers imports it (service.ts, dynamically); an API process never does.
import fs from 'node:fs';
import path from 'node:path';
import { DefaultLogger, NativeConnection, Runtime, Worker, type LogLevel, type WorkerOptions } from '@temporalio/worker';
import type { Logger } from 'pino';
import { OpenTelemetryActivityInboundInterceptor, OpenTelemetryActivityOutboundInterceptor } from '@temporalio/interceptors-opentelemetry/lib/worker/index.js';
import { withLogContext } from '../logger';
import type { TemporalSecurity } from '../security';

let runtimeInstalled = false;

/** Routes the Temporal SDK's own logs (worker, core) into pino; once per process. */
export function installTemporalRuntime(logger: Logger, metricsBindAddress?: string): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const log = logger.child({ module: 'temporal' });
  Runtime.install({
    // The SDK's core exports its own metrics (task latencies, schedule-to-start, slots) on a port of
    // its own: it cannot write into the process's prom-client registry.
    ...(metricsBindAddress ? { telemetryOptions: { metrics: { prometheus: { bindAddress: metricsBindAddress } } } } : {}),
    logger: new DefaultLogger('INFO' as LogLevel, ({ level, message, meta }) => {
      const fields = { ...(meta ?? {}) };
      if (level === 'ERROR') log.error(fields, message);
      else if (level === 'WARN') log.warn(fields, message);
      else log.debug(fields, message);
    }),
  });
}

/**
 * The prebuilt workflow bundle of a task queue, when the process runs from a build: the build writes
 * `<WORKFLOW_BUNDLE_DIR>/<taskQueue>.js` with the SDK's own bundler, so a worker starts without
 * webpack or TypeScript sources. Unset (development, tests), workers bundle from the sources.
 */
export function workflowBundlePath(bundleDir: string | undefined, taskQueue: string): string | null {
  if (!bundleDir) return null;
  const codePath = path.join(bundleDir, `${taskQueue}.js`);
  if (!fs.existsSync(codePath)) throw new Error(`WORKFLOW_BUNDLE_DIR has no bundle for task queue '${taskQueue}': ${codePath} is missing (run npm run build)`);
  return codePath;
}

function withActivitySpans(ctx: ConstructorParameters<typeof OpenTelemetryActivityInboundInterceptor>[0]) {
  return { inbound: new OpenTelemetryActivityInboundInterceptor(ctx), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) };
}

export async function createTemporalWorker(
  options: { address: string; namespace: string; security?: TemporalSecurity; traceActivities?: boolean; workflowInterceptorModules?: string[] } & Omit<WorkerOptions, 'connection' | 'namespace'>,
): Promise<{ worker: Worker; connection: NativeConnection }> {
  const { address, security, traceActivities, workflowInterceptorModules, ...workerOptions } = options;
  const connection = await NativeConnection.connect({ address, ...security });
  // Activities get spans (and the trace ids on their log lines), children of the workflow's start:
  // the project's own workflow interceptor (workflows/src/trace-context.ts) copies the start's trace
  // header onto each activity. The SDK's workflow-side OpenTelemetry interceptors stay out: with
  // them, a workflow that answered a query replayed differently after a worker restart (TMPRL1100
  // on the 8D workflow; sdk-typescript issue #2023).
  const activity: NonNullable<WorkerOptions['interceptors']>['activity'] = [
    // Every log line an activity writes through the service's logger names its workflow.
    (ctx) => ({ inbound: { execute: (input, next) => withLogContext(ctx.info.workflowExecution ? { workflowId: ctx.info.workflowExecution.workflowId } : {}, () => next(input)) } }),
    ...(traceActivities ? [(ctx: Parameters<typeof withActivitySpans>[0]) => withActivitySpans(ctx)] : []),
  ];
  // On shutdown, in-flight activities get a grace period to finish; after it they are cancelled and
  // their attempt fails, so the server hands them to another worker (or this one after a restart).
  // The force time bounds the whole shutdown, within the process's own exit bound (service.ts).
  const worker = await Worker.create({ connection, shutdownGraceTime: '10s', shutdownForceTime: '15s', ...workerOptions, interceptors: { activity, workflowModules: workerOptions.workflowBundle ? [] : (workflowInterceptorModules ?? []) } });
  return { worker, connection };
}
