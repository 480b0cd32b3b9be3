import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { symptomTerms } from './terms';

describe('symptomTerms', () => {
  it('cuts Chinese into words with ICU\u2019s dictionary, keeping one-character words', () => {
    expect(symptomTerms('激光器不出光')).toEqual(['不出', '光', '激光器']);
    expect(symptomTerms('冷却水泄漏')).toEqual(['冷却', '水', '泄漏']);
  });

  it('stems English so word forms meet: leaks, leaking and leaked are one term', () => {
    expect(new Set([...symptomTerms('leaks'), ...symptomTerms('leaking'), ...symptomTerms('leaked')])).toEqual(new Set(['leak']));
  });

  it('reads full-width letters as plain ones, drops punctuation, fillers and one-letter Latin tokens', () => {
    expect(symptomTerms('ＬＡＳＥＲ alarm E-1023, please help the machine!')).toEqual(['1023', 'alarm', 'laser']);
    expect(symptomTerms('请帮忙，机器的问题')).toEqual(['帮忙']);
  });

  it('mixes languages in one text', () => {
    expect(symptomTerms('切割头漏水 cutting head leaking')).toEqual(['cut', 'head', 'leak', '切割', '头', '漏水']);
  });

  it('is sorted and unique, and a text\u2019s terms are the union of its halves\u2019 when split at a space', () => {
    const word = fc.constantFrom('laser', 'leaks', 'nozzle', 'burr', '激光器', '不出光', '漏水', 'E-1023', 'the', 'please');
    fc.assert(
      fc.property(fc.array(word, { maxLength: 8 }), fc.array(word, { maxLength: 8 }), (a, b) => {
        const whole = symptomTerms([...a, ...b].join(' '));
        expect(whole).toEqual([...new Set(whole)].sort());
        expect(whole).toEqual([...new Set([...symptomTerms(a.join(' ')), ...symptomTerms(b.join(' '))])].sort());
      }),
    );
  });
});
