import { topics } from '@aftersales/contracts';

/** The streams spares owns; created at start so consumers in other services can subscribe before the first event. */
export const sparesStreams = [topics.reservations, topics.returns];
