import { describe, expect, it } from 'vitest';
import { newestListed } from './failure-record-lists';

async function* listed(ids: readonly string[]) {
  for (const id of ids) yield id;
}

describe('newestListed', () => {
  // 300 entries, newest first: every third names nothing, odd numbers do not match.
  const ids = Array.from({ length: 300 }, (_, i) => `R-${299 - i}`);
  const read = async (id: string) => (Number(id.slice(2)) % 3 === 0 ? null : { id, n: Number(id.slice(2)) });
  const odd = (doc: { n: number }) => doc.n % 2 === 1;

  it('keeps the first `limit` documents that exist and match, in list order, across chunks of entries', async () => {
    const reads: string[] = [];
    const kept = await newestListed(listed(ids), (id) => (reads.push(id), read(id)), odd, 40);
    const expected = ids.filter((id) => Number(id.slice(2)) % 3 !== 0 && Number(id.slice(2)) % 2 === 1).slice(0, 40);
    expect(kept.map((d) => d.id)).toEqual(expected);
    // Reading stops within the chunk that reached the limit.
    expect(reads.length).toBeLessThan(ids.length);
  });

  it('reads to the list’s start when fewer match, and nothing for a limit of 0', async () => {
    expect(await newestListed(listed(ids), read, odd, 1000)).toHaveLength(100);
    const reads: string[] = [];
    expect(await newestListed(listed(ids), (id) => (reads.push(id), read(id)), odd, 0)).toEqual([]);
    expect(reads).toEqual([]);
  });
});
