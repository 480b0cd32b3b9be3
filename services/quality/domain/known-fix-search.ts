import { symptomTerms } from '@aftersales/text';

/** A symptom's search terms, the same as intake's (segmented Chinese, stemmed English): see @aftersales/text. */
export const symptomWords = symptomTerms;

export interface SearchableArticle {
  id: string;
  models: string[];
  symptom: string;
  title: string;
}

/**
 * Ranks articles for a model and the symptom an agent typed: the share of the typed words an
 * article's symptom and title contain, with a bonus for an article about the same model.
 * Articles that share no word are dropped.
 */
export function rankArticles<T extends SearchableArticle>(articles: T[], query: { model?: string; text: string }): { article: T; score: number; matched: string[] }[] {
  const wanted = symptomWords(query.text);
  if (wanted.length === 0) return [];
  return articles
    .map((article) => {
      const words = new Set(symptomWords(`${article.symptom} ${article.title}`));
      const matched = wanted.filter((w) => words.has(w));
      const modelBonus = query.model && article.models.includes(query.model) ? 0.25 : 0;
      return { article, matched, score: matched.length === 0 ? 0 : matched.length / wanted.length + modelBonus };
    })
    .filter((hit) => hit.score > 0)
    .sort((a, b) => b.score - a.score || a.article.id.localeCompare(b.article.id));
}
