// The bundle entry the Temporal worker loads: workflow functions only, no I/O.
export { serviceRequest } from './service-request/workflow';
export { proactiveVisit } from './proactive-visit/workflow';
export { calendarRollout } from './calendar-rollout/workflow';
