export * from './service-request/messages';
export type * from './service-request/activities';
export type { SlaTerms, SlaState, ClockMarks } from './service-request/sla-engine';
export type { serviceRequest } from './service-request/workflow';
/** Absolute path of the workflow bundle entry, for Worker.create({ workflowsPath }). */
export const workflowsPath = new URL('./workflows.ts', import.meta.url).pathname;
export * from './proactive-visit/messages';
