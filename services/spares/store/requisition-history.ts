import { createJsonDocuments, insertedOnce, unchanged } from '@aftersales/platform';
import type { RequisitionQuantity } from '../domain/cost-allocation';
import type { RequisitionDoc, SparesStore } from './collections';

/** One requisition line of a part, as the approval rules compare quantities: requisition, engineer, model, quantity. */
interface Sample {
  r: string;
  e: string;
  m: string | null;
  q: number;
}

/** What a part's baseline keeps: the latest samples (the filter it replaces read at most 5,000 requisitions). */
export const samplesKept = 5_000;

/**
 * Each part's requisition history, read by `_id`: a new requisition's quantities are compared with
 * earlier ones of the same parts, which by filter (`lines.partNumber`) read every requisition ever
 * raised on FerretDB v1. One document per part holds its latest samples as one JSON string, changed
 * under the part's key lock (platform createJsonDocuments), keyed by requisition, so recording one
 * twice counts it once.
 */
export function createRequisitionHistory(store: Pick<SparesStore, 'requisitionHistories' | 'locks'>, now: () => Date) {
  const histories = createJsonDocuments(store.requisitionHistories, store.locks, {
    what: 'requisition history',
    now,
    leaseMs: 15_000,
    empty: (): { samples: Sample[] } => ({ samples: [] }),
    lockKey: (partNumber) => `requisition-history|${partNumber}`,
  });

  /** Adds requisitions' lines to their parts' histories (the ones not there yet), in the order given; returns the samples added. */
  async function record(requisitions: readonly Pick<RequisitionDoc, '_id' | 'requesterId' | 'model' | 'lines'>[]): Promise<number> {
    const byPart = new Map<string, Sample[]>();
    for (const r of requisitions) for (const l of r.lines) byPart.set(l.partNumber, [...(byPart.get(l.partNumber) ?? []), { r: r._id, e: r.requesterId, m: r.model, q: l.quantity }]);
    let added = 0;
    for (const [partNumber, lines] of byPart) {
      await histories.change(
        partNumber,
        ({ samples }) => {
          const counted = new Set(samples.map((s) => s.r));
          const fresh = lines.filter((s) => !counted.has(s.r));
          added += fresh.length;
          return fresh.length === 0 ? unchanged : { samples: [...samples, ...fresh].slice(-samplesKept) };
        },
        { updatedAt: now() },
      );
    }
    return added;
  }

  /** Every kept line of these parts, as the approval rules read history. */
  async function of(partNumbers: readonly string[]): Promise<RequisitionQuantity[]> {
    const parts = [...new Set(partNumbers)];
    const samples = await Promise.all(parts.map(async (partNumber) => (await histories.read(partNumber)).samples));
    return parts.flatMap((partNumber, i) => samples[i]!.map((s) => ({ engineerId: s.e, partNumber, quantity: s.q, ...(s.m ? { model: s.m } : {}) })));
  }

  return { record, of };
}

export type RequisitionHistory = ReturnType<typeof createRequisitionHistory>;

/** Marks the one-time build of the histories from the requisitions raised before they existed. */
export const requisitionHistoryBuildId = 'requisition-history@1';

/**
 * Records the requisitions raised before the histories existed, once (marker in `sparesBuilds`),
 * oldest first; reads the collection whole, one time, at start. Returns the samples added, or -1
 * when built already.
 */
export async function buildRequisitionHistoryOnce(store: Pick<SparesStore, 'requisitionHistories' | 'locks' | 'requisitions' | 'builds'>, now: () => Date): Promise<number> {
  if (await store.builds.findOne({ _id: requisitionHistoryBuildId })) return -1;
  const history = createRequisitionHistory(store, now);
  const raised = await store.requisitions.find({}, { projection: { requesterId: 1, model: 1, lines: 1, createdAt: 1 } }).sort({ createdAt: 1 }).toArray();
  const added = await history.record(raised);
  await insertedOnce(store.builds.insertOne({ _id: requisitionHistoryBuildId, builtAt: now() }));
  return added;
}
