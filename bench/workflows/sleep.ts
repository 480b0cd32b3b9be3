import { sleep } from '@temporalio/workflow';

/** The raw ceiling for timer lateness: one durable timer to an absolute instant, nothing else. */
export async function benchSleep(dueAtMs: number): Promise<number> {
  await sleep(Math.max(1, dueAtMs - Date.now()));
  // Workflow time: the start of the task that the fired timer woke, as the SLA history records it.
  return Date.now();
}
