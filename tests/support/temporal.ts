import { Client, Connection } from '@temporalio/client';
import type { StackEndpoints } from './stack';

export async function withTemporal<T>(stack: StackEndpoints, fn: (client: Client) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address: stack.temporalAddress });
  try {
    return await fn(new Client({ connection, namespace: stack.temporalNamespace }));
  } finally {
    await connection.close();
  }
}

/** Ends the long-running workflows a test started, so the shared dev server does not collect them. */
export async function terminateWorkflows(stack: StackEndpoints, workflowIds: string[]): Promise<void> {
  await withTemporal(stack, async (client) => {
    for (const id of workflowIds) {
      await client.workflow.getHandle(id).terminate('test finished').catch(() => undefined);
    }
  });
}

/**
 * Ends every running workflow on a namespace's task queues (`<ns>-...`): for runs that start
 * workflows they cannot list themselves, such as the fuzzer opening 8Ds.
 */
export async function terminateNamespaceWorkflows(stack: StackEndpoints, ns: string): Promise<number> {
  return withTemporal(stack, async (client) => {
    let ended = 0;
    for await (const run of client.workflow.list({ query: "ExecutionStatus = 'Running'" })) {
      if (!run.taskQueue.startsWith(`${ns}-`)) continue;
      await client.workflow.getHandle(run.workflowId, run.runId).terminate('namespace finished').catch(() => undefined);
      ended += 1;
    }
    return ended;
  });
}
