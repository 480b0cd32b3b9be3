// The bundle entry spares' Temporal worker loads: workflow functions only, no I/O.
export { requisitionApproval } from './requisition-approval/workflow';
