import { describe, expect, it } from 'vitest';
import { articleWords, modelBonus, rankKnownFixes, supersedes, type RankableArticle } from './known-fixes';

const burr: RankableArticle = { id: 'KB-1', title: 'Burr on the cut edge after nozzle change', symptom: 'burr dross on cut edge, poor cut quality', models: ['FL-3015'] };
const burrOther: RankableArticle = { id: 'KB-2', title: 'Burr on thick plate', symptom: 'burr on cut edge of thick plate', models: ['FL-6020'] };
const general: RankableArticle = { id: 'KB-3', title: 'Dross and burr', symptom: 'burr on the cut edge', models: [] };
const chiller: RankableArticle = { id: 'KB-4', title: 'Chiller alarm', symptom: 'water temperature alarm', models: ['FL-3015'] };
const laserCn: RankableArticle = { id: 'KB-5', title: '激光器不出光', symptom: '激光器不出光，报警', models: ['FL-3015'] };

describe('rankKnownFixes', () => {
  it('ranks by the share of the typed words found, the same model first', () => {
    const hits = rankKnownFixes([chiller, burrOther, burr, general], { model: 'FL-3015', text: 'Burr on the cut edge' });
    expect(hits.map((h) => h.article.id)).toEqual(['KB-1', 'KB-3', 'KB-2']);
    expect(hits[0]).toMatchObject({ score: 1 + modelBonus, matched: ['burr', 'cut', 'edg'] });
    expect(hits[1]!.score).toBe(1 + modelBonus / 2);
    expect(hits[2]!.score).toBe(1);
  });
  it('ranks the same with the words of each article segmented once beforehand', () => {
    const articles = [chiller, burrOther, burr, general, laserCn];
    const kept = articles.map((a) => ({ ...a, words: articleWords(a) }));
    for (const text of ['Burr on the cut edge', '激光器不出光', 'water alarm', 'nothing alike']) {
      const fresh = rankKnownFixes(articles, { model: 'FL-3015', text });
      const withWords = rankKnownFixes(kept, { model: 'FL-3015', text });
      expect(withWords.map(({ article, score, matched }) => ({ id: article.id, score, matched }))).toEqual(fresh.map(({ article, score, matched }) => ({ id: article.id, score, matched })));
    }
    // The kept words are what it matches on: an article whose kept words lack the typed ones is not found.
    expect(rankKnownFixes([{ ...burr, words: new Set(['chiller']) }], { model: null, text: 'burr' })).toEqual([]);
  });
  it('drops articles that share no word', () => {
    expect(rankKnownFixes([chiller], { model: 'FL-3015', text: 'burr on the edge' })).toEqual([]);
  });
  it('answers nothing for a query of only filler words', () => {
    expect(rankKnownFixes([burr], { text: 'please help the machine' })).toEqual([]);
  });
  it('finds Han text by character pairs', () => {
    const hits = rankKnownFixes([laserCn, burr], { model: 'FL-3015', text: '激光器 不出光' });
    expect(hits.map((h) => h.article.id)).toEqual(['KB-5']);
  });
  it('without a model, gives no bonus and breaks ties by id', () => {
    const hits = rankKnownFixes([general, burr], { text: 'burr' });
    expect(hits.map((h) => [h.article.id, h.score])).toEqual([['KB-1', 1], ['KB-3', 1]]);
  });
});

describe('supersedes', () => {
  it('takes the first version and only higher ones after it', () => {
    expect(supersedes(1, null)).toBe(true);
    expect(supersedes(2, 1)).toBe(true);
    expect(supersedes(1, 1)).toBe(false);
    expect(supersedes(1, 3)).toBe(false);
  });
});
