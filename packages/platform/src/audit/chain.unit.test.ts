import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { entryHash, genesisHash, sealAfter, sealEntry, seqId, verifyChain, type AuditDraft, type AuditEntry } from './chain';

const draft = (n: number, over: Partial<AuditDraft> = {}): AuditDraft => ({
  at: new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString(),
  actor: `user-${n % 3}`,
  action: 'work-order.assigned@1',
  subject: `WO-${n}`,
  kind: 'event',
  before: null,
  after: { engineerId: `ENG-${n}`, slots: [n, n + 1] },
  ref: `evt-${n}`,
  ...over,
});

const chainOf = (count: number): AuditEntry[] => sealAfter({ seq: 0, hash: genesisHash }, Array.from({ length: count }, (_, i) => draft(i + 1)));

describe('canonical hashing', () => {
  it('is the sha256 of the RFC 8785 canonical JSON: a known entry gives a known hash', () => {
    const entry = sealEntry(draft(1), 1, genesisHash);
    // Keys sorted, no whitespace (RFC 8785); the hash field itself is left out.
    const { hash: _hash, ...rest } = entry;
    const canonical = JSON.stringify(Object.fromEntries(Object.entries(rest).sort(([a], [b]) => (a < b ? -1 : 1))));
    expect(canonical.startsWith('{"_id":"000000000001","action":')).toBe(true);
    expect(entry.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(entryHash(entry)).toBe(entry.hash);
  });

  it('does not depend on the order of keys, at any depth', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.integer(), fc.string(), fc.boolean(), fc.constant(null))), (fields) => {
        const reversed = Object.fromEntries(Object.entries(fields).reverse());
        const a = sealEntry(draft(1, { after: { fields, nested: { b: 1, a: 2 } } }), 1, genesisHash);
        const b = sealEntry(draft(1, { after: { nested: { a: 2, b: 1 }, fields: reversed } }), 1, genesisHash);
        expect(b.hash).toBe(a.hash);
      }),
    );
  });

  it('changes with any change of content, seq or link', () => {
    const base = sealEntry(draft(1), 1, genesisHash);
    expect(sealEntry(draft(1, { actor: 'someone-else' }), 1, genesisHash).hash).not.toBe(base.hash);
    expect(sealEntry(draft(1, { after: { engineerId: 'ENG-1', slots: [2, 1] } }), 1, genesisHash).hash).not.toBe(base.hash);
    expect(sealEntry(draft(1), 2, genesisHash).hash).not.toBe(base.hash);
    expect(sealEntry(draft(1), 1, 'f'.repeat(64)).hash).not.toBe(base.hash);
  });

  it('hashes what is stored: dates become ISO strings and undefined fields go, as a JSON round trip leaves them', () => {
    const entry = sealEntry(draft(1, { after: { when: new Date(0), gone: undefined } }), 1, genesisHash);
    expect(entry.after).toEqual({ when: '1970-01-01T00:00:00.000Z' });
    expect(entryHash(JSON.parse(JSON.stringify(entry)) as AuditEntry)).toBe(entry.hash);
  });
});

describe('verifyChain', () => {
  it('accepts an unbroken chain and names its head', () => {
    const entries = chainOf(5);
    expect(verifyChain(entries)).toEqual({ ok: true, checked: 5, head: { seq: 5, hash: entries[4]!.hash } });
    expect(verifyChain([])).toEqual({ ok: true, checked: 0, head: { seq: 0, hash: genesisHash } });
  });

  it('catches an edited entry at its seq', () => {
    const entries = chainOf(6);
    entries[3] = { ...entries[3]!, actor: 'mallory' };
    expect(verifyChain(entries)).toMatchObject({ ok: false, seq: 4, break: 'edited' });
  });

  it('catches an entry edited and rehashed at the next one, whose link no longer holds', () => {
    const entries = chainOf(6);
    const { hash: _h, ...rest } = { ...entries[2]!, after: { engineerId: 'ENG-X' } };
    entries[2] = { ...rest, hash: entryHash(rest) };
    expect(verifyChain(entries)).toMatchObject({ ok: false, seq: 4, break: 'relinked' });
  });

  it('catches a deleted entry, naming the missing seq', () => {
    const entries = chainOf(6);
    entries.splice(2, 1);
    expect(verifyChain(entries)).toMatchObject({ ok: false, seq: 3, break: 'deleted' });
  });

  it('catches a deleted tail when told the head that was written', () => {
    const entries = chainOf(6).slice(0, 4);
    expect(verifyChain(entries)).toMatchObject({ ok: true });
    expect(verifyChain(entries, 6)).toMatchObject({ ok: false, seq: 5, break: 'deleted' });
  });

  it('catches two swapped entries at the first seq out of its place', () => {
    const entries = chainOf(6);
    [entries[2], entries[3]] = [entries[3]!, entries[2]!];
    expect(verifyChain(entries)).toMatchObject({ ok: false, seq: 3, break: 'swapped' });
  });

  it('catches two entries whose contents were swapped under their seqs (as in the database, where _id is the seq)', () => {
    const entries = chainOf(6);
    const [third, fourth] = [entries[2]!, entries[3]!];
    entries[2] = { ...fourth, _id: third._id, prevHash: third.prevHash };
    entries[3] = { ...third, _id: fourth._id, prevHash: fourth.prevHash };
    expect(verifyChain(entries)).toMatchObject({ ok: false, seq: 3, break: 'edited' });
  });

  it('names the first bad seq of any single edit in a chain of any length', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n - 1 }))), ([n, at]) => {
        const entries = chainOf(n);
        entries[at] = { ...entries[at]!, subject: 'tampered' };
        expect(verifyChain(entries)).toMatchObject({ ok: false, seq: at + 1, break: 'edited' });
        expect(seqId(at + 1)).toBe(entries[at]!._id);
      }),
      { numRuns: 50 },
    );
  });
});
