/**
 * Topic names carry the version of the stream: a breaking change to a stream is a new topic,
 * consumed side by side until the old one drains. One topic per aggregate stream.
 */
export const topics = {
  serviceRequests: 'intake.service-requests.v1',
  machines: 'intake.machines.v1',
  deviceAlarms: 'devices.alarms.v1',
  workOrders: 'dispatch.work-orders.v1',
  reservations: 'spares.reservations.v1',
  returns: 'spares.returns.v1',
  eightDs: 'quality.eight-ds.v1',
  articles: 'quality.articles.v1',
  calendars: 'intake.calendars.v1',
  notices: 'notifications.notices.v1',
} as const;

export type TopicName = (typeof topics)[keyof typeof topics];

/** Where a consumer parks what it cannot apply, with the reason in the headers. */
export function deadLetterTopic(topic: string): string {
  return `${topic}.dlt`;
}

/**
 * Tests and side-by-side deployments share one broker; a namespace keeps their topics apart.
 * Empty in a normal deployment.
 */
export function namespacedTopic(namespace: string, topic: string): string {
  return namespace ? `${namespace}.${topic}` : topic;
}
