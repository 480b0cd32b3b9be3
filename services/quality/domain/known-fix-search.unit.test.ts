import { describe, expect, it } from 'vitest';
import { rankArticles, symptomWords } from './known-fix-search';

const articles = [
  { id: 'KB-1', models: ['FL-3015'], title: 'Burr on the cut edge', symptom: 'burr dross on cut edge' },
  { id: 'KB-2', models: ['PB-1303'], title: 'Hydraulic leak', symptom: 'oil leak under the ram' },
  { id: 'KB-3', models: ['FL-4020'], title: 'Burr after lens change', symptom: 'burr dross' },
];

describe('symptomWords', () => {
  it('lower-cases, splits on punctuation and drops filler words', () => {
    expect(symptomWords('Burr on the CUT-edge, after the nozzle change!')).toEqual(['burr', 'cut', 'edge', 'nozzle', 'change']);
  });
});

describe('rankArticles', () => {
  it('ranks by the share of typed words matched and prefers the same model', () => {
    const hits = rankArticles(articles, { model: 'FL-3015', text: 'burr dross' });
    expect(hits.map((h) => h.article.id)).toEqual(['KB-1', 'KB-3']);
    expect(hits[0]!.score).toBeCloseTo(1.25);
    expect(hits[1]!.score).toBeCloseTo(1);
  });
  it('drops articles that share no word and answers nothing for an empty query', () => {
    expect(rankArticles(articles, { text: 'oil' }).map((h) => h.article.id)).toEqual(['KB-2']);
    expect(rankArticles(articles, { text: 'the and' })).toEqual([]);
  });
});
