import type { ArticlePublishedV1 } from '@aftersales/contracts';
import type { RequestContext, StoredFailureRecord } from './failure-records';

/** What an article says, as article.published carries it. */
export type ArticleContent = Pick<ArticlePublishedV1, 'title' | 'models' | 'symptom' | 'cause' | 'fix' | 'parts'>;

export type CaseArticleRefusal = { field: string; message: string };

/**
 * A knowledge-base article from one closed case: the customer's symptom, the model, the cause,
 * the fix and the part, as the case recorded them. A quality engineer may retitle it; the rest is
 * the record's, never retyped. Refused while the case lacks what an article must say.
 */
export function articleFromCase(record: Pick<StoredFailureRecord, 'model' | 'cause' | 'fix' | 'partNumber' | 'failureMode'> | null, context: Pick<RequestContext, 'symptom'> | null, title?: string): ArticleContent | CaseArticleRefusal {
  if (!record) return { field: 'requestId', message: 'requestId: quality has no failure record of this request (is it closed, or reported by a work order?)' };
  if (!record.fix.trim()) return { field: 'requestId', message: 'requestId: the case has no fix recorded yet' };
  const symptom = context?.symptom?.trim() || record.cause;
  return {
    title: title?.trim() || `${record.model ?? 'Any model'}: ${record.failureMode} — ${record.fix}`.slice(0, 500),
    models: record.model ? [record.model] : [],
    symptom,
    cause: record.cause,
    fix: record.fix,
    parts: record.partNumber ? [record.partNumber] : [],
  };
}

export function isRefusal(value: ArticleContent | CaseArticleRefusal): value is CaseArticleRefusal {
  return 'field' in value;
}
