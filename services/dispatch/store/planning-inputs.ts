/**
 * What the ranking needs, read from the store: the job (machine, site, tier, containment parts) and
 * the engineers as candidates (working windows of the next two working days, bookings, load).
 */
import { randomUUID } from 'node:crypto';
import type { ServiceCalendar } from '@aftersales/sla';
import type { AssignmentJob, CandidateEngineer, Interval } from '../domain/assignment';
import { containmentFor, type ContainmentMatch } from '../domain/containment';
import { emptyCalendar, FAIRNESS_WINDOW_MS, heldInterval, loadOf, type EngineerCalendar } from '../domain/calendar';
import { createWorkingWindowsCache, planningHorizonEnd } from '../domain/schedule';
import { planningJob } from '../domain/work-order';
import type { Board } from './board';
import type { BookingStore } from './bookings';
import type { ServiceCalendars } from './service-calendars';
import type { BoardEntryDoc, ContainmentFlagDoc, DispatchCollections, EngineerDoc, WorkOrderDoc } from './models';

/** How long a cached roster is trusted without its token changing (a write that skipped touchRoster). */
const ROSTER_MAX_AGE_MS = 30_000;
/**
 * How old this process's copy of the active containment flags may be. The flags reach dispatch
 * through Kafka anyway (seconds after quality raises them); a change this process's consumer makes
 * drops the copy at once (`flagsChanged`), one made by another replica shows within this bound.
 */
export const DEFAULT_FLAGS_COPY_MAX_AGE_MS = 1_000;
/** Requests whose machine and site are held: what a board entry was recorded with never changes. */
const HELD_REQUESTS = 5_000;

type JobInputs = Pick<BoardEntryDoc, 'machine' | 'site'>;

/** Marks the engineers changed: a cached roster in any process reloads on its next read. */
export async function touchRoster(c: Pick<DispatchCollections, 'roster'>): Promise<void> {
  await c.roster.replaceOne({ _id: 'roster' }, { token: randomUUID() }, { upsert: true });
}

