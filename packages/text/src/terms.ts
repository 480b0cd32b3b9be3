/**
 * Search terms of a symptom as people type it, the same at intake (duplicates, known fixes) and in
 * quality (the knowledge base): NFKC (full-width letters become plain), lower case, words cut by
 * ICU's segmenter (Intl.Segmenter, which splits Chinese by its dictionary: 激光器不出光 → 激光器 不出
 * 光), English words reduced to their stem (leaks, leaking → leak), stop words and one-letter Latin
 * tokens dropped. A Chinese one-character word stays: 光 (light) or 水 (water) names the fault.
 */
import { stemmer } from 'stemmer';

/**
 * Words that say nothing about which fault it is: English function words and the filler every
 * service call contains ("machine", "please", "again"), and Chinese particles and fillers.
 */
export const stopWords: ReadonlySet<string> = new Set([
  'a', 'about', 'after', 'again', 'all', 'also', 'am', 'an', 'and', 'any', 'are', 'as', 'at', 'be', 'been', 'before',
  'but', 'by', 'can', 'cannot', 'could', 'customer', 'did', 'do', 'does', 'during', 'for', 'from', 'had', 'has',
  'have', 'help', 'he', 'her', 'his', 'how', 'i', 'if', 'in', 'is', 'issue', 'it', 'its', 'machine', 'me', 'my',
  'now', 'of', 'on', 'or', 'our', 'please', 'problem', 'she', 'since', 'so', 'still', 'that', 'the', 'their', 'them',
  'then', 'there', 'they', 'this', 'to', 'today', 'urgent', 'us', 'very', 'was', 'we', 'were', 'what', 'when',
  'which', 'while', 'with', 'would', 'you', 'your',
  '的', '了', '是', '在', '和', '也', '就', '都', '吗', '呢', '啊', '吧', '请', '我们', '我', '你', '他', '她', '它', '这', '那',
  '机器', '设备', '问题', '客户', '今天', '还是', '一直', '非常', '紧急',
]);

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });
const latinWord = /^\p{Script=Latin}+$/u;

/** The terms of a text, unique and sorted, so they print and compare the same way every time. */
export function symptomTerms(text: string): string[] {
  const terms = new Set<string>();
  for (const { segment, isWordLike } of segmenter.segment(text.normalize('NFKC').toLowerCase())) {
    if (!isWordLike || stopWords.has(segment)) continue;
    if (latinWord.test(segment)) {
      if (segment.length > 1) terms.add(stemmer(segment));
    } else if (/\p{Script=Han}/u.test(segment) || segment.length > 1) {
      terms.add(segment);
    }
  }
  return [...terms].sort();
}
