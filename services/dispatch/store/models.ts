import type { ClosedListEntryDoc } from './closed-work-orders';
import { Schema, type Connection } from 'mongoose';
import type { Collection } from 'mongodb';
import type { ServiceCalendarDoc } from './service-calendars';
import type { FailureCategory, ResolutionRoute } from '@aftersales/contracts';
import type { OutboxFields } from '@aftersales/platform';
import type { EngineerSkill } from '../domain/assignment';
import type { ContainmentFlag } from '../domain/containment';
import type { CalendarLockDoc, CalendarShardDoc, CalendarStampDoc } from './calendars';
import type { Tier, WorkOrderStatus } from '../domain/work-order';

/** Dispatch's own copy of a service request: the dispatcher's board, fed by intake's events. */
export interface BoardEntryDoc {
  _id: string; // service request id
  customerId: string;
  serialNumber: string;
  channel: string;
  symptom: string;
  raisedAt: Date;
  neededBy: Date;
  status: 'awaiting-dispatch' | 'dispatched' | 'completed' | 'cancelled';
  receivedAt: Date;
  /** The event this entry came from, for tracing and audit. */
  sourceEventId: string;
  machine?: { model: string; productLine: string } | null;
  site?: { city: string; lat: number; lon: number } | null;
  siteId?: string | null;
  locationClass?: string | null;
  workOrderId?: string | null;
}

export interface Absence { start: Date; end: Date; reason: string }

export interface EngineerDoc {
  _id: string;
  name: string;
  skills: EngineerSkill[];
  /** Cities the engineer covers. */
  territories: string[];
  homeBase: { city: string; lat: number; lon: number };
  /** A calendar id of @aftersales/sla's default calendars ('business-hours', '24x7'). */
  calendarId: string;
  absences: Absence[];
  vanStock: string[];
  active: boolean;
}

export interface DepotDoc {
  _id: string;
  name: string;
  city: string;
  lat: number;
  lon: number;
  benches: { benchId: string; wipLimit: number }[];
}

export interface WorkOrderReport {
  startedAt: Date;
  finishedAt: Date;
  effortMinutes: number;
  cause: string;
  fix: string;
  workDone: string;
  partsUsed: { partNumber: string; quantity: number; removedSerial?: string | null }[];
  firstTimeFix: boolean;
  failureMode?: string;
  /** The engineer's failure decision (who pays), made with the report. */
  failureDecision?: { category: FailureCategory; decidedBy: string; decidedAt: Date };
  customerSignOff: { name: string; at: Date } | null;
}

export interface WorkOrderDoc {
  _id: string;
  requestId: string;
  /** Bumped by every change; the change's event document is keyed by it (see work-orders.ts). */
  version: number;
  status: WorkOrderStatus;
  route: ResolutionRoute;
  tier: Tier;
  onSiteDueAt: Date | null;
  customerId: string;
  serialNumber: string;
  createdAt: Date;
  updatedAt: Date;
  engineerId: string | null;
  /** The booking holding the engineer's time; its id names the assignment round. */
  bookingId: string | null;
  round: number;
  plannedDepartAt: Date | null;
  plannedStart: Date | null;
  plannedEnd: Date | null;
  assignedAt: Date | null;
  assignedBy: string | null;
  /** Engineers who declined or were moved off this job: not proposed again. */
  excludedEngineers: string[];
  /** Why the last ranking did not auto-assign (none eligible, tier proposes only). */
  planningNote: string | null;
  steps: Partial<Record<'acceptedAt' | 'travelStartedAt' | 'arrivedAt' | 'workStartedAt' | 'workFinishedAt' | 'completedAt' | 'cancelledAt', Date>>;
  report: WorkOrderReport | null;
  depot: { depotId: string; benchId: string | null; rush: boolean; tokenId: string | null } | null;
  cancelReason: string | null;
  history: { at: Date; what: string; by: string; note?: string }[];
}

/** One document per change of a work order, carrying its events (the outbox) and the state after it. */
export interface WorkOrderChangeDoc extends OutboxFields {
  _id: string; // `${workOrderId}#${version}`
  workOrderId: string;
  version: number;
  at: Date;
  snapshot: WorkOrderDoc;
}

export interface BookingDoc {
  _id: string; // `${workOrderId}:r${round}`: one booking per assignment round
  engineerId: string;
  workOrderId: string;
  departAt: Date;
  start: Date;
  end: Date;
  /** pending until the work order references it; a pending one older than the orphan age is swept. */
  state: 'pending' | 'confirmed';
  createdAt: Date;
}

export interface SlotClaimDoc {
  _id: string; // `${engineerId}|${slotStart ISO}`
  bookingId: string;
  engineerId: string;
  slotStart: Date;
}

export interface ContainmentFlagDoc extends ContainmentFlag {
  _id: string; // flag id
  active: boolean;
  flaggedAt: Date;
  liftedAt: Date | null;
}

/** A lifted flag as it was, `_id` = flag id; `liftEventId` is null for one moved by `moveLiftedContainmentOnce`. */
export interface LiftedContainmentFlagDoc extends ContainmentFlagDoc {
  liftEventId: string | null;
}

/** A place on a depot bench: `${depotId}|${benchId}|${k}` for k below the WIP limit. */
export interface BenchTokenDoc {
  _id: string;
  workOrderId: string;
  takenAt: Date;
}

