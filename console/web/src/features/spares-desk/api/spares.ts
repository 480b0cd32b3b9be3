import { useCallback, useEffect, useState } from 'react';
import { apiCall, useResource, type ApiAnswer, type ApiError } from '../../../lib/api';
import type { DefectiveReturn, Requisition, StockLevel, StockLocation } from '../desk';

export interface Part {
  partNumber: string;
  description: string;
  supersededBy: string | null;
  consumable?: boolean;
}

export interface Reservation {
  id: string;
  workOrderId: string;
  requestId: string;
  lines: { partNumber: string; quantity: number; locationId: string }[];
  reservedAt: string;
  expiresAt: string;
  by: string;
  status: 'active' | 'consumed' | 'released';
  endedAt: string | null;
  endReason: string | null;
  usedUnits?: number;
  returnedUnits?: number;
}

export interface SupplierClaim {
  id: string;
  returnId: string;
  partNumber: string;
  lot: string | null;
  supplierId: string;
  amountCents: number;
  currency: string;
  status: 'open' | 'submitted' | 'accepted' | 'rejected' | 'settled';
  reason: string;
  openedAt: string;
}

export interface Quote {
  id: string;
  requestId: string;
  workOrderId: string | null;
  totalCents: number;
  currency: string;
  validUntil: string;
  issuedAt: string;
  by: string;
  status: 'issued' | 'accepted' | 'declined' | 'expired';
  answer: { accepted: boolean; reason: string | null; at: string; by: string } | null;
}

type Items<T> = { items: T[] };
const itemsOf = <T>(answer: ApiAnswer<Items<T> & ApiError> | null): T[] => (answer?.status === 200 ? answer.body.items : []);

/** Stock levels and the locations they are at, read again every 15 s (reservations move them). */
export function useStock() {
  const stock = useResource<Items<StockLevel>>('spares', '/v1/stock', 15_000);
  const locations = useResource<Items<StockLocation>>('spares', '/v1/locations');
  return { levels: itemsOf(stock.data), locations: itemsOf(locations.data), error: failure(stock.data) ?? failure(locations.data), loaded: stock.data !== null && locations.data !== null };
}

/** The currency requisition prices are in: spares prices them from its default price list. */
export function usePriceCurrency(): string {
  const lists = useResource<Items<{ id: string; currency: string }>>('spares', '/v1/price-lists');
  return itemsOf(lists.data).find((l) => l.id === 'default')?.currency ?? 'EUR';
}

/** Requisitions with their decisions and live approval state (the newest 200), every 10 s. */
export function useRequisitions() {
  const resource = useResource<Items<Requisition>>('spares', '/v1/requisitions', 10_000);
  return { items: itemsOf(resource.data), error: failure(resource.data), loaded: resource.data !== null, reload: resource.reload };
}

export function useReturns() {
  const resource = useResource<Items<DefectiveReturn>>('spares', '/v1/returns?status=awaiting-return', 30_000);
  return { items: itemsOf(resource.data), error: failure(resource.data), loaded: resource.data !== null };
}

export function useSupplierClaims(status: string) {
  const resource = useResource<Items<SupplierClaim>>('spares', `/v1/supplier-claims${status ? `?status=${encodeURIComponent(status)}` : ''}`, 30_000);
  return { items: itemsOf(resource.data), error: failure(resource.data), loaded: resource.data !== null };
}

/** The API's own words for a failed read, or null while it is fine or not answered yet. */
function failure(answer: ApiAnswer<ApiError> | null): string | null {
  if (!answer || answer.status === 200) return null;
  return `${answer.status} ${answer.body.error?.message ?? ''}`.trim();
}

/**
 * One read per key (a part, a work order, a request): spares lists reservations only per work
 * order and quotes only per request. Keys already read are kept; a failed read is kept as its error.
 */
function useEach<T>(keys: readonly string[], pathOf: (key: string) => string, refreshMs?: number): Map<string, T | string> {
  const [found, setFound] = useState<Map<string, T | string>>(new Map());
  const [tick, setTick] = useState(0);
  const joined = keys.join('\n');
  useEffect(() => {
    if (!refreshMs) return;
    const timer = setInterval(() => setTick((n) => n + 1), refreshMs);
    return () => clearInterval(timer);
  }, [refreshMs]);
  useEffect(() => {
    let live = true;
    const wanted = joined ? joined.split('\n') : [];
    void Promise.all(
      wanted.map(async (key) => {
        try {
          const answer = await apiCall<T>('spares', pathOf(key));
          return [key, answer.status === 200 ? answer.body : `${answer.status} ${answer.body.error?.message ?? ''}`] as const;
        } catch (error) {
          return [key, String(error)] as const;
        }
      }),
    ).then((pairs) => live && setFound(new Map(pairs)));
    return () => {
      live = false;
    };
    // pathOf is a fixed route per caller: the keys alone decide what is read.
  }, [joined, tick]);
  return found;
}

export function useParts(partNumbers: readonly string[]): Map<string, Part | string> {
  return useEach<Part>(partNumbers, (p) => `/v1/parts/${encodeURIComponent(p)}`);
}

export function useReservations(workOrderIds: readonly string[]): Map<string, Items<Reservation> | string> {
  return useEach<Items<Reservation>>(workOrderIds, (w) => `/v1/reservations?workOrderId=${encodeURIComponent(w)}`, 30_000);
}

export function useQuotes(requestIds: readonly string[]): Map<string, Items<Quote> | string> {
  return useEach<Items<Quote>>(requestIds, (r) => `/v1/quotes?requestId=${encodeURIComponent(r)}`, 30_000);
}

export type Outcome = 'approve' | 'reject';

/** The approver's decision; the answer (a refusal included) is the caller's to show. */
export function useDecide() {
  const [busy, setBusy] = useState<string | null>(null);
  const decide = useCallback(async (requisitionId: string, outcome: Outcome, note: string) => {
    setBusy(requisitionId);
    try {
      return await apiCall<Requisition>('spares', `/v1/requisitions/${encodeURIComponent(requisitionId)}/decision`, { method: 'POST', body: { outcome, ...(note.trim() ? { note: note.trim() } : {}) } });
    } catch (error) {
      return { status: 0, body: { error: { code: 'network', message: String(error) } } } as ApiAnswer<Requisition & ApiError>;
    } finally {
      setBusy(null);
    }
  }, []);
  return { decide, busy };
}
