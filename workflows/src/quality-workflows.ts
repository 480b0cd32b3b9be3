// The bundle entry quality's Temporal worker loads: its workflow functions only, no I/O.
export { eightD } from './eight-d/workflow';
