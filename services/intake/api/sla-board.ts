import { z } from 'zod';
import { defineRoute, identifier, type RouteSpec } from '@aftersales/platform';
import { boardPage, slaBoard, type BoardClock, type BoardEntry, type BoardRequest } from '../domain/sla-board';
import type { IntakeReadModels } from '../store/read-models';
import { createBoardCache, type SlaBoardEntry } from '../store/sla-board-store';
import { limitQuery } from './common';

const readers = ['agent', 'dispatcher', 'manager', 'auditor', 'platform'] as const;
const clockStatuses = ['breached', 'warning', 'on-track'] as const;

/** A BoardEntry: the deciding clock is the workflow's stored clock, which carries more than the board reads. */
const boardEntry = z.object({
  id: z.string(),
  customerId: z.string(),
  serialNumber: z.string(),
  status: z.string(),
  tier: z.enum(['P1', 'P2', 'P3', 'P4']).nullable(),
  owner: z.string().nullable(),
  productLine: z.string().nullable(),
  city: z.string().nullable(),
  clock: z.looseObject({ name: z.string(), status: z.string(), dueAt: z.string(), paused: z.boolean(), stoppedAt: z.null() }),
  lastEscalation: z.looseObject({ clock: z.string(), action: z.string(), step: z.number().int(), at: z.string() }).nullable(),
});

export const slaBoardQuery = z.strictObject({
  /** Comma-separated clock statuses, e.g. breached,warning. */
  status: z
    .string()
    .regex(new RegExp(`^(${clockStatuses.join('|')})(,(${clockStatuses.join('|')}))*$`), `comma-separated, each one of ${clockStatuses.join(', ')}`)
    .transform((text) => text.split(',') as (typeof clockStatuses)[number][])
    .optional(),
  tier: z.enum(['P1', 'P2', 'P3', 'P4']).optional(),
  productLine: identifier.optional(),
  city: z.string().min(1).max(100).optional(),
  /** Part of a request id, customer id or serial number, any case: the whole board is searched, not a page of it. */
  q: z.string().trim().min(1).max(100).optional(),
  limit: limitQuery,
  /** Where the window starts in the view, most urgent first. */
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

const asBoardRequest = (d: SlaBoardEntry): BoardRequest => ({
  id: d._id,
  customerId: d.customerId,
  serialNumber: d.serialNumber,
  status: d.status,
  tier: d.tier,
  owner: d.owner,
  productLine: d.productLine ?? null,
  city: d.city ?? null,
  clocks: d.sla as BoardClock[],
  escalations: d.escalations as BoardRequest['escalations'],
});

/** Sorted boards kept per filter while the entries stay the same (the console asks the same few every 5 s). */
const boardsKept = 32;

/** Operations' board: open requests by how close each is to breaking a promise, with the last escalation step. */
export function slaBoardRoutes(models: IntakeReadModels): RouteSpec[] {
  const cache = createBoardCache(models);
  let sorted: { key: string; boards: Map<string, BoardEntry[]> } = { key: '', boards: new Map() };

  /** The board for these filters (every clock status): sorted once per version of the entries, then served from memory. */
  async function boardFor(query: z.infer<typeof slaBoardQuery>): Promise<BoardEntry[]> {
    const snapshot = await cache.read();
    if (sorted.key !== snapshot.key) sorted = { key: snapshot.key, boards: new Map() };
    const filterKey = JSON.stringify([query.tier ?? null, query.productLine ?? null, query.city ?? null]);
    const kept = sorted.boards.get(filterKey);
    if (kept) return kept;
    const requests = snapshot.entries.filter(
      (d) => (!query.tier || d.tier === query.tier) && (!query.productLine || d.productLine === query.productLine) && (!query.city || d.city === query.city),
    );
    const board = slaBoard(requests.map(asBoardRequest));
    if (sorted.boards.size >= boardsKept) sorted.boards.clear();
    sorted.boards.set(filterKey, board);
    return board;
  }

  return [
    defineRoute({
      method: 'get',
      path: '/v1/sla-board',
      summary: 'Open requests, breached first (longest overdue on top), then warnings, then on-track; each with its deciding clock and last escalation',
      tags: ['service-requests'],
      roles: readers,
      query: slaBoardQuery,
      responses: {
        200: {
          description: "{ items, total, byStatus }: a window of the view most urgent first, as of each request's last sync from its workflow; the view's size and its requests by clock status",
          schema: z.object({ items: z.array(boardEntry), total: z.number().int(), byStatus: z.object({ breached: z.number().int(), warning: z.number().int(), 'on-track': z.number().int() }) }),
        },
      },
      handler: async ({ query }) => {
        // The board holds only open requests (kept by the workflow's sync) in a few shard documents,
        // checked against their versions on each read and parsed again only where one moved.
        const page = boardPage(await boardFor(query), { only: query.status, q: query.q, offset: query.offset, limit: query.limit });
        return { status: 200, body: page };
      },
    }),
  ];
}
