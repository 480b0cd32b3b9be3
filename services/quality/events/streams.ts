import { topics } from '@aftersales/contracts';

/**
 * The streams quality owns (created at start so others can subscribe before the first event), and
 * those it reads failure facts from.
 */
export const qualityStreams = [topics.eightDs, topics.articles, topics.serviceRequests, topics.workOrders, topics.returns];
