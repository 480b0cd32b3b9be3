// The bundle entry the notifications service's Temporal worker loads: workflow functions only, no I/O.
export { acknowledgementChain } from './acknowledgement/workflow';