export function createDispatchModels(connection: Connection) {
  const boardEntries = new Schema<BoardEntryDoc>(
    {
      _id: String,
      customerId: { type: String, required: true },
      serialNumber: { type: String, required: true },
      channel: { type: String, required: true },
      symptom: { type: String, required: true },
      raisedAt: { type: Date, required: true },
      neededBy: { type: Date, required: true, index: true },
      status: { type: String, required: true },
      receivedAt: { type: Date, required: true },
      sourceEventId: { type: String, required: true },
      machine: { type: Schema.Types.Mixed, default: null },
      site: { type: Schema.Types.Mixed, default: null },
      siteId: { type: String, default: null },
      locationClass: { type: String, default: null },
      workOrderId: { type: String, default: null },
    },
    { versionKey: false },
  );
  // Open requests' entries, and those of completed or cancelled requests (store/board.ts).
  return { boardEntries: connection.model('BoardEntry', boardEntries, 'serviceRequestBoard'), closedBoardEntries: connection.model('ClosedBoardEntry', boardEntries, 'closedServiceRequestBoard') };
}

export type DispatchModels = ReturnType<typeof createDispatchModels>;

/** The collections the planner writes with plain driver calls (inserts keyed for concurrency). */
export interface DispatchCollections {
  engineers: Collection<EngineerDoc>;
  depots: Collection<DepotDoc>;
  /** Open work orders only; completed and cancelled ones are in closedWorkOrders (store/work-orders.ts). */
  workOrders: Collection<WorkOrderDoc>;
  closedWorkOrders: Collection<WorkOrderDoc>;
  /** The closed ones per closing status, in the order closed, read by `_id` (store/closed-work-orders.ts). */
  closedWorkOrderLists: Collection<ClosedListEntryDoc>;
  workOrderChanges: Collection<WorkOrderChangeDoc>;
  bookings: Collection<BookingDoc>;
  slotClaims: Collection<SlotClaimDoc>;
  /** The flags in force only: a lifted one moves to liftedContainmentFlags (store/containment-history.ts). */
  containmentFlags: Collection<ContainmentFlagDoc>;
  liftedContainmentFlags: Collection<LiftedContainmentFlagDoc>;
  /** One-off builds that ran (their id names them), so each runs once. */
  builds: Collection<{ _id: string; builtAt: Date }>;
  benchTokens: Collection<BenchTokenDoc>;
  /** Engineers' calendars in a few shard documents: the bookings ranking reads (store/calendars.ts). */
  calendars: Collection<CalendarShardDoc>;
  calendarLocks: Collection<CalendarLockDoc>;
  /** The version last written to each calendar shard: what a process checks before trusting the shards it holds. */
  calendarStamps: Collection<CalendarStampDoc>;
  /** One document: a token every change of an engineer replaces, so a cached roster knows it is stale. */
  roster: Collection<{ _id: string; token: string }>;
  /** Intake's managed calendars, as published (a document per calendar). */
  serviceCalendars: Collection<ServiceCalendarDoc>;
}

export async function createDispatchCollections(connection: Connection): Promise<DispatchCollections> {
  const db = connection.db;
  if (!db) throw new Error('mongo connection is not open');
  const c: DispatchCollections = {
    engineers: db.collection<EngineerDoc>('engineers'),
    depots: db.collection<DepotDoc>('depots'),
    workOrders: db.collection<WorkOrderDoc>('workOrders'),
    closedWorkOrders: db.collection<WorkOrderDoc>('closedWorkOrders'),
    closedWorkOrderLists: db.collection<ClosedListEntryDoc>('closedWorkOrderLists'),
    workOrderChanges: db.collection<WorkOrderChangeDoc>('workOrderChanges'),
    bookings: db.collection<BookingDoc>('bookings'),
    slotClaims: db.collection<SlotClaimDoc>('slotClaims'),
    containmentFlags: db.collection<ContainmentFlagDoc>('containmentFlags'),
    liftedContainmentFlags: db.collection<LiftedContainmentFlagDoc>('liftedContainmentFlags'),
    builds: db.collection<{ _id: string; builtAt: Date }>('dispatchBuilds'),
    benchTokens: db.collection<BenchTokenDoc>('benchTokens'),
    calendars: db.collection<CalendarShardDoc>('calendarShards'),
    calendarLocks: db.collection<CalendarLockDoc>('calendarLocks'),
    calendarStamps: db.collection<CalendarStampDoc>('calendarStamps'),
    roster: db.collection<{ _id: string; token: string }>('engineerRoster'),
    serviceCalendars: db.collection<ServiceCalendarDoc>('serviceCalendars'),
  };
  await Promise.all([
    c.workOrders.createIndex({ requestId: 1 }),
    c.workOrders.createIndex({ engineerId: 1, status: 1 }),
    c.closedWorkOrders.createIndex({ requestId: 1 }),
    c.closedWorkOrders.createIndex({ engineerId: 1, status: 1 }),
    c.workOrderChanges.createIndex({ outboxDueAt: 1 }),
    c.bookings.createIndex({ engineerId: 1, start: 1 }),
    c.slotClaims.createIndex({ bookingId: 1 }),
  ]);
  return c;
}
