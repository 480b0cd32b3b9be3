import { topics, type KnownEvent } from '@aftersales/contracts';
import type { ConsumerSpec, Platform } from '@aftersales/platform';
import { withNoticeFact, type NoticeFact, type RequestNotice } from '../domain/request-notices';

export const noticesConsumer = 'intake-notices';

export interface RequestNoticesDoc {
  _id: string; // request id
  notices: RequestNotice[];
}

export const requestNoticesOf = (platform: Platform) => platform.mongo.db!.collection<RequestNoticesDoc>('requestNotices');

/**
 * Who was told of a request and who acknowledged, from notifications' facts, kept per request
 * (one document by `_id`). The stream is keyed by the subject, so one request's facts come in
 * order through one consumer: the read-modify-write has a single writer. 8D subjects are not ours.
 */
export function noticesConsumerSpec(platform: Platform): ConsumerSpec {
  const collection = requestNoticesOf(platform);
  async function apply(subject: string, fact: NoticeFact): Promise<void> {
    if (!subject.startsWith('SR-')) return;
    const doc = await collection.findOne({ _id: subject });
    await collection.replaceOne({ _id: subject }, { notices: withNoticeFact(doc?.notices ?? [], fact) }, { upsert: true });
  }
  return {
    group: noticesConsumer,
    topics: [topics.notices],
    handlers: {
      'notice.told@1': ({ event }) => {
        const { data } = event as KnownEvent<'notice.told@1'>;
        return apply(data.subject, { type: 'told', ...data });
      },
      'notice.acknowledged@1': ({ event }) => {
        const { data } = event as KnownEvent<'notice.acknowledged@1'>;
        return apply(data.subject, { type: 'acknowledged', ...data });
      },
    },
  };
}
