import { createJsonDocuments, insertedOnce, unchanged, type KeyLockDoc } from '@aftersales/platform';
import type mongoose from 'mongoose';
import { onePerStore } from './failure-record-lists';
import type { EightDDoc, QualityModels } from './models';

type BoardModels = Pick<QualityModels, 'eightDs' | 'eightDBoard' | 'locks' | 'builds'>;

/** The board's longest answer, and how many of the 8Ds that closed last it keeps. */
export const boardLimit = 500;

export interface BoardQuery {
  status?: 'open' | 'closed';
  model?: string;
  productLine?: string;
}

/** An 8D as the board and the 8D's page head show it: where it stands, not its disciplines' contents. */
export function boardItemOf(doc: Pick<EightDDoc, '_id' | 'status' | 'problem' | 'rules' | 'reason' | 'linkedTo' | 'openedAt' | 'closedAt' | 'openedBy' | 'concerns' | 'state'>) {
  const open = doc.state?.disciplines.find((d) => d.status !== 'approved' && d.status !== 'waiting');
  return {
    id: doc._id,
    status: doc.status,
    problem: doc.problem,
    rules: doc.rules,
    reason: doc.reason,
    // A null stored by an upsert's $setOnInsert comes back missing on FerretDB v1 (the demo 8D).
    linkedTo: doc.linkedTo ?? null,
    openedAt: new Date(doc.openedAt).toISOString(),
    closedAt: doc.closedAt ? new Date(doc.closedAt).toISOString() : null,
    ...(doc.openedBy ? { openedBy: doc.openedBy, concerns: doc.concerns } : {}),
    current: open ? { discipline: open.discipline, owner: open.owner, dueAt: open.dueAt, status: open.status, escalations: open.escalations.length } : null,
  };
}
export type BoardItem = ReturnType<typeof boardItemOf>;

/** The board's value: each 8D shown, with the revision it shows, and the closed ones in closing order. */
interface Board {
  items: Record<string, { revision: number; item: BoardItem }>;
  closedOrder: string[];
}

/** Adds or replaces one 8D's item unless the board shows a later revision; keeps the `boardLimit` closed last. Pure. */
export function boardWith(board: Board, revision: number, item: BoardItem): Board | typeof unchanged {
  const shown = Object.hasOwn(board.items, item.id) ? board.items[item.id] : undefined;
  if (shown && shown.revision >= revision) return unchanged;
  const items = { ...board.items, [item.id]: { revision, item } };
  let closedOrder = board.closedOrder;
  if (item.status === 'closed' && !closedOrder.includes(item.id)) {
    closedOrder = [...closedOrder, item.id];
    for (const gone of closedOrder.slice(0, Math.max(0, closedOrder.length - boardLimit))) delete items[gone];
    closedOrder = closedOrder.slice(-boardLimit);
  }
  return { items, closedOrder };
}

/**
 * Quality's 8D board (`GET /v1/eight-ds`, polled every 5 s by each quality user) as one document
 * read by `_id`, where it sorted every 8D ever opened, each with its whole workflow state: on
 * FerretDB v1 that read and decoded the whole collection (4.7 s at 300 8Ds here). The document
 * holds each open 8D's item and those of the 500 that closed last, as one JSON string, changed
 * under its lock after each write of an 8D: at its opening, and by every pass of its workflow that
 * records it (revision-guarded, so a late retry never shows an older state). An 8D's workflow
 * records it until the pass succeeds, so a crash between the 8D's write and the board's is mended
 * by the retry; an 8D opened and not yet recorded shows from its opening's write.
 */
function createEightDBoard(models: BoardModels) {
  const boards = createJsonDocuments(models.eightDBoard.collection as unknown as mongoose.mongo.Collection<{ _id: string; items: string; closedOrder: string }>, models.locks.collection as unknown as mongoose.mongo.Collection<KeyLockDoc>, {
    now: () => new Date(),
    what: '8D board',
    empty: (): Board => ({ items: {}, closedOrder: [] }),
    lockKey: (key) => `eight-d-board|${key}`,
  });
  const boardKey = 'board';

  /** After an 8D's write: its item as stored at `revision`. */
  async function record(doc: Parameters<typeof boardItemOf>[0], revision: number): Promise<void> {
    const item = boardItemOf(doc);
    await boards.change(boardKey, (board) => boardWith(board, revision, item));
  }

  /** Open 8Ds and those among the 500 that closed last, of a status, model or product line, newest opened first. */
  async function list(query: BoardQuery = {}): Promise<BoardItem[]> {
    const board = await boards.read(boardKey);
    return Object.values(board.items)
      .map((e) => e.item)
      .filter((i) => (query.status === undefined || i.status === query.status) && (query.model === undefined || i.problem.model === query.model) && (query.productLine === undefined || i.problem.productLine === query.productLine))
      .sort((a, b) => (a.openedAt < b.openedAt ? 1 : a.openedAt > b.openedAt ? -1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .slice(0, boardLimit);
  }

  /** 8Ds stored before the board, once (marker `eight-d-board@1`): every open one, and the 500 that closed last. */
  async function buildOnce(now: Date): Promise<boolean> {
    const id = 'eight-d-board@1';
    if (await models.builds.findById(id).lean()) return false;
    const stored = await models.eightDs.find({}, { outbox: 0, outboxDueAt: 0 }).lean<EightDDoc[]>();
    const byClosing = stored.sort((a, b) => (a.closedAt?.getTime() ?? 0) - (b.closedAt?.getTime() ?? 0));
    await boards.change(boardKey, (board) => byClosing.reduce<Board>((at, doc) => {
      const next = boardWith(at, doc.revision, boardItemOf(doc));
      return next === unchanged ? at : next;
    }, board));
    await insertedOnce(models.builds.collection.insertOne({ _id: id as never, builtAt: now }));
    return true;
  }

  return { record, list, buildOnce };
}

/** The 8D board of a store, one per process. */
export const eightDBoardOf = onePerStore((models: BoardModels) => models.eightDBoard, createEightDBoard);
