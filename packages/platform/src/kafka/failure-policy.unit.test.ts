import fc from 'fast-check';
import { KafkaJSConnectionError, KafkaJSProtocolError } from 'kafkajs';
import { MongoNetworkError, MongoServerError, MongoServerSelectionError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { DependencyUnavailableError, ValidationError } from '../errors';
import { afterFailure, backoffMs, isOutage, type FailurePolicy } from './failure-policy';

const policy: FailurePolicy = { maxAttempts: 4, maxBackoffMs: 5_000, random: () => 0.5 };
const systemError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:27017`), { code });

describe('isOutage', () => {
  it.each<[string, unknown, boolean]>([
    ['Mongo network error', new MongoNetworkError('connection reset'), true],
    ['Mongo server selection timeout', new MongoServerSelectionError('no server', {} as never), true],
    ['Mongo primary stepped down (189)', new MongoServerError({ message: 'stepped down', code: 189 }), true],
    ['Mongo duplicate key (11000) is no outage', new MongoServerError({ message: 'E11000', code: 11000 }), false],
    ['Kafka broker unreachable', new KafkaJSConnectionError('Connection error'), true],
    ['Kafka protocol error kafkajs calls retriable', Object.assign(new KafkaJSProtocolError('There is no leader for this topic-partition'), { retriable: true }), true],
    ['Kafka protocol error kafkajs calls permanent', Object.assign(new KafkaJSProtocolError('The request attempted to perform an operation on an invalid topic'), { retriable: false }), false],
    ['a refused TCP connection', systemError('ECONNREFUSED'), true],
    ['Temporal frontend UNAVAILABLE', Object.assign(new Error('14 UNAVAILABLE'), { name: 'ServiceError', code: 14 }), true],
    ['an outage wrapped in a cause', new Error('sync failed', { cause: new MongoNetworkError('reset') }), true],
    ['DependencyUnavailableError', new DependencyUnavailableError('the database'), true],
    ['a TypeError (a bug)', new TypeError("Cannot read properties of undefined (reading 'model')"), false],
    ['a thrown string', 'boom', false],
  ])('%s: %s', (_name, error, expected) => {
    expect(isOutage(error)).toBe(expected);
  });
});

describe('afterFailure', () => {
  it('parks a named refusal at once', () => {
    expect(afterFailure(new ValidationError('symptom', 'refused'), 1, policy)).toEqual({ action: 'dead-letter', reason: 'handler failed: refused' });
  });

  it('waits out an outage however many attempts it takes', () => {
    expect(afterFailure(new MongoNetworkError('reset'), 1_000, policy)).toMatchObject({ action: 'retry' });
  });

  it('retries a bug a bounded number of times, then parks it naming the error', () => {
    const bug = new TypeError('x is undefined');
    expect(afterFailure(bug, 3, policy)).toMatchObject({ action: 'retry' });
    expect(afterFailure(bug, 4, policy)).toEqual({ action: 'dead-letter', reason: 'handler failed 4 times: TypeError: x is undefined' });
  });
});

describe('backoffMs', () => {
  it('grows from 100 ms, is capped, and keeps at least half of its ceiling', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.double({ min: 0, max: 0.999_999, noNaN: true }), fc.integer({ min: 200, max: 60_000 }), (attempt, r, cap) => {
        const ceiling = Math.min(cap, 100 * 2 ** Math.min(attempt, 16));
        const delay = backoffMs(attempt, { maxBackoffMs: cap, random: () => r });
        expect(delay).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
        expect(delay).toBeLessThanOrEqual(ceiling);
      }),
    );
    expect(backoffMs(1, { maxBackoffMs: 5_000, random: () => 0 })).toBe(100);
    expect(backoffMs(20, { maxBackoffMs: 5_000, random: () => 0.999_999 })).toBe(5_000);
  });
});
