import { describe, expect, it } from 'vitest';
import { buildEvent, topicOf, validateEvent, type EventMeta } from '../registry';
import { topics } from '../topics';

const meta: EventMeta = { id: 'evt-1', occurredAt: new Date('2026-06-15T10:00:00Z'), source: 'test', subject: 'SN-1', correlationId: 'c-1', causationId: null };
const alarm = { deviceEventId: 'dev-1', serialNumber: 'SN-1', alarmCode: 'E-1023', severity: 'critical', message: 'No laser output', raisedAt: '2026-06-15T09:59:00+08:00' } as const;
const article = {
  articleId: 'KB-1',
  version: 2,
  title: 'Burr after nozzle change',
  models: ['FL-3015'],
  symptom: 'burr on cut edge',
  cause: 'nozzle off centre',
  fix: 'centre the nozzle',
  parts: ['P-NOZZLE-15'],
  publishedAt: '2026-06-01T00:00:00Z',
};

function reason(candidate: unknown): string {
  const result = validateEvent(candidate);
  if (result.ok) throw new Error('expected a rejection');
  return result.reason;
}

describe('device.alarm-raised@1', () => {
  it('travels on devices.alarms.v1 and builds from a valid alarm', () => {
    expect(topicOf('device.alarm-raised@1')).toBe(topics.deviceAlarms);
    expect(buildEvent('device.alarm-raised@1', alarm, meta).data).toEqual(alarm);
  });
  it('names a bad severity and a missing device event id', () => {
    const event = { ...buildEvent('device.alarm-raised@1', alarm, meta) };
    expect(reason({ ...event, data: { ...alarm, severity: 'apocalyptic' } })).toMatch(/^device\.alarm-raised@1 data: severity: /);
    const { deviceEventId: _id, ...withoutId } = alarm;
    expect(reason({ ...event, data: withoutId })).toMatch(/deviceEventId: /);
  });
});

describe('article.published@1', () => {
  it('travels on quality.articles.v1 and builds from a valid article', () => {
    expect(topicOf('article.published@1')).toBe(topics.articles);
    expect(buildEvent('article.published@1', article, { ...meta, subject: 'KB-1' }).data).toEqual(article);
  });
  it('refuses a version that is not a positive whole number', () => {
    const event = buildEvent('article.published@1', article, { ...meta, subject: 'KB-1' });
    expect(reason({ ...event, data: { ...article, version: 0 } })).toMatch(/data: version: /);
    expect(reason({ ...event, data: { ...article, version: 1.5 } })).toMatch(/data: version: /);
  });
});

describe('service-request.registered@1 optional fields', () => {
  const base = { requestId: 'SR-1', customerId: 'C-1', contact: { name: 'Ada' }, channel: 'alarm', serialNumber: 'SN-1', symptom: 's', raisedAt: '2026-06-15T10:00:00.000Z', neededBy: '2026-06-16T10:00:00.000Z' } as const;
  it('an event without them (published before they existed) stays valid', () => {
    expect(buildEvent('service-request.registered@1', base, meta).data).toEqual(base);
  });
  it('checks them when present', () => {
    const full = {
      ...base,
      machineKnown: true,
      siteId: 'S-1',
      locationClass: 'provincial-capital',
      timeZone: 'Asia/Shanghai',
      entitlement: { source: 'contract', contractId: 'SC-1', responseMode: 'on-site', slaPolicyId: 'contract-premium', calendarId: '24x7', quoteRequired: false },
      duplicateOf: null,
      alarm: { deviceEventId: 'dev-1', alarmCode: 'E-1', severity: 'major' },
    } as const;
    expect(buildEvent('service-request.registered@1', full, meta).data).toEqual(full);
    const event = buildEvent('service-request.registered@1', base, meta);
    expect(reason({ ...event, data: { ...full, locationClass: 'moon' } })).toMatch(/data: locationClass: /);
  });
});
