/**
 * Duplicate detection at registration: an open request on the same machine, raised within a
 * time window, whose symptom says much the same thing, is named as `duplicateOf` in the
 * registration answer; screening then confirms or overrules it.
 *
 * Similarity is on normalised word sets: lower-cased, NFKC, split on anything that is not a
 * letter or digit, stop words and one-letter tokens dropped, Han text cut into overlapping
 * character pairs (it has no spaces). The default measure is the overlap coefficient
 * |A ∩ B| / min(|A|, |B|): a second caller often describes the same fault in fewer words
 * ("no laser output" against a long e-mail), which Jaccard would punish. Because overlap is
 * generous with very short texts, a match also needs at least `minSharedWords` words in common.
 */

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

/**
 * Words that say nothing about which fault it is: English function words and the filler every
 * service call contains ("machine", "please", "again"), which would otherwise make unrelated
 * calls look alike.
 */
export const stopWords: ReadonlySet<string> = new Set([
  'a', 'about', 'after', 'again', 'all', 'also', 'am', 'an', 'and', 'any', 'are', 'as', 'at', 'be', 'been', 'before',
  'but', 'by', 'can', 'cannot', 'could', 'customer', 'did', 'do', 'does', 'during', 'for', 'from', 'had', 'has',
  'have', 'help', 'he', 'her', 'his', 'how', 'i', 'if', 'in', 'is', 'issue', 'it', 'its', 'machine', 'me', 'my',
  'now', 'of', 'on', 'or', 'our', 'please', 'problem', 'she', 'since', 'so', 'still', 'that', 'the', 'their', 'them',
  'then', 'there', 'they', 'this', 'to', 'today', 'urgent', 'us', 'very', 'was', 'we', 'were', 'what', 'when',
  'which', 'while', 'with', 'would', 'you', 'your',
]);

/** The normalised word set of a symptom, sorted so it prints and compares the same way every time. */
export function symptomWords(text: string): string[] {
  const words = new Set<string>();
  for (const token of text.normalize('NFKC').toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
    for (const part of splitHan(token)) {
      if (part.length > 1 && !stopWords.has(part)) words.add(part);
    }
  }
  return [...words].sort();
}

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

/** Han runs become overlapping character pairs (激光器 -> 激光, 光器); other tokens pass through whole. */
function splitHan(token: string): string[] {
  if (!/\p{Script=Han}/u.test(token)) return [token];
  const parts: string[] = [];
  for (const run of token.split(/(\p{Script=Han}+)/u)) {
    if (run === '') continue;
    if (!/^\p{Script=Han}+$/u.test(run)) {
      parts.push(run);
      continue;
    }
    const chars = [...run];
    if (chars.length === 1) parts.push(run);
    for (let i = 0; i + 1 < chars.length; i++) parts.push(`${chars[i]}${chars[i + 1]}`);
  }
  return parts;
}
