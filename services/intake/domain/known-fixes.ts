/**
 * Known fixes at intake: ranks the local copy of knowledge-base articles for a machine model and
 * the words the agent typed. Uses the same terms as duplicate detection and quality's knowledge
 * base (@aftersales/text: Chinese segmented, English stemmed), so "不出光" finds an article written
 * "激光器不出光" and "leaking" one that says "leaks".
 *
 * Score: the share of the query's words found in the article's symptom and title, plus a bonus
 * when the article names the machine's model (an article for no model in particular gets half of
 * it: general advice, ranked below model-specific advice with the same words).
 */
import { symptomWords } from './duplicates';

export interface RankableArticle {
  id: string;
  title: string;
  symptom: string;
  models: readonly string[];
  /** Its words (articleWords), when the caller keeps them: segmenting a thousand articles per registration cost ~140 ms. */
  words?: ReadonlySet<string>;
}

/** The words an article is matched on: its symptom's and title's. */
export function articleWords(article: Pick<RankableArticle, 'title' | 'symptom'>): ReadonlySet<string> {
  return new Set(symptomWords(`${article.symptom} ${article.title}`));
}

export interface KnownFixHit<T extends RankableArticle> {
  article: T;
  score: number;
  matched: string[];
}

export const modelBonus = 0.25;

export function rankKnownFixes<T extends RankableArticle>(articles: readonly T[], query: { model?: string | null; text: string }): KnownFixHit<T>[] {
  const wanted = symptomWords(query.text);
  if (wanted.length === 0) return [];
  const hits: KnownFixHit<T>[] = [];
  for (const article of articles) {
    const words = article.words ?? articleWords(article);
    const matched = wanted.filter((w) => words.has(w));
    if (matched.length === 0) continue;
    const bonus = !query.model ? 0 : article.models.includes(query.model) ? modelBonus : article.models.length === 0 ? modelBonus / 2 : 0;
    hits.push({ article, matched, score: round(matched.length / wanted.length + bonus) });
  }
  return hits.sort((a, b) => b.score - a.score || (a.article.id < b.article.id ? -1 : a.article.id > b.article.id ? 1 : 0));
}

/** Whether an incoming article version replaces the stored one: only a higher version does, so a late or repeated event never rolls back. */
export function supersedes(incomingVersion: number, storedVersion: number | null): boolean {
  return storedVersion === null || incomingVersion > storedVersion;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
