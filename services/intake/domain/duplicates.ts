/**
 * Duplicate detection at registration: an open request on the same machine, raised within a
 * time window, whose symptom says much the same thing, is named as `duplicateOf` in the
 * registration answer; screening then confirms or overrules it.
 *
 * Similarity is on the symptoms' term sets (@aftersales/text: NFKC, lower case, Chinese cut into
 * words by ICU's segmenter, English stemmed, stop words dropped). The default measure is the overlap coefficient
 * |A ∩ B| / min(|A|, |B|): a second caller often describes the same fault in fewer words
 * ("no laser output" against a long e-mail), which Jaccard would punish. Because overlap is
 * generous with very short texts, a match also needs at least `minSharedWords` words in common.
 */
import { symptomTerms } from '@aftersales/text';

export interface DuplicateProbe {
  serialNumber: string;
  symptom: string;
  raisedAt: Date;
}

export interface OpenRequestSummary {
  id: string;
  serialNumber: string;
  symptom: string;
  raisedAt: Date;
}

export type SimilarityMeasure = 'overlap' | 'jaccard';

export interface DuplicateRule {
  measure: SimilarityMeasure;
  /** A candidate matches when its score is at least this (inclusive). */
  threshold: number;
  minSharedWords: number;
  /** A candidate raised more than this far from the new request, before or after, is not considered (the bound itself is inside). */
  windowMs: number;
}

export const defaultDuplicateRule: DuplicateRule = {
  measure: 'overlap',
  threshold: 0.6,
  minSharedWords: 2,
  windowMs: 14 * 24 * 60 * 60 * 1000,
};

export interface DuplicateCandidate {
  duplicateOf: string;
  score: number;
  sharedWords: string[];
  measure: SimilarityMeasure;
}

/** A symptom's search terms, the same everywhere (segmented Chinese, stemmed English): see @aftersales/text. */
export const symptomWords = symptomTerms;

/** Score of two word sets by the measure, with the shared words; 0 when either set is empty. */
export function symptomSimilarity(a: readonly string[], b: readonly string[], measure: SimilarityMeasure): { score: number; sharedWords: string[] } {
  const setB = new Set(b);
  const setA = new Set(a);
  const sharedWords = [...setA].filter((w) => setB.has(w)).sort();
  if (setA.size === 0 || setB.size === 0) return { score: 0, sharedWords };
  const denominator = measure === 'overlap' ? Math.min(setA.size, setB.size) : setA.size + setB.size - sharedWords.length;
  return { score: sharedWords.length / denominator, sharedWords };
}

/**
 * The best open request this one duplicates, or null. Best: highest score, then nearest in time,
 * then the smallest id, so the answer does not depend on the order the candidates arrive in.
 * Candidates on another machine are ignored even if passed in.
 */
export function findDuplicate(probe: DuplicateProbe, openRequests: readonly OpenRequestSummary[], rule: DuplicateRule = defaultDuplicateRule): DuplicateCandidate | null {
  checkRule(rule);
  const wanted = symptomWords(probe.symptom);
  let best: { candidate: DuplicateCandidate; distance: number } | null = null;
  for (const open of openRequests) {
    if (open.serialNumber !== probe.serialNumber) continue;
    const distance = Math.abs(open.raisedAt.getTime() - probe.raisedAt.getTime());
    if (!(distance <= rule.windowMs)) continue;
    const { score, sharedWords } = symptomSimilarity(wanted, symptomWords(open.symptom), rule.measure);
    if (sharedWords.length < rule.minSharedWords || score < rule.threshold) continue;
    const candidate = { duplicateOf: open.id, score, sharedWords, measure: rule.measure };
    if (best === null || isBetter(candidate, distance, best.candidate, best.distance)) best = { candidate, distance };
  }
  return best?.candidate ?? null;
}

function isBetter(a: DuplicateCandidate, aDistance: number, b: DuplicateCandidate, bDistance: number): boolean {
  if (a.score !== b.score) return a.score > b.score;
  if (aDistance !== bDistance) return aDistance < bDistance;
  return a.duplicateOf < b.duplicateOf;
}

function checkRule(rule: DuplicateRule): void {
  if (!(rule.threshold > 0 && rule.threshold <= 1)) throw new RangeError(`duplicate rule: threshold must be in (0, 1], got ${rule.threshold}`);
  if (!(rule.windowMs >= 0)) throw new RangeError(`duplicate rule: windowMs must be 0 or more, got ${rule.windowMs}`);
  if (!(Number.isInteger(rule.minSharedWords) && rule.minSharedWords >= 1)) throw new RangeError(`duplicate rule: minSharedWords must be a whole number, at least 1, got ${rule.minSharedWords}`);
}
