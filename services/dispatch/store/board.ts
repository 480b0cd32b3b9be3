/**
 * Dispatch's board over two collections: entries of requests still open (awaiting dispatch or
 * dispatched) in `serviceRequestBoard`, as small as the open work, and those completed or
 * cancelled in `closedServiceRequestBoard`. FerretDB v1 scans a collection for every update,
 * delete and non-`_id` query, so the board's listing and its status changes touch only the open
 * entries; an entry is read by `_id` from either.
 */
import { isDuplicateKeyError } from '@aftersales/platform';
import type { BoardEntryDoc, DispatchModels } from './models';

const finished = (status: BoardEntryDoc['status']) => status === 'completed' || status === 'cancelled';

export function createBoard(models: DispatchModels) {
  const open = models.boardEntries;
  const closed = models.closedBoardEntries;

  async function entry(requestId: string): Promise<BoardEntryDoc | null> {
    return (await open.findById(requestId).lean<BoardEntryDoc>()) ?? (await closed.findById(requestId).lean<BoardEntryDoc>());
  }

  /** Records a registered request once; false when it was on the board already. */
  async function record(doc: BoardEntryDoc): Promise<boolean> {
    if (await closed.exists({ _id: doc._id })) return false;
    try {
      await open.collection.insertOne(doc as never);
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  /** A request's new status; a finished one moves to the closed entries (inserted there, then removed from the open). */
  async function mark(requestId: string, status: BoardEntryDoc['status'], workOrderId?: string): Promise<void> {
    const set = { status, ...(workOrderId ? { workOrderId } : {}) };
    if (!finished(status)) {
      await open.updateOne({ _id: requestId }, { $set: set });
      return;
    }
    const current = await open.findById(requestId).lean<BoardEntryDoc>();
    if (!current) {
      await closed.updateOne({ _id: requestId }, { $set: set });
      return;
    }
    const moved = { ...current, ...set };
    await closed.collection.insertOne(moved as never).catch(async (error: unknown) => {
      if (!isDuplicateKeyError(error)) throw error;
      await closed.replaceOne({ _id: requestId }, moved);
    });
    await open.deleteOne({ _id: requestId });
  }

  /** Requests waiting for dispatch, most urgent first: a read of the open entries only. */
  async function awaiting(limit: number): Promise<BoardEntryDoc[]> {
    return open.find({ status: 'awaiting-dispatch' }).sort({ neededBy: 1 }).limit(limit).lean<BoardEntryDoc[]>();
  }

  return { entry, record, mark, awaiting };
}

export type Board = ReturnType<typeof createBoard>;
