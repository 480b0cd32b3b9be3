import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/client';
import { topics, type KnownEvent } from '@aftersales/contracts';
import { namespaced, type ConsumerSpec, type Platform } from '@aftersales/platform';
import { eightDTaskQueue, eightDWorkflowType, type eightD } from '@aftersales/workflows';
import { championFor } from '../domain/assignment';
import type { QualityRules } from '../store/rules';

export const eightDStarterConsumer = 'quality-eight-d-starter';

/**
 * The 8D's workflow id: its 8D id under the deployment's namespace. 8D ids are made from the model
 * and failure mode (8D-FL-3015-BURR-1), so two namespaces sharing a Temporal server open the same
 * ids, and the second's start was refused as a duplicate and its API drove the first's process.
 * Without a namespace (production) the id is the 8D id itself, so running 8Ds keep theirs.
 */
export const eightDWorkflowId = (platform: Pick<Platform, 'config'>, eightDId: string): string => namespaced(platform.config.PLATFORM_NAMESPACE, eightDId, ':');

/**
 * Starts the eightD workflow from the opened event, not from the code that opened it: the event
 * is stored with the 8D, so a crash in between still reaches the workflow. The workflow id comes
 * from the 8D id and a duplicate is refused, so a re-delivered event never starts a second process.
 */
export function eightDStarter(platform: Platform, rules: Pick<QualityRules, 'eightDRulesAt'>): ConsumerSpec {
  return {
    group: eightDStarterConsumer,
    topics: [topics.eightDs],
    handlers: {
      'eight-d.opened@1': async ({ event }) => {
        const { data } = event as KnownEvent<'eight-d.opened@1'>;
        const terms = await rules.eightDRulesAt(data.problem.productLine, new Date(data.openedAt));
        try {
          await platform.temporal.workflow.start<typeof eightD>(eightDWorkflowType, {
            workflowId: eightDWorkflowId(platform, data.eightDId),
            taskQueue: platform.taskQueue(eightDTaskQueue),
            workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
            args: [
              {
                eightDId: data.eightDId,
                problem: data.problem,
                rule: data.rule,
                reason: data.reason,
                linkedTo: data.linkedTo,
                failureRecordIds: data.failureRecordIds,
                openedAt: data.openedAt,
                champion: championFor(data.problem.productLine),
                // The managed 8D rules in force when it opened, passed as input so they sit in the
                // run's history: a later version applies to new 8Ds and never rewrites (or breaks the
                // replay of) a running one.
                escalationChain: terms.escalationChain,
                dueHours: terms.dueHours,
              },
            ],
            memo: { causationId: event.id },
          });
          platform.logger.info({ workflowId: eightDWorkflowId(platform, data.eightDId), rule: data.rule }, 'eightD workflow started');
        } catch (error) {
          if (error instanceof WorkflowExecutionAlreadyStartedError) return;
          throw error;
        }
      },
    },
  };
}
