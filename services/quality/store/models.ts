import { Schema, type Connection, type mongo } from 'mongoose';
import { indexedOutbox, type OutboxEntry } from '@aftersales/platform';
import type { EightDState } from '@aftersales/workflows';
import type { RequestContext, StoredFailureRecord } from '../domain/failure-records';
import type { RecurrenceRule } from '../domain/recurrence';

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
  /** The 8D the article came from, if any. */
  eightDId?: string | null;
  outbox?: OutboxEntry[];
  outboxDueAt?: Date;
}

/** Every published version of an article, keyed `<id>@<version>`: the unique key refuses a version published twice. */
export interface ArticleVersionDoc extends ArticleDoc {
  articleId: string;
  editedBy: string;
}

export interface RequestContextDoc extends Omit<RequestContext, 'requestId'> {
  _id: string;
}

export interface FailureRecordDoc extends Omit<StoredFailureRecord, 'id'> {
  _id: string;
  /** The 8D the record was attached to (opened it, or joined it). */
  eightDId: string | null;
  receivedAt: Date;
}

/** One recurrence check per failure record: inserted first (the unique key makes the check run once), then its outcome. */
export interface RecurrenceDoc {
  /** The record id for the check on arrival; `<record id>#<pass>` for a later one (severe, formal report). */
  _id: string;
  failureRecordId: string;
  status: 'checking' | 'done';
  checkedAt: Date;
  model: string;
  productLine: string;
  failureMode: string;
  hits: {
    rules: RecurrenceRule[];
    recordIds: string[];
    linkedEightDIds: string[];
    outcome: 'opened' | 'attached';
    eightDId: string;
  }[];
}

/** The 8D as quality stores it: the workflow's last recorded state, and the events it publishes. */
export interface EightDDoc {
  _id: string;
  status: 'open' | 'closed';
  problem: { productLine: string; model: string; failureMode: string };
  /** productLine|model|failureMode: how the open 8D for a problem is found. */
  problemKey: string;
  rules: RecurrenceRule[];
  reason: string;
  linkedTo: string | null;
  openedAt: Date;
  closedAt: Date | null;
  revision: number;
  state: EightDState | null;
  /** Opened by a person (POST /v1/eight-ds) rather than a recurrence rule: who, and what it concerns. */
  openedBy?: string;
  concerns?: EightDConcerns;
  outbox?: OutboxEntry[];
  outboxDueAt?: Date;
}

/** What a hand-opened 8D is about: field cases (by request), parts, and spares' supplier claims (ids, as spares names them). */
export interface EightDConcerns {
  requestIds: string[];
  partNumbers: string[];
  supplierClaimIds: string[];
}

/** One fact the eightD workflow published, as its own document: inserted once (the fact id is the key), relayed from its outbox. */
export interface EightDEventDoc {
  _id: string;
  eightDId: string;
  outbox?: OutboxEntry[];
  outboxDueAt?: Date;
}

/** Model generations per product line: which model is newer (data, maintained by quality). */
export interface ModelGenerationDoc {
  _id: string;
  productLine: string;
  generation: number;
}

/**
 * One problem's history (`productLine|failureMode`), read by `_id` by the recurrence check: its 8Ds
 * and what the rules read of the records they took, as JSON strings (ids may hold dots), changed
 * only under the problem's key lock (see store/problem-histories.ts).
 */
export interface ProblemHistoryDoc {
  _id: string;
  productLine: string;
  failureMode: string;
  /** JSON of ProblemHistoryCase[], one per 8D id. */
  eightDs: string;
  /** JSON of ProblemHistoryRecord[], one per 8D and model it took. */
  takenRecords: string;
  /** JSON of the quarter labels that hold records. */
  quarters: string;
  /** JSON of ProblemHistoryRecord[]: `[]`, or the records as kept before quarters, until folded. */
  records: string;
  updatedAt: Date;
}

/**
 * A quarter of a problem's records (`productLine|failureMode|2026-Q4`, by `occurredAt`), in the same
 * collection, changed only under the problem's key lock.
 */
export interface ProblemQuarterDoc {
  _id: string;
  productLine: string;
  failureMode: string;
  quarter: string;
  /** JSON of ProblemHistoryRecord[], one per record id. */
  records: string;
  updatedAt: Date;
}

/** An entry of an 8D's numbered list of failure records (`<8D id>#<n>`), written before the record names the 8D. */
export interface EightDRecordEntryDoc {
  _id: string;
  failureRecordId: string;
}

/** An entry of a numbered list of failure records (`all#<n>`, `model:<model>#<n>`), written before the record is stored or takes its model. */
export interface FailureRecordEntryDoc {
  _id: string;
  failureRecordId: string;
}

