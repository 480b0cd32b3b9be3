import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { defaultDuplicateRule, findDuplicate, symptomSimilarity, symptomWords, type DuplicateRule, type OpenRequestSummary } from './duplicates';

const hour = 60 * 60 * 1000;
const day = 24 * hour;
const now = new Date('2026-06-15T10:00:00Z');
const probe = (symptom: string, raisedAt = now) => ({ serialNumber: 'CUT-1', symptom, raisedAt });
const open = (id: string, symptom: string, raisedAt = new Date(now.getTime() - hour), serialNumber = 'CUT-1'): OpenRequestSummary => ({ id, serialNumber, symptom, raisedAt });

describe('symptomWords', () => {
  it('lower-cases, drops punctuation, stop words, filler and one-letter tokens, and sorts', () => {
    expect(symptomWords('The machine: laser source gives NO output again, please help! (E-1023)')).toEqual(['1023', 'give', 'laser', 'no', 'output', 'sourc']);
  });
  it('treats full-width and composed characters alike', () => {
    expect(symptomWords('ＬＡＳＥＲ alarm')).toEqual(['alarm', 'laser']);
  });
  it('cuts Chinese into words and stems English', () => {
    expect(symptomWords('激光器不出光')).toEqual(['不出', '光', '激光器']);
    expect(symptomWords('coolant leaking')).toEqual(symptomWords('coolant leaks'));
  });
  it('is empty for nothing but filler', () => {
    expect(symptomWords('Please help, the machine has a problem!')).toEqual([]);
  });
});

describe('symptomSimilarity', () => {
  it('overlap divides the shared words by the smaller set', () => {
    expect(symptomSimilarity(['a1', 'b2'], ['a1', 'b2', 'c3', 'd4'], 'overlap')).toEqual({ score: 1, sharedWords: ['a1', 'b2'] });
  });
  it('jaccard divides by the union', () => {
    expect(symptomSimilarity(['a1', 'b2'], ['a1', 'b2', 'c3', 'd4'], 'jaccard').score).toBe(0.5);
  });
  it('is 0 when either side is empty', () => {
    expect(symptomSimilarity([], ['a1'], 'overlap').score).toBe(0);
  });
});

describe('findDuplicate', () => {
  it('names a similar open request on the same machine, with the score and the shared words', () => {
    const found = findDuplicate(probe('No laser output, alarm E-1023'), [open('SR-1', 'Laser source: no output since this morning, alarm 1023 on the panel')]);
    expect(found).toEqual({ duplicateOf: 'SR-1', score: 1, sharedWords: ['1023', 'alarm', 'laser', 'no', 'output'], measure: 'overlap' });
  });

  it('is null when nothing is open', () => {
    expect(findDuplicate(probe('no laser output'), [])).toBeNull();
  });

  it('ignores a request on another machine even when passed in', () => {
    expect(findDuplicate(probe('no laser output'), [open('SR-1', 'no laser output', undefined, 'CUT-2')])).toBeNull();
  });

  it('ignores a different symptom on the same machine', () => {
    expect(findDuplicate(probe('spindle grinding noise at high speed'), [open('SR-1', 'coolant pump leaking oil')])).toBeNull();
  });

  it('needs at least two shared words by default, so a one-word symptom does not match everything', () => {
    expect(findDuplicate(probe('alarm'), [open('SR-1', 'alarm 1023 after power loss')])).toBeNull();
    expect(findDuplicate(probe('alarm'), [open('SR-1', 'alarm 1023 after power loss')], { ...defaultDuplicateRule, minSharedWords: 1 })?.duplicateOf).toBe('SR-1');
  });

  describe('threshold boundary', () => {
    // Probe words: door, interlock, open, fault, stops (5). Candidate shares exactly 3 of them with 6 words: overlap 3/5 = 0.6.
    const p = probe('door interlock open fault stops');
    const c = open('SR-1', 'door interlock fault reported operator cycle');
    it('a score equal to the threshold matches', () => {
      expect(findDuplicate(p, [c])).toMatchObject({ duplicateOf: 'SR-1', score: 0.6 });
    });
    it('just above the score it does not', () => {
      expect(findDuplicate(p, [c], { ...defaultDuplicateRule, threshold: 0.6000001 })).toBeNull();
    });
    it('jaccard on the same pair is lower: 3 / 8', () => {
      expect(findDuplicate(p, [c], { ...defaultDuplicateRule, measure: 'jaccard', threshold: 0.375 })).toMatchObject({ score: 0.375, measure: 'jaccard' });
      expect(findDuplicate(p, [c], { ...defaultDuplicateRule, measure: 'jaccard', threshold: 0.376 })).toBeNull();
    });
  });

  describe('time window', () => {
    const w = defaultDuplicateRule.windowMs;
    it('a request raised exactly one window earlier is inside', () => {
      expect(findDuplicate(probe('no laser output'), [open('SR-1', 'no laser output', new Date(now.getTime() - w))])?.duplicateOf).toBe('SR-1');
    });
    it('one millisecond older is outside', () => {
      expect(findDuplicate(probe('no laser output'), [open('SR-1', 'no laser output', new Date(now.getTime() - w - 1))])).toBeNull();
    });
    it('counts both ways: an open request raised after this one (an e-mail read late) is considered', () => {
      expect(findDuplicate(probe('no laser output'), [open('SR-1', 'no laser output', new Date(now.getTime() + day))])?.duplicateOf).toBe('SR-1');
    });
    it('the window is a parameter', () => {
      const rule: DuplicateRule = { ...defaultDuplicateRule, windowMs: hour };
      expect(findDuplicate(probe('no laser output'), [open('SR-1', 'no laser output', new Date(now.getTime() - 2 * hour))], rule)).toBeNull();
    });
  });

  describe('choosing among candidates', () => {
    it('the highest score wins', () => {
      const found = findDuplicate(probe('no laser output alarm 1023'), [open('SR-1', 'laser output weak, alarm 2001'), open('SR-2', 'no laser output, alarm 1023')]);
      expect(found?.duplicateOf).toBe('SR-2');
    });
    it('on equal scores the nearest in time wins', () => {
      const found = findDuplicate(probe('no laser output'), [open('SR-1', 'no laser output', new Date(now.getTime() - 3 * day)), open('SR-2', 'no laser output', new Date(now.getTime() - day))]);
      expect(found?.duplicateOf).toBe('SR-2');
    });
    it('on equal score and distance the smallest id wins', () => {
      const t = new Date(now.getTime() - day);
      expect(findDuplicate(probe('no laser output'), [open('SR-9', 'no laser output', t), open('SR-3', 'no laser output', t)])?.duplicateOf).toBe('SR-3');
    });
  });

  it('refuses a rule that cannot work', () => {
    expect(() => findDuplicate(probe('x'), [], { ...defaultDuplicateRule, threshold: 0 })).toThrow(/threshold/);
    expect(() => findDuplicate(probe('x'), [], { ...defaultDuplicateRule, threshold: 1.5 })).toThrow(/threshold/);
    expect(() => findDuplicate(probe('x'), [], { ...defaultDuplicateRule, windowMs: -1 })).toThrow(/windowMs/);
    expect(() => findDuplicate(probe('x'), [], { ...defaultDuplicateRule, minSharedWords: 0 })).toThrow(/minSharedWords/);
  });
});

