import { WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import type { Platform } from '@aftersales/platform';

/**
 * Sends a fact from another service to the request's workflow. The signal carries the event id
 * and the workflow applies each id once, so a re-delivered event changes nothing; a request whose
 * process has ended is noted and skipped. Any other failure is thrown, so the consumer retries.
 */
export async function signalRequest(platform: Platform, requestId: string, send: (handle: WorkflowHandle) => Promise<void>, fact: string): Promise<void> {
  try {
    await send(platform.temporal.workflow.getHandle(requestId));
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
    platform.logger.warn({ workflowId: requestId, fact }, 'fact for a request with no running process; skipped');
  }
}