/** An entry of a numbered list of recurrence hits (`all#<n>`, `model:<model>#<n>`, `8d:<8D id>#<n>`), written before the check is stored done with its hits. */
export interface RecurrenceHitEntryDoc {
  _id: string;
  recurrenceId: string;
}

/** The 8D board (`_id` `board`): its items and closing order as JSON strings (see store/eight-d-board.ts). */
export interface EightDBoardDoc {
  _id: string;
  items: string;
  closedOrder: string;
}

/** A key lock in use (platform createKeyLocks). */
export interface QualityLockDoc {
  _id: string;
  owner: string;
  until: Date;
}

/** A one-off build that ran (its id names it), so it runs once. */
export interface QualityBuildDoc {
  _id: string;
  builtAt: Date;
}

export const problemKeyOf = (p: { productLine: string; model: string; failureMode: string }) => `${p.productLine}|${p.model}|${p.failureMode}`;

const loose = { versionKey: false, strict: false } as const;

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
      eightDId: { type: String, default: null },
      outbox: { type: Schema.Types.Mixed },
      outboxDueAt: { type: Date, index: true },
    },
    { versionKey: false },
  );
  const articleVersions = new Schema<ArticleVersionDoc>({ _id: String, articleId: { type: String, index: true }, outboxDueAt: { type: Date, index: true } }, loose);
  const requestContexts = new Schema<RequestContextDoc>({ _id: String }, loose);
  const failureRecords = new Schema<FailureRecordDoc>({ _id: String, productLine: { type: String, index: true }, failureMode: String, eightDId: { type: String, index: true } }, loose);
  const recurrences = new Schema<RecurrenceDoc>({ _id: String, checkedAt: { type: Date, index: true } }, loose);
  const eightDs = new Schema<EightDDoc>({ _id: String, problemKey: { type: String, index: true }, status: String, outboxDueAt: { type: Date, index: true } }, loose);
  const eightDEvents = new Schema<EightDEventDoc>({ _id: String, eightDId: { type: String, index: true }, outboxDueAt: { type: Date, index: true } }, loose);
  const modelGenerations = new Schema<ModelGenerationDoc>({ _id: String, productLine: { type: String, index: true }, generation: Number }, loose);
  const problemHistories = new Schema<ProblemHistoryDoc>({ _id: String }, loose);
  const eightDRecords = new Schema<EightDRecordEntryDoc>({ _id: String }, loose);
  const failureRecordLists = new Schema<FailureRecordEntryDoc>({ _id: String }, loose);
  const recurrenceHitLists = new Schema<RecurrenceHitEntryDoc>({ _id: String }, loose);
  const eightDBoard = new Schema<EightDBoardDoc>({ _id: String }, loose);
  const locks = new Schema<QualityLockDoc>({ _id: String }, loose);
  const builds = new Schema<QualityBuildDoc>({ _id: String }, loose);
  return {
    articles: connection.model('Article', articles, 'articles'),
    articleVersions: connection.model('ArticleVersion', articleVersions, 'articleVersions'),
    requestContexts: connection.model('RequestContext', requestContexts, 'requestContexts'),
    failureRecords: connection.model('FailureRecord', failureRecords, 'failureRecords'),
    recurrences: connection.model('Recurrence', recurrences, 'recurrences'),
    eightDs: connection.model('EightD', eightDs, 'eightDs'),
    eightDEvents: connection.model('EightDEvent', eightDEvents, 'eightDEvents'),
    modelGenerations: connection.model('ModelGeneration', modelGenerations, 'modelGenerations'),
    problemHistories: connection.model('ProblemHistory', problemHistories, 'problemHistories'),
    eightDRecords: connection.model('EightDRecordEntry', eightDRecords, 'eightDRecords'),
    failureRecordLists: connection.model('FailureRecordEntry', failureRecordLists, 'failureRecordLists'),
    recurrenceHitLists: connection.model('RecurrenceHitEntry', recurrenceHitLists, 'recurrenceHitLists'),
    eightDBoard: connection.model('EightDBoard', eightDBoard, 'eightDBoard'),
    locks: connection.model('QualityKeyLock', locks, 'qualityKeyLocks'),
    builds: connection.model('QualityBuild', builds, 'qualityBuilds'),
  };
}

export type QualityModels = ReturnType<typeof createQualityModels>;

/**
 * What quality's relay publishes from. Each takes its events with its insert and never later (an
 * 8D's updates carry none: its facts go into the 8D log), so the relay reads their small pending
 * index; polled, the 8Ds (each with its whole state) were read whole on FerretDB v1 on every pass.
 */
export function qualityOutboxCollections(models: Pick<QualityModels, 'eightDs' | 'eightDEvents' | 'articleVersions'>): mongo.Collection<mongo.Document>[] {
  return [models.eightDs, models.eightDEvents, models.articleVersions].map((m) => indexedOutbox(m.collection as unknown as mongo.Collection<mongo.Document>));
}
