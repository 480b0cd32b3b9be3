/**
 * What the ranking needs, read from the store: the job (machine, site, tier, containment parts) and
 * the engineers as candidates (working windows of the next two working days, bookings, load).
 */
import { defaultCalendars, type ServiceCalendar } from '@aftersales/sla';
import type { AssignmentJob, CandidateEngineer, Interval } from '../domain/assignment';
import { containmentFor, type ContainmentMatch } from '../domain/containment';
import { ceilToSlot, floorToSlot, planningHorizonEnd, workingWindows } from '../domain/schedule';
import { planningJob } from '../domain/work-order';
import type { BookingStore } from './bookings';
import type { BoardEntryDoc, DispatchCollections, DispatchModels, EngineerDoc, WorkOrderDoc } from './models';

export function createPlanningInputs(models: DispatchModels, c: DispatchCollections, bookings: BookingStore) {
  function calendarOf(e: Pick<EngineerDoc, 'calendarId'>): ServiceCalendar {
    return defaultCalendars[e.calendarId] ?? defaultCalendars['business-hours']!;
  }

  async function activeFlags() {
    // FerretDB v1 drops an empty array written by $setOnInsert: read carryParts defensively.
    return (await c.containmentFlags.find({ active: true }).toArray()).map((f) => ({ ...f, carryParts: f.carryParts ?? [] }));
  }

  async function containmentOf(wo: Pick<WorkOrderDoc, 'serialNumber'>, entry: BoardEntryDoc | null): Promise<ContainmentMatch[]> {
    return containmentFor(await activeFlags(), { serialNumber: wo.serialNumber, model: entry?.machine?.model ?? null, productLine: entry?.machine?.productLine ?? null });
  }

  async function jobOf(wo: WorkOrderDoc): Promise<{ job: AssignmentJob | null; problem: { field: string; reason: string } | null; containment: ContainmentMatch[] }> {
    const entry = await models.boardEntries.findById(wo.requestId).lean<BoardEntryDoc>();
    const containment = await containmentOf(wo, entry);
    const decision = planningJob({
      productLine: entry?.machine?.productLine ?? null,
      site: entry?.site ?? null,
      tier: wo.tier,
      onSiteDueAt: wo.onSiteDueAt,
      neededParts: containment.flatMap((m) => m.carryParts),
    });
    return decision.ok ? { job: decision.job, problem: null, containment } : { job: null, problem: { field: decision.field, reason: decision.reason }, containment };
  }

  /** Engineers as the ranking sees them now: free windows of the next two working days, bookings, load. */
  async function candidates(engineerIds: readonly string[] | null, now: Date): Promise<CandidateEngineer[]> {
    const engineers = await c.engineers.find({ active: true, ...(engineerIds ? { _id: { $in: [...engineerIds] } } : {}) }).toArray();
    if (engineers.length === 0) return [];
    const windowsByCalendar = new Map<string, Interval[]>();
    let horizonEnd = now;
    for (const e of engineers) {
      if (windowsByCalendar.has(e.calendarId)) continue;
      const cal = calendarOf(e);
      const end = planningHorizonEnd(cal, now, 2);
      if (end > horizonEnd) horizonEnd = end;
      windowsByCalendar.set(e.calendarId, workingWindows(cal, now, end));
    }
    const ids = engineers.map((e) => e._id);
    // Load and fairness come from the bookings, read in the same query as the calendar: FerretDB v1
    // scans a collection for any filter but _id, and bookings are far smaller than work orders.
    // Open jobs: bookings not yet over; jobs in the last 30 days: bookings from 30 days ago on.
    const since = new Date(now.getTime() - 30 * 86_400_000);
    const booked = await bookings.busyOf(engineerIds ? ids : null, { start: since, end: horizonEnd });
    return engineers.map((e) => ({
      engineerId: e._id,
      skills: e.skills,
      territories: e.territories,
      homeBase: { lat: e.homeBase.lat, lon: e.homeBase.lon },
      openJobs: (booked.get(e._id) ?? []).filter((b) => b.end > now).length,
      jobsLast30Days: (booked.get(e._id) ?? []).length,
      // Held at the claims' 15-minute grain: a slot ending 10:20 holds 10:15–10:30, so the next starts 10:30.
      bookings: (booked.get(e._id) ?? []).map((b) => ({ start: new Date(floorToSlot(b.departAt.getTime())), end: new Date(ceilToSlot(b.end.getTime())) })).filter((b) => b.end > now),
      absences: (e.absences ?? []).map((a) => ({ start: a.start, end: a.end })),
      freeWindows: windowsByCalendar.get(e.calendarId) ?? [],
      vanStock: e.vanStock ?? [],
    }));
  }

  return { calendarOf, containmentOf, jobOf, candidates };
}
