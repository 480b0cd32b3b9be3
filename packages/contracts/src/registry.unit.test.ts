import { describe, expect, expectTypeOf, it } from 'vitest';
import type { ServiceRequestRegisteredV1 } from './events/service-request';
import { buildEvent, contractFor, eventContracts, topicOf, validateEvent, type EventMeta } from './registry';
import { deadLetterTopic, namespacedTopic, topics } from './topics';

function registeredData(overrides: Partial<ServiceRequestRegisteredV1> = {}): ServiceRequestRegisteredV1 {
  return {
    requestId: 'SR-1',
    customerId: 'CUST-1',
    contact: { name: 'Ada Lovelace', email: 'ada@example.com' },
    channel: 'phone',
    serialNumber: 'SN-1',
    symptom: 'does not start',
    raisedAt: '2025-01-02T03:04:05.000Z',
    neededBy: '2025-01-03T03:04:05.000Z',
    ...overrides,
  };
}

function envelope(overrides: Record<string, unknown> = {}) {
  return {
    id: 'evt-1',
    type: 'service-request.registered',
    version: 1,
    source: 'intake',
    occurredAt: '2025-01-02T03:04:05.000Z',
    subject: 'SR-1',
    correlationId: 'corr-1',
    causationId: null,
    data: registeredData(),
    ...overrides,
  };
}

const meta: EventMeta = {
  id: 'evt-1',
  occurredAt: new Date('2025-01-02T03:04:05.000Z'),
  source: 'intake',
  subject: 'SR-1',
  correlationId: 'corr-1',
  causationId: null,
};

function reasonOf(candidate: unknown): string {
  const result = validateEvent(candidate);
  if (result.ok) throw new Error('expected the event to be rejected');
  return result.reason;
}

describe('validateEvent', () => {
  it('accepts a good service-request.registered@1 envelope and returns its parsed data', () => {
    const result = validateEvent(envelope());
    expect(result).toEqual({ ok: true, event: envelope() });
  });

  it('rejects a bad envelope field, naming its path', () => {
    expect(reasonOf(envelope({ occurredAt: 'yesterday' }))).toMatch(/^envelope: occurredAt: /);
    expect(reasonOf(envelope({ version: 0 }))).toMatch(/^envelope: version: /);
    expect(reasonOf(envelope({ type: 'NoDot' }))).toContain('type: type looks like "aggregate.happened"');
  });

  it('names every bad envelope field, not only the first', () => {
    const reason = reasonOf(envelope({ id: '', subject: undefined }));
    expect(reason).toContain('id: ');
    expect(reason).toContain('subject: ');
  });

  it('rejects something that is not an object at the root', () => {
    expect(reasonOf('not an event')).toMatch(/^envelope: \(root\): /);
  });

  it('rejects an unknown type or version', () => {
    expect(reasonOf(envelope({ version: 2 }))).toBe('unknown event service-request.registered@2');
    expect(reasonOf(envelope({ type: 'service-request.vanished' }))).toBe('unknown event service-request.vanished@1');
  });

  it('rejects data missing a field, naming type, version and path', () => {
    const { symptom: _symptom, ...withoutSymptom } = registeredData();
    expect(reasonOf(envelope({ data: withoutSymptom }))).toMatch(/^service-request\.registered@1 data: symptom: /);
  });

  it('rejects a bad nested field with its dotted path', () => {
    const reason = reasonOf(envelope({ data: registeredData({ contact: { name: 'Ada', email: 'not-an-email' } }) }));
    expect(reason).toMatch(/data: contact\.email: /);
  });

  it('rejects a channel outside the enum', () => {
    const reason = reasonOf(envelope({ data: { ...registeredData(), channel: 'pigeon' } }));
    expect(reason).toMatch(/^service-request\.registered@1 data: channel: /);
  });
});

describe('buildEvent', () => {
  it('returns a typed, validated event with the version split off the key', () => {
    const event = buildEvent('service-request.registered@1', registeredData(), meta);
    expect(event).toEqual(envelope());
    expectTypeOf(event.type).toEqualTypeOf<'service-request.registered'>();
    expectTypeOf(event.data).toEqualTypeOf<ServiceRequestRegisteredV1>();
  });

  it('throws on invalid data, saying why', () => {
    expect(() => buildEvent('service-request.registered@1', registeredData({ customerId: '' }), meta)).toThrow(
      /refusing to build an invalid event: service-request\.registered@1 data: customerId: /,
    );
  });

  it('throws on invalid meta', () => {
    expect(() => buildEvent('service-request.registered@1', registeredData(), { ...meta, subject: '' })).toThrow(/envelope: subject: /);
  });
});

describe('topics', () => {
  it('every topic name carries a version suffix', () => {
    for (const name of Object.values(topics)) expect(name).toMatch(/\.v\d+$/);
  });

  it('every contract travels on a known topic and is found by type and version', () => {
    for (const [key, contract] of Object.entries(eventContracts)) {
      expect(Object.values(topics)).toContain(contract.topic);
      const [type, version] = key.split('@') as [string, string];
      expect(contractFor(type, Number(version))).toBe(contract);
    }
    expect(topicOf('service-request.registered@1')).toBe('intake.service-requests.v1');
    expect(contractFor('service-request.registered', 9)).toBeUndefined();
  });

  it('namespacedTopic prefixes only when a namespace is set', () => {
    expect(namespacedTopic('t-run1', topics.serviceRequests)).toBe('t-run1.intake.service-requests.v1');
    expect(namespacedTopic('', topics.serviceRequests)).toBe('intake.service-requests.v1');
  });

  it('deadLetterTopic appends .dlt, after the namespace and version', () => {
    expect(deadLetterTopic(namespacedTopic('t-run1', topics.workOrders))).toBe('t-run1.dispatch.work-orders.v1.dlt');
  });
});
