import type { Logger } from 'pino';
import { createKeyLocks, insertedOnce } from '@aftersales/platform';
import { unitOfClaim } from '../domain/stock';
import type { ReservationDoc, SparesStore } from './collections';

/**
 * The reservations not yet ended, and attempts that crashed before their claims went back, as a
 * small collection the worker's sweep reads whole: on FerretDB v1 the sweep's filters
 * (`{ expiresAt: { $lte } }` over every reservation, `{ state: 'reserved', claimedAt }` over every
 * claim) read whole collections that grow with every reservation and unit ever consumed.
 *
 * Crash order: an attempt inserts its entry `{ _id: <reservation id>, workOrderId, at }` before
 * its claims and the reservation are stored (beside its work order's entry), and the entry is
 * deleted only after the reservation's claims were given back (a refused attempt, a release) or
 * settled consumed (a consumption). So a crash anywhere leaves an entry naming what it left: a
 * reservation stored and not ended (expired by the sweep), one ended whose claims were not given
 * back, or claims whose reservation was never stored. The sweep handles each past a grace, as
 * the filters did before (`settle`).
 */
export interface OpenReservationDoc {
  _id: string; // reservation id
  workOrderId: string;
  /** When the attempt started (before its first claim). */
  at: Date;
}

type OpenReservationStore = Pick<SparesStore, 'openReservations' | 'reservations' | 'reservationEnds' | 'claims' | 'locks'>;

/** Entries read by `_id` at once while settling. */
const batch = 50;

export interface SettledReservations {
  expired: number;
  /** Claims given back that a crash left reserved. */
  givenBack: number;
}

export function createOpenReservations(store: OpenReservationStore, now: () => Date) {
  // One sweep at a time gives back a reservation's claims: a claim read as still this reservation's
  // is deleted by `_id`, and no other sweep may have given it back and let another reservation take it meanwhile.
  const locks = createKeyLocks(store.locks, { what: 'open reservation', now, leaseMs: 60_000 });

  /** Lists an attempt, before its first claim (a second listing of the same id changes nothing). */
  async function open(reservationId: string, workOrderId: string, at: Date): Promise<void> {
    await insertedOnce(store.openReservations.insertOne({ _id: reservationId, workOrderId, at }));
  }

  /** Takes a reservation off the list: after its claims were given back or settled consumed. */
  async function close(reservationId: string): Promise<void> {
    await store.openReservations.deleteOne({ _id: reservationId });
  }

  /** Gives back the claims still reserved for a reservation that ended (or was never stored) past the grace, then takes it off the list. */
  async function giveBackLeft(entry: OpenReservationDoc, reservation: ReservationDoc | null, log: Logger): Promise<number> {
    return locks.holding(`open-reservation|${entry._id}`, async () => {
      let deleted = 0;
      if (reservation?.claimIds) {
        // By `_id`, each read first: only a claim still naming this reservation and still reserved goes back.
        const claims = await Promise.all(reservation.claimIds.map((_id) => store.claims.findOne({ _id })));
        const left = claims.flatMap((c) => (c?.reservationId === entry._id && c.state === 'reserved' ? [c._id] : []));
        for (const _id of left) deleted += (await store.claims.deleteOne({ _id })).deletedCount;
      } else {
        // Never stored (a crash between its claims and its insert), or stored before reservations kept
        // their claims' ids: only its claims know it, found by filter (a scan on FerretDB, on this rare path alone).
        deleted = (await store.claims.deleteMany({ reservationId: entry._id, state: 'reserved' })).deletedCount;
      }
      await close(entry._id);
      if (deleted) log.warn({ reservationId: entry._id, workOrderId: entry.workOrderId, claims: deleted, stored: Boolean(reservation) }, 'orphaned claims given back');
      return deleted;
    });
  }

  /**
   * The sweep, at `at`: reads the list whole and each entry's reservation and end by `_id`. A reservation
   * stored, not ended and due is expired through `release` (which takes it off the list); one ended
   * before the grace, or never stored by an attempt older than the grace, has its claims still
   * reserved given back and leaves the list. Entries younger than the grace are left alone (an
   * attempt or an end may be under way), as are reservations not ended and not yet due.
   */
  async function settle(release: (reservation: ReservationDoc) => Promise<boolean>, at: Date, graceMs: number, log: Logger, limit = 500): Promise<SettledReservations> {
    const before = at.getTime() - graceMs;
    const entries = (await store.openReservations.find({}).toArray()).sort((a, b) => a.at.getTime() - b.at.getTime());
    const result: SettledReservations = { expired: 0, givenBack: 0 };
    for (let from = 0; from < entries.length && result.expired < limit; from += batch) {
      const slice = entries.slice(from, from + batch);
      const read = await Promise.all(slice.map((e) => Promise.all([store.reservations.findOne({ _id: e._id }), store.reservationEnds.findOne({ _id: e._id }, { projection: { at: 1 } })])));
      for (const [i, entry] of slice.entries()) {
        const [reservation, end] = read[i]!;
        if (reservation && !end) {
          if (reservation.expiresAt.getTime() <= at.getTime() && (await release(reservation))) result.expired++;
        } else if (end ? end.at.getTime() < before : entry.at.getTime() < before) {
          result.givenBack += await giveBackLeft(entry, reservation, log);
        }
      }
    }
    return result;
  }

  /** Each listed reservation's claim ids, kept while it is listed: a stored reservation's claims never change. */
  const claimIdsOf = new Map<string, string[]>();

  /**
   * The units the listed reservations hold, by stock card (`part|location`): the list whole, and each
   * reservation stored since the last call by `_id`. A reservation not yet stored holds nothing here
   * until it is; claims an attempt that crashed before storing it left count as free until the sweep
   * gives them back (past the grace), and a released reservation's until it leaves the list.
   */
  async function heldUnits(): Promise<Map<string, number[]>> {
    const listed = (await store.openReservations.find({}, { projection: { _id: 1 } }).toArray()).map((e) => e._id);
    const still = new Set(listed);
    for (const id of claimIdsOf.keys()) if (!still.has(id)) claimIdsOf.delete(id);
    const unknown = listed.filter((id) => !claimIdsOf.has(id));
    for (let from = 0; from < unknown.length; from += batch) {
      const found = await Promise.all(unknown.slice(from, from + batch).map((_id) => store.reservations.findOne({ _id }, { projection: { claimIds: 1 } })));
      for (const r of found) {
        if (!r) continue;
        // Stored before reservations kept their claims' ids: its claims by filter, once while it is listed.
        const ids = r.claimIds ?? (await store.claims.find({ reservationId: r._id, state: 'reserved' }, { projection: { _id: 1 } }).toArray()).map((c) => c._id);
        claimIdsOf.set(r._id, ids);
      }
    }
    const held = new Map<string, number[]>();
    for (const ids of claimIdsOf.values()) {
      for (const id of ids) {
        const { card, unitNo } = unitOfClaim(id);
        const units = held.get(card);
        if (units) units.push(unitNo);
        else held.set(card, [unitNo]);
      }
    }
    return held;
  }

  return { open, close, settle, heldUnits };
}

