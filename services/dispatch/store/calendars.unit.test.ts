import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shardOf as platformShardOf } from '@aftersales/platform';
import { CALENDAR_SHARDS, EARLIER_CALENDAR_SHARDS, earlierShardOf, shardOf } from './calendars';

describe('calendar shards', () => {
  it('puts every engineer in one of the 32 shards, and each shard takes its engineers from the earlier shard that held them', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 24 }), (engineerId) => {
        const shard = shardOf(engineerId);
        const k = Number(shard.slice('calendar-'.length));
        expect(Number.isInteger(k) && k >= 0 && k < CALENDAR_SHARDS).toBe(true);
        // What the eight-shard version wrote this engineer's calendar to.
        expect(earlierShardOf(shard)).toBe(platformShardOf(engineerId, EARLIER_CALENDAR_SHARDS));
      }),
    );
  });

  it('spreads a pool of engineers over all the shards, none holding twice its share', () => {
    const count = new Map<string, number>();
    for (let i = 0; i < 1000; i++) {
      const shard = shardOf(`ENG-${String(i).padStart(4, '0')}`);
      count.set(shard, (count.get(shard) ?? 0) + 1);
    }
    expect(count.size).toBe(CALENDAR_SHARDS);
    expect(Math.max(...count.values())).toBeLessThan((2 * 1000) / CALENDAR_SHARDS);
  });
});
