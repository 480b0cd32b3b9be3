import { Schema, type Connection } from 'mongoose';

/** A known fix: what intake agents search while registering, and engineers read before a visit. */
export interface ArticleDoc {
  _id: string;
  version: number;
  title: string;
  models: string[];
  symptom: string;
  cause: string;
  fix: string;
  parts: string[];
  publishedAt: Date;
}

export function createQualityModels(connection: Connection) {
  const articles = new Schema<ArticleDoc>(
    {
      _id: String,
      version: { type: Number, required: true },
      title: { type: String, required: true },
      models: { type: [String], index: true },
      symptom: { type: String, required: true },
      cause: { type: String, required: true },
      fix: { type: String, required: true },
      parts: { type: [String], default: [] },
      publishedAt: { type: Date, required: true },
    },
    { versionKey: false },
  );
  return { articles: connection.model('Article', articles, 'articles') };
}

export type QualityModels = ReturnType<typeof createQualityModels>;