describe('properties', () => {
  const vocabulary = ['laser', 'output', 'alarm', '1023', 'spindle', 'noise', 'coolant', 'leak', 'door', 'interlock', 'the', 'machine'];
  const symptom = fc.array(fc.constantFrom(...vocabulary), { minLength: 1, maxLength: 6 }).map((w) => w.join(' '));
  // Few distinct times and words, so equal scores and equal distances (ties) are common.
  const candidates = fc.uniqueArray(
    fc.record({ id: fc.stringMatching(/^SR-[0-9]{1,3}$/), symptom, offsetHours: fc.integer({ min: -3, max: 3 }).map((d) => d * 24), serialNumber: fc.constantFrom('CUT-1', 'CUT-2') }),
    { selector: (c) => c.id, maxLength: 12 },
  ).map((cs) => cs.map((c) => open(c.id, c.symptom, new Date(now.getTime() + c.offsetHours * hour), c.serialNumber)));
  const rule = fc.record({ measure: fc.constantFrom('overlap' as const, 'jaccard' as const), threshold: fc.double({ min: 0.05, max: 1, noNaN: true }), minSharedWords: fc.integer({ min: 1, max: 3 }), windowMs: fc.integer({ min: 0, max: 30 * day }) });

  it('the answer does not depend on the order of the candidates', () => {
    fc.assert(
      fc.property(symptom, candidates, rule, fc.infiniteStream(fc.nat()), (text, list, r, randoms) => {
        const shuffled = list.map((c) => ({ c, key: randoms.next().value as number })).sort((a, b) => a.key - b.key).map((x) => x.c);
        expect(findDuplicate(probe(text), shuffled, r)).toEqual(findDuplicate(probe(text), list, r));
      }),
    );
  });

  it('a match is always on the same machine, inside the window, at or above the threshold, with scores in (0, 1]', () => {
    fc.assert(
      fc.property(symptom, candidates, rule, (text, list, r) => {
        const found = findDuplicate(probe(text), list, r);
        if (found === null) return;
        const c = list.find((x) => x.id === found.duplicateOf)!;
        expect(c.serialNumber).toBe('CUT-1');
        expect(Math.abs(c.raisedAt.getTime() - now.getTime())).toBeLessThanOrEqual(r.windowMs);
        expect(found.score).toBeGreaterThanOrEqual(r.threshold);
        expect(found.score).toBeLessThanOrEqual(1);
        expect(found.sharedWords.length).toBeGreaterThanOrEqual(r.minSharedWords);
      }),
    );
  });

  it('similarity is symmetric and overlap is never below jaccard', () => {
    fc.assert(
      fc.property(symptom, symptom, (a, b) => {
        const [wa, wb] = [symptomWords(a), symptomWords(b)];
        expect(symptomSimilarity(wa, wb, 'overlap')).toEqual(symptomSimilarity(wb, wa, 'overlap'));
        expect(symptomSimilarity(wa, wb, 'jaccard').score).toBeLessThanOrEqual(symptomSimilarity(wa, wb, 'overlap').score);
      }),
    );
  });
});
