/**
 * Carries the trace context a workflow was started with (the `_tracer-data` header that the
 * OpenTelemetry client interceptor writes) into the activities and child workflows it schedules,
 * so an activity's span, and the events its outbox sends, belong to the trace that started the
 * workflow. It makes no span of its own, draws no random number and adds no `await`: the SDK's
 * own workflow interceptors do, and a workflow that had answered a query then replayed differently
 * after a worker restart (sdk-typescript issue #2023). Copying a header is the same on replay.
 */
import type { Payload } from '@temporalio/common';
import type { WorkflowInterceptorsFactory } from '@temporalio/workflow';

/** The header Temporal's OpenTelemetry interceptors read and write (their TRACE_HEADER). */
export const traceHeader = '_tracer-data';

/** A workflow's headers with the start's trace context, unless they carry one already. */
export function withStartTrace(headers: Record<string, Payload>, started: Payload | undefined): Record<string, Payload> {
  return started === undefined || headers[traceHeader] !== undefined ? headers : { ...headers, [traceHeader]: started };
}

export const interceptors: WorkflowInterceptorsFactory = () => {
  // One factory call per workflow run: the closure holds that run's start header.
  let started: Payload | undefined;
  return {
    inbound: [
      {
        execute(input, next) {
          started = input.headers[traceHeader];
          return next(input);
        },
      },
    ],
    outbound: [
      {
        scheduleActivity: (input, next) => next({ ...input, headers: withStartTrace(input.headers, started) }),
        scheduleLocalActivity: (input, next) => next({ ...input, headers: withStartTrace(input.headers, started) }),
        startChildWorkflowExecution: (input, next) => next({ ...input, headers: withStartTrace(input.headers, started) }),
        continueAsNew: (input, next) => next({ ...input, headers: withStartTrace(input.headers, started) }),
      },
    ],
  };
};
