/**
 * The spares desk's pure reckoning: stock grouped by location with low-stock marks, whose turn a
 * requisition is, how late a defective part is, money in cents. No I/O here (see api/spares.ts).
 */

export interface StockLevel {
  partNumber: string;
  locationId: string;
  onHand: number;
  reserved: number;
  available: number;
  inTransit: number;
}

export interface StockLocation {
  id: string;
  kind: 'van' | 'regional' | 'central';
  name: string;
  engineerId: string | null;
}

export type StockMark = 'out' | 'low' | 'ok';

/**
 * Spares keeps no reorder point, so "low" is the desk's own threshold: nothing available is out,
 * at or under the threshold is low. Reserved units are spoken for, so only available counts.
 */
export function stockMark(level: Pick<StockLevel, 'available'>, lowAtOrBelow: number): StockMark {
  if (level.available <= 0) return 'out';
  return level.available <= lowAtOrBelow ? 'low' : 'ok';
}

export interface LocationStock {
  location: StockLocation;
  levels: (StockLevel & { mark: StockMark })[];
  totals: { onHand: number; reserved: number; available: number; inTransit: number };
  lowCount: number;
}

const kindOrder: Record<StockLocation['kind'], number> = { central: 0, regional: 1, van: 2 };

/**
 * Stock per location, central first, then regional warehouses, then vans; parts in part-number
 * order. A level at a location the list does not name still shows, under its bare id.
 */
export function stockByLocation(levels: readonly StockLevel[], locations: readonly StockLocation[], lowAtOrBelow: number): LocationStock[] {
  const known = new Map(locations.map((l) => [l.id, l]));
  for (const level of levels) {
    if (!known.has(level.locationId)) known.set(level.locationId, { id: level.locationId, kind: 'regional', name: level.locationId, engineerId: null });
  }
  return [...known.values()]
    .sort((a, b) => kindOrder[a.kind] - kindOrder[b.kind] || a.id.localeCompare(b.id))
    .map((location) => {
      const here = levels
        .filter((l) => l.locationId === location.id)
        .sort((a, b) => a.partNumber.localeCompare(b.partNumber))
        .map((l) => ({ ...l, mark: stockMark(l, lowAtOrBelow) }));
      const totals = here.reduce((t, l) => ({ onHand: t.onHand + l.onHand, reserved: t.reserved + l.reserved, available: t.available + l.available, inTransit: t.inTransit + l.inTransit }), { onHand: 0, reserved: 0, available: 0, inTransit: 0 });
      return { location, levels: here, totals, lowCount: here.filter((l) => l.mark !== 'ok').length };
    });
}

export type RequisitionStatus = 'pending-approval' | 'approved' | 'partially-approved' | 'rejected';

export interface Requisition {
  id: string;
  workOrderId: string;
  requestId: string;
  requesterId: string;
  lines: { partNumber: string; quantity: number; unitPriceCents: number }[];
  model: string | null;
  reasons: string[];
  approvalNeeded: boolean;
  approvers: string[];
  currentApprover: string | null;
  escalations: { level: number; fromApprover: string; toApprover: string; at: string }[];
  status: RequisitionStatus;
  createdAt: string;
  decision: { decision: Exclude<RequisitionStatus, 'pending-approval'>; lines: { partNumber: string; requested: number; approved: number }[]; by: string; note: string | null; lapsed: boolean; decidedAt: string } | null;
  approval: { status: 'pending' | Exclude<RequisitionStatus, 'pending-approval'>; level: number; currentApprover: string; deadlineAt: string } | null;
}

/**
 * Where a requisition stands now. The approval process answers before its decision is stored, so
 * a live state that is no longer pending is believed over the stored status.
 */
export function statusOf(r: Pick<Requisition, 'status' | 'decision' | 'approval'>): RequisitionStatus {
  if (r.decision) return r.decision.decision;
  if (r.approval && r.approval.status !== 'pending') return r.approval.status;
  return r.status;
}

/** The approvers asked so far: the current one and those before (an escalation adds, it never removes). */
export function askedSoFar(r: Pick<Requisition, 'approvers' | 'approval' | 'escalations'>): string[] {
  const level = r.approval?.level ?? r.escalations.length;
  return r.approvers.slice(0, level + 1);
}

export type Turn = 'yours' | 'own' | 'others';

/** Whose move a pending requisition is, from the signed-in person's side. */
export function turnOf(r: Pick<Requisition, 'requesterId' | 'approvers' | 'approval' | 'escalations'>, person: string): Turn {
  if (r.requesterId === person) return 'own';
  return askedSoFar(r).includes(person) ? 'yours' : 'others';
}

/** The approval inbox: pending requisitions split by whose move they are, oldest first (they wait longest). */
export function approvalInbox(items: readonly Requisition[], person: string): Record<Turn, Requisition[]> {
  const inbox: Record<Turn, Requisition[]> = { yours: [], own: [], others: [] };
  const pending = items.filter((r) => statusOf(r) === 'pending-approval').sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  for (const r of pending) inbox[turnOf(r, person)].push(r);
  return inbox;
}

export function requisitionValueCents(r: Pick<Requisition, 'lines'>): number {
  return r.lines.reduce((sum, l) => sum + l.quantity * l.unitPriceCents, 0);
}

export interface DefectiveReturn {
  id: string;
  partNumber: string;
  removedSerial: string | null;
  quantity: number;
  workOrderId: string;
  requestId: string;
  engineerId: string | null;
  machineSerial: string;
  model: string | null;
  failureMode: string | null;
  createdAt: string;
  dueAt: string;
  status: 'awaiting-return' | 'returned' | 'analysed';
  returnedAt: string | null;
  lastChasedAt: string | null;
  chaseCount: number;
  flaggedAt: string | null;
}

const DAY = 86_400_000;

/** Whole days past the due date: 0 while not yet due, then at least 1 (a part hours late is late). */
export function daysOverdue(dueAt: string, now: number): number {
  const late = now - Date.parse(dueAt);
  return late > 0 ? Math.max(1, Math.floor(late / DAY)) : 0;
}

/** Parts not yet back, the latest first: flagged, then overdue by most days, then by due date. */
export function returnsToChase(items: readonly DefectiveReturn[], now: number): (DefectiveReturn & { overdueDays: number })[] {
  return items
    .filter((r) => r.status === 'awaiting-return')
    .map((r) => ({ ...r, overdueDays: daysOverdue(r.dueAt, now) }))
    .sort((a, b) => Number(b.flaggedAt !== null) - Number(a.flaggedAt !== null) || b.overdueDays - a.overdueDays || a.dueAt.localeCompare(b.dueAt));
}

/** Work orders and their requests the desk has heard of, newest mention first, each once. */
export function knownWorkOrders(mentions: readonly { workOrderId: string; requestId: string; at: string }[], limit = 20): { workOrderId: string; requestId: string }[] {
  const seen = new Map<string, { workOrderId: string; requestId: string }>();
  for (const m of [...mentions].sort((a, b) => b.at.localeCompare(a.at))) if (!seen.has(m.workOrderId)) seen.set(m.workOrderId, { workOrderId: m.workOrderId, requestId: m.requestId });
  return [...seen.values()].slice(0, limit);
}

/** An amount in cents in its currency, written the reader's way (e.g. "€630.00"). */
export function money(cents: number, currency: string, lang: 'en' | 'zh'): string {
  try {
    return new Intl.NumberFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', { style: 'currency', currency }).format(cents / 100);
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency}`;
  }
}