export function createPlanningInputs(board: Board, c: DispatchCollections, bookings: BookingStore, serviceCalendars: ServiceCalendars, { flagsCopyMaxAgeMs = DEFAULT_FLAGS_COPY_MAX_AGE_MS }: { flagsCopyMaxAgeMs?: number } = {}) {
  const windowsOf = createWorkingWindowsCache();
  // The whole pool, read again only when its token changed: a token read first, then the engineers,
  // so a change that lands meanwhile leaves a token the next read does not know.
  let cached: { token: string | null; at: number; engineers: EngineerDoc[] } | null = null;
  async function roster(): Promise<EngineerDoc[]> {
    const token = (await c.roster.findOne({ _id: 'roster' }))?.token ?? null;
    if (cached && cached.token === token && Date.now() - cached.at < ROSTER_MAX_AGE_MS) return cached.engineers;
    const at = Date.now();
    const engineers = await c.engineers.find({}).toArray();
    cached = { token, at, engineers };
    return engineers;
  }

  /** The engineer's calendar in force at an instant (intake's managed versions, as published). */
  function calendarOf(e: Pick<EngineerDoc, 'calendarId'>, at: Date = new Date()): ServiceCalendar {
    serviceCalendars.freshen();
    return serviceCalendars.calendarAt(e.calendarId, at) ?? serviceCalendars.calendarAt('business-hours', at)!;
  }

  // One read shared by every caller while it is young enough; dropped when this process changes a flag.
  let flagsCopy: { at: number; flags: Promise<ContainmentFlagDoc[]> } | null = null;
  function activeFlags(): Promise<ContainmentFlagDoc[]> {
    if (flagsCopy && Date.now() - flagsCopy.at < flagsCopyMaxAgeMs) return flagsCopy.flags;
    // FerretDB v1 drops an empty array written by $setOnInsert: read carryParts defensively.
    const flags = c.containmentFlags.find({ active: true }).toArray().then((found) => found.map((f) => ({ ...f, carryParts: f.carryParts ?? [] })));
    const copy = { at: Date.now(), flags };
    flagsCopy = copy;
    flags.catch(() => {
      if (flagsCopy === copy) flagsCopy = null;
    });
    return flags;
  }

  /** A flag was raised or lifted through this process: the next read goes to the store. */
  function flagsChanged(): void {
    flagsCopy = null;
  }

  // The machine and site each request's board entry was recorded with (never changed after), most recent last.
  const heldJobInputs = new Map<string, JobInputs>();
  async function jobInputsOf(requestId: string): Promise<JobInputs | null> {
    const held = heldJobInputs.get(requestId);
    if (held) return held;
    const entry = await board.entry(requestId);
    if (!entry) return null; // not on the board yet: asked again next time
    const inputs: JobInputs = { machine: entry.machine, site: entry.site };
    heldJobInputs.set(requestId, inputs);
    if (heldJobInputs.size > HELD_REQUESTS) heldJobInputs.delete(heldJobInputs.keys().next().value!);
    return inputs;
  }

  function containmentWith(flags: readonly ContainmentFlagDoc[], wo: Pick<WorkOrderDoc, 'serialNumber'>, entry: JobInputs | null): ContainmentMatch[] {
    return containmentFor(flags, { serialNumber: wo.serialNumber, model: entry?.machine?.model ?? null, productLine: entry?.machine?.productLine ?? null });
  }

  async function containmentOf(wo: Pick<WorkOrderDoc, 'serialNumber'>, entry: JobInputs | null): Promise<ContainmentMatch[]> {
    return containmentWith(await activeFlags(), wo, entry);
  }

  async function jobOf(wo: WorkOrderDoc): Promise<{ job: AssignmentJob | null; problem: { field: string; reason: string } | null; containment: ContainmentMatch[] }> {
    // The request's machine and site and the flags side by side: neither depends on the other.
    const [entry, flags] = await Promise.all([jobInputsOf(wo.requestId), activeFlags()]);
    const containment = containmentWith(flags, wo, entry);
    const decision = planningJob({
      productLine: entry?.machine?.productLine ?? null,
      site: entry?.site ?? null,
      tier: wo.tier,
      onSiteDueAt: wo.onSiteDueAt,
      neededParts: containment.flatMap((m) => m.carryParts),
    });
    return decision.ok ? { job: decision.job, problem: null, containment } : { job: null, problem: { field: decision.field, reason: decision.reason }, containment };
  }

  /**
   * Engineers as the ranking sees them now: free windows of the next two working days, bookings, load.
   * Whatever the history: the engineers (the cached roster, or one `_id` read for a named engineer)
   * and their calendars (store/calendars.ts, parsed shards kept behind their stamps), never the bookings.
   */
  async function candidates(engineerIds: readonly string[] | null, now: Date): Promise<CandidateEngineer[]> {
    const [found, calendars] = engineerIds
      ? await Promise.all([
          Promise.all(engineerIds.map((id) => c.engineers.findOne({ _id: id }))),
          Promise.all(engineerIds.map(async (id) => [id, await bookings.calendars.read(id)] as const)).then((pairs) => new Map(pairs)),
        ])
      : await Promise.all([roster(), bookings.calendars.readAll()]);
    const engineers = found.filter((e): e is EngineerDoc => e !== null && e.active);
    return asCandidates(engineers, (id) => calendars.get(id) ?? emptyCalendar(), now);
  }

  /** One engineer as a candidate on a calendar already read (the booking's, under its lock). */
  function candidateFrom(engineer: EngineerDoc, calendar: EngineerCalendar, now: Date): CandidateEngineer {
    return asCandidates([engineer], () => calendar, now)[0]!;
  }

  function asCandidates(engineers: readonly EngineerDoc[], calendarOfEngineer: (id: string) => EngineerCalendar, now: Date): CandidateEngineer[] {
    if (engineers.length === 0) return [];
    const windowsByCalendar = new Map<string, readonly Interval[]>();
    let horizonEnd = now;
    for (const e of engineers) {
      if (windowsByCalendar.has(e.calendarId)) continue;
      const cal = calendarOf(e, now);
      const end = planningHorizonEnd(cal, now, 2);
      if (end > horizonEnd) horizonEnd = end;
      windowsByCalendar.set(e.calendarId, windowsOf(cal, now, end));
    }
    // Open jobs: bookings not yet over; jobs in the last 30 days: bookings ending from 30 days ago on.
    const since = new Date(now.getTime() - FAIRNESS_WINDOW_MS);
    return engineers.map((e) => {
      const calendar = calendarOfEngineer(e._id);
      return {
        engineerId: e._id,
        skills: e.skills,
        territories: e.territories,
        homeBase: { lat: e.homeBase.lat, lon: e.homeBase.lon },
        ...loadOf(calendar, now, since, horizonEnd),
        // Held at the claims' 15-minute grain: a slot ending 10:20 holds 10:15–10:30, so the next starts 10:30.
        bookings: calendar.entries.filter((b) => b.departAt < horizonEnd).map(heldInterval).filter((b) => b.end > now),
        absences: (e.absences ?? []).map((a) => ({ start: a.start, end: a.end })),
        freeWindows: windowsByCalendar.get(e.calendarId) ?? [],
        vanStock: e.vanStock ?? [],
      };
    });
  }

  return { calendarOf, calendarIds: () => serviceCalendars.ids(), containmentOf, flagsChanged, jobOf, candidates, candidateFrom, roster };
}

export type PlanningInputs = ReturnType<typeof createPlanningInputs>;