export type OpenReservations = ReturnType<typeof createOpenReservations>;

/** Marks the one-time listing of the reservations and orphaned claims stored before the list existed. */
export const openReservationsBuildId = 'open-reservations@1';

/**
 * Lists what was stored before the list existed, once (a marker in `sparesBuilds`): every
 * reservation not ended, and every reservation still named by a reserved claim (ended, or never
 * stored: the sweep decides). Reads the reservations, their ends and the reserved claims by filter,
 * one time, at start. Returns the number listed, or -1 when built already.
 */
export async function buildOpenReservationsOnce(store: OpenReservationStore & Pick<SparesStore, 'builds'>, now: () => Date, log?: Logger): Promise<number> {
  if (await store.builds.findOne({ _id: openReservationsBuildId })) return -1;
  const ended = new Set((await store.reservationEnds.find({}, { projection: { _id: 1 } }).toArray()).map((e) => e._id));
  const found = new Map<string, OpenReservationDoc>();
  for (const r of await store.reservations.find({}, { projection: { workOrderId: 1, reservedAt: 1 } }).toArray()) {
    if (!ended.has(r._id)) found.set(r._id, { _id: r._id, workOrderId: r.workOrderId, at: r.reservedAt });
  }
  for (const c of await store.claims.find({ state: 'reserved' }, { projection: { reservationId: 1, workOrderId: 1, claimedAt: 1 } }).toArray()) {
    if (!c.reservationId) continue;
    const known = found.get(c.reservationId);
    if (!known || c.claimedAt.getTime() < known.at.getTime()) found.set(c.reservationId, { _id: c.reservationId, workOrderId: c.workOrderId, at: c.claimedAt });
  }
  let listed = 0;
  for (const entry of found.values()) if (await insertedOnce(store.openReservations.insertOne(entry))) listed++;
  await insertedOnce(store.builds.insertOne({ _id: openReservationsBuildId, builtAt: now() }));
  log?.info({ listed }, 'open reservations listed from the reservations and claims stored before the list');
  return listed;
}
