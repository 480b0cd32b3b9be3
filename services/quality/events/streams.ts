import { topics } from '@aftersales/contracts';

/** The streams quality owns; created at start so other services can subscribe before the first event. */
export const qualityStreams = [topics.eightDs, topics.articles];
