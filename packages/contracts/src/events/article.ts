import { z } from 'zod';

/**
 * article.published v1: quality published (or re-published) a knowledge-base article. Keyed by
 * the article id; every edit is a new, higher `version`, so a reader keeps the highest it saw.
 */
export const articlePublishedV1 = z.object({
  articleId: z.string().min(1).max(64),
  version: z.number().int().positive(),
  title: z.string().min(1).max(500),
  /** Machine models the article applies to; empty means it is not model-specific. */
  models: z.array(z.string().min(1).max(64)).max(200),
  symptom: z.string().min(1).max(4000),
  cause: z.string().max(4000),
  fix: z.string().min(1).max(8000),
  /** Part numbers the fix usually needs. */
  parts: z.array(z.string().min(1).max(64)).max(200),
  publishedAt: z.iso.datetime({ offset: true }),
});
export type ArticlePublishedV1 = z.infer<typeof articlePublishedV1>;
