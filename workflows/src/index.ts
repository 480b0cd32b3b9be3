export * from './service-request/messages';
export type * from './service-request/activities';
export type { CalendarVersion, DueMove, SlaTerms, SlaState, ClockMarks } from './service-request/sla-engine';
export type { serviceRequest } from './service-request/workflow';
export type * from './calendar-rollout/activities';
export type { calendarRollout, CalendarRolloutResult } from './calendar-rollout/workflow';
/** Absolute path of the workflow bundle entry, for Worker.create({ workflowsPath }). */
export const workflowsPath = new URL('./workflows.ts', import.meta.url).pathname;
export * from './proactive-visit/messages';
export * from './requisition-approval/messages';
export { checkDecision, DecisionRefused } from './requisition-approval/decision';
export type { requisitionApproval } from './requisition-approval/workflow';
/** Bundle entry of spares' worker (requisition approvals), for Worker.create({ workflowsPath }). */
export const sparesWorkflowsPath = new URL('./spares-workflows.ts', import.meta.url).pathname;
export * from './eight-d/messages';
export type { eightD } from './eight-d/workflow';
export { knowledgeArticleFor, defaultEscalationChain, defaultDueHours, initialEightDState } from './eight-d/engine';
/** Absolute path of quality's workflow bundle entry (the eightD workflow), for its own worker. */
export const qualityWorkflowsPath = new URL('./quality-workflows.ts', import.meta.url).pathname;
export * from './acknowledgement/messages';
export type { acknowledgementChain } from './acknowledgement/workflow';
/** Bundle entry of the notifications worker (acknowledgement chains), for Worker.create({ workflowsPath }). */
export const notificationsWorkflowsPath = new URL('./notifications-workflows.ts', import.meta.url).pathname;
/** Workflow interceptor modules every worker bundles: the start's trace context carried into activities. */
export const workflowInterceptorModules = [new URL('./trace-context.ts', import.meta.url).pathname];
