import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bulkWriteInChunks, chunksOf, maxStatementsPerCommand } from './bulk';

describe('chunksOf', () => {
  it('keeps every operation once, in order, in chunks no larger than the bound', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { maxLength: 300 }), fc.integer({ min: 1, max: 120 }), (ops, size) => {
        const chunks = chunksOf(ops, size);
        expect(chunks.flat()).toEqual(ops);
        expect(chunks.every((c) => c.length >= 1 && c.length <= size)).toBe(true);
        expect(chunks).toHaveLength(Math.ceil(ops.length / size));
      }),
    );
  });

  it('refuses a size that is not a positive integer', () => {
    expect(() => chunksOf([1], 0)).toThrow(RangeError);
    expect(() => chunksOf([1], 1.5)).toThrow(RangeError);
  });
});

describe('bulkWriteInChunks', () => {
  const recorder = (failOn: (chunk: number[]) => boolean) => {
    const sent: number[][] = [];
    return {
      sent,
      async bulkWrite(ops: number[]) {
        sent.push(ops);
        if (failOn(ops)) throw new Error(`chunk ${sent.length} failed`);
      },
    };
  };
  const ops = Array.from({ length: 3 * maxStatementsPerCommand + 1 }, (_, i) => i);

  it('sends nothing for no operations', async () => {
    const c = recorder(() => false);
    await bulkWriteInChunks(c, []);
    expect(c.sent).toEqual([]);
  });

  it('stops at the first failing chunk when ordered (the default)', async () => {
    const c = recorder((chunk) => chunk.includes(maxStatementsPerCommand));
    await expect(bulkWriteInChunks(c, ops)).rejects.toThrow('chunk 2 failed');
    expect(c.sent).toHaveLength(2);
  });

  it('sends every chunk when unordered and throws the first failure', async () => {
    const c = recorder((chunk) => chunk.includes(maxStatementsPerCommand) || chunk.includes(ops.length - 1));
    await expect(bulkWriteInChunks(c, ops, { ordered: false })).rejects.toThrow('chunk 2 failed');
    expect(c.sent).toHaveLength(4);
  });
});
