import { defineQuery, defineSignal } from '@temporalio/workflow';

export type * from './activities';

/** Task queue served by the notifications service's own worker. */
export const acknowledgementTaskQueue = 'notifications-acknowledgements';
export const acknowledgementChainWorkflowType = 'acknowledgementChain';
/** One chain per urgent notice; its id is derived from the notice's. */
export const acknowledgementChainId = (noticeId: string): string => `ack-${noticeId}`;

export interface AcknowledgementChainInput {
  /** The first notice of the chain (the person on duty's). */
  noticeId: string;
  /** Who is told, in order: the person on duty, then the roster's stand-in, then their manager. */
  chain: string[];
  /** How long each person has to acknowledge before the next one is told. */
  windowMs: number;
}

export interface Acknowledgement {
  noticeId: string;
  by: string;
  at: string;
}

export interface AcknowledgementChainState {
  noticeId: string;
  status: 'waiting' | 'acknowledged' | 'exhausted';
  /** Index into chain of who holds it now. */
  level: number;
  current: string;
  /** When the current person's window closes. */
  windowEndsAt: string;
  passedOn: { level: number; from: string; to: string; noticeId: string; at: string }[];
  acknowledged: Acknowledgement | null;
}

export const acknowledgedSignal = defineSignal<[Acknowledgement]>('acknowledged');
export const getAcknowledgementStateQuery = defineQuery<AcknowledgementChainState>('getAcknowledgementState');
