import { describe, expect, it } from 'vitest';
import { rankArticles, symptomWords } from './known-fix-search';

const articles = [
  { id: 'KB-1', models: ['FL-3015'], title: 'Burr on the cut edge', symptom: 'burr dross on cut edge' },
  { id: 'KB-2', models: ['PB-1303'], title: 'Hydraulic leak', symptom: 'oil leak under the ram' },
  { id: 'KB-3', models: ['FL-4020'], title: 'Burr after lens change', symptom: 'burr dross' },
];

describe('symptomWords', () => {
  it('lower-cases, splits on punctuation, drops filler words and stems', () => {
    expect(symptomWords('Burr on the CUT-edge, after the nozzle change!')).toEqual(['burr', 'chang', 'cut', 'edg', 'nozzl']);
  });
});

describe('rankArticles', () => {
  it('ranks by the share of typed words matched and prefers the same model', () => {
    const hits = rankArticles(articles, { model: 'FL-3015', text: 'burr dross' });
    expect(hits.map((h) => h.article.id)).toEqual(['KB-1', 'KB-3']);
    expect(hits[0]!.score).toBeCloseTo(1.25);
    expect(hits[1]!.score).toBeCloseTo(1);
  });
  it('finds a Chinese article by part of its words, and an English one by another form of a word', () => {
    const zh = { id: 'KB-ZH', models: ['FL-3015'], symptom: '激光器不出光', title: '激光器不出光，报警 E-1023' };
    const leak = { id: 'KB-LEAK', models: [], symptom: 'Coolant leaks at the cutting head', title: 'Cutting head leaks' };
    expect(rankArticles([zh, leak, ...articles], { text: '不出光' }).map((h) => h.article.id)).toEqual(['KB-ZH']);
    // 'leaking' meets 'leaks' and the hydraulic article's 'leak'; both words match the coolant one.
    expect(rankArticles([zh, leak, ...articles], { text: 'coolant leaking' }).map((h) => h.article.id)).toEqual(['KB-LEAK', 'KB-2']);
  });

  it('drops articles that share no word and answers nothing for an empty query', () => {
    expect(rankArticles(articles, { text: 'oil' }).map((h) => h.article.id)).toEqual(['KB-2']);
    expect(rankArticles(articles, { text: 'the and' })).toEqual([]);
  });
});
