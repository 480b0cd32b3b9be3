import type { mongo } from 'mongoose';
import { isDuplicateKeyError } from '@aftersales/platform';
import { openGeneration, type Generation } from './read-model';

/**
 * Which generation of the read model answers, and the rebuild under way. One small document
 * (`insightMeta`, `_id` 'generations'); every reader keeps it for a second.
 */
export interface RebuildState {
  generation: number;
  requestedAt: string;
  requestedBy: string;
  /** filling: reading the topics from their beginning; switched: answering, finishing the tail. */
  phase: 'filling' | 'switched';
  switchedAt: string | null;
}
export interface GenerationsDoc {
  _id: 'generations';
  current: number;
  building: RebuildState | null;
  lastRebuild: (RebuildState & { finishedAt: string }) | null;
}

export interface Generations {
  current(): Promise<Generation>;
  /** The generation a rebuild is filling, when one is. */
  building(): Promise<Generation | null>;
  read(): Promise<GenerationsDoc>;
  /** Starts a rebuild into the next generation; null when one is already under way. */
  request(by: string): Promise<RebuildState | null>;
  update(change: Partial<Omit<GenerationsDoc, '_id'>>): Promise<void>;
  open(number: number): Generation;
  forget(): void;
}

const initial: GenerationsDoc = { _id: 'generations', current: 1, building: null, lastRebuild: null };

export function createGenerations(db: mongo.Db, now: () => Date, cacheMs = 1000): Generations {
  const meta = db.collection<GenerationsDoc>('insightMeta');
  const opened = new Map<number, Generation>();
  const open = (n: number) => {
    let g = opened.get(n);
    if (!g) opened.set(n, (g = openGeneration(db, n, now)));
    return g;
  };
  let cached: { doc: GenerationsDoc; until: number } | null = null;

  async function read(): Promise<GenerationsDoc> {
    if (cached && cached.until > Date.now()) return cached.doc;
    let doc = await meta.findOne({ _id: 'generations' });
    if (!doc) {
      try {
        await meta.insertOne(initial);
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
      doc = (await meta.findOne({ _id: 'generations' }))!;
    }
    cached = { doc, until: Date.now() + cacheMs };
    return doc;
  }

  return {
    read,
    open,
    forget: () => { cached = null; },
    async current() {
      return open((await read()).current);
    },
    async building() {
      const b = (await read()).building;
      return b ? open(b.generation) : null;
    },
    async request(by) {
      cached = null;
      const doc = await read();
      if (doc.building) return null;
      const state: RebuildState = { generation: doc.current + 1, requestedAt: now().toISOString(), requestedBy: by, phase: 'filling', switchedAt: null };
      // The claim is a unique insert: two requests at once start one rebuild.
      try {
        await meta.insertOne({ _id: `rebuild:${state.generation}` } as unknown as GenerationsDoc);
      } catch (error) {
        if (isDuplicateKeyError(error)) return null;
        throw error;
      }
      await meta.updateOne({ _id: 'generations' }, { $set: { building: state } });
      cached = null;
      return state;
    },
    async update(change) {
      await meta.updateOne({ _id: 'generations' }, { $set: change });
      cached = null;
    },
  };
}
