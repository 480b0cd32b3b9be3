import { useState } from 'react';
import { apiCall, useResource } from '../../../lib/api';
import { identifierPattern, searchOutcome, type SearchOutcome } from '../installed-base';

export interface Site {
  id: string;
  name: string;
  address: string;
  city: string;
  timeZone: string;
}

export interface Contact {
  name: string;
  phone?: string;
  email?: string;
  role?: string;
  siteId?: string;
}

export interface CustomerSummary {
  id: string;
  name: string;
  class: string;
  dealerId: string | null;
  contacts: Contact[];
  sites: Site[];
}

export type EntitlementSource = { kind: 'contract'; contractId: string } | { kind: 'warranty'; warrantyType: string; fromSerial: string } | { kind: 'none' };

export interface CustomerMachine {
  serialNumber: string;
  siteId: string | null;
  model: string;
  productLine: string;
  status: string;
  installDate: string | null;
  warranty: { type: string; start: string | null; end: string } | null;
  parentSerial: string | null;
  ancestors: string[];
  entitlementNow: { source: EntitlementSource; quoteRequired: boolean; responseMode: string; slaPolicyId: string; until: string | null };
}

export interface CustomerContract {
  id: string;
  name: string;
  type: string;
  status: string;
  coveredSerials: 'all' | string[];
  start: string;
  end: string;
  responseMode: string;
  slaPolicyId: string;
  covers: { parts: boolean; labour: boolean; travel: boolean };
}

/** GET /v1/customers/:id: the customer with its machines (today's entitlement), contracts and open requests. */
export interface CustomerOverview extends CustomerSummary {
  dealer: { id: string; name: string; region: string | null } | null;
  machines: CustomerMachine[];
  contracts: CustomerContract[];
  at: string;
}

export interface RequestRecord {
  id: string;
  serialNumber: string;
  status: string;
  symptom: string;
  channel: string;
  raisedAt: string | null;
  registeredAt: string | null;
  neededBy: string | null;
  entitlement?: { source: EntitlementSource; quoteRequired: boolean } | null;
}

export interface ProactiveVisits {
  every: string | null;
  note: string | null;
  paused: boolean;
  nextActionTimes: string[];
  plannedRequests: { id: string; serialNumber: string; status: string; registeredAt: string | null }[];
}

const path = (id: string) => `/v1/customers/${encodeURIComponent(id)}`;

/** A page of customers; `next`, when not null, asks for the page after it. */
interface CustomerPage {
  items: CustomerSummary[];
  next: string | null;
}

const pageSize = 50;

/**
 * The customers the caller may see, A to Z by name (a dealer: its own, by id), a page at a time:
 * the first page, then each page `more` asks for after it (every customer is reachable, not only
 * the first few hundred).
 */
export function useCustomerList() {
  const first = useResource<CustomerPage>('intake', `/v1/customers?limit=${pageSize}`);
  const [later, setLater] = useState<{ items: CustomerSummary[]; next: string | null; loading: boolean; failed: number | null } | null>(null);
  const firstPage = first.data?.status === 200 ? first.data.body : null;
  const next = later ? later.next : (firstPage?.next ?? null);
  const more = () => {
    if (!next || later?.loading) return;
    setLater((l) => ({ items: l?.items ?? [], next, loading: true, failed: null }));
    apiCall<CustomerPage>('intake', `/v1/customers?${new URLSearchParams({ limit: String(pageSize), after: next })}`)
      .then((answer) =>
        setLater((l) =>
          answer.status === 200
            ? { items: [...(l?.items ?? []), ...answer.body.items], next: answer.body.next, loading: false, failed: null }
            : { items: l?.items ?? [], next, loading: false, failed: answer.status },
        ),
      )
      .catch(() => setLater((l) => ({ items: l?.items ?? [], next, loading: false, failed: 0 })));
  };
  const items = firstPage ? [...firstPage.items, ...(later?.items ?? [])] : [];
  return { first, items, hasMore: Boolean(next), loadingMore: later?.loading ?? false, moreFailed: later?.failed ?? null, more };
}

export function useCustomer(id: string | null) {
  return useResource<CustomerOverview>('intake', id ? path(id) : null);
}

/** The customer's open requests and those that closed last, read by key on the server. */
export function useCustomerRequests(id: string | null) {
  return useResource<{ open: RequestRecord[]; recentlyClosed: RequestRecord[] }>('intake', id ? `${path(id)}/requests?limit=100` : null);
}

/** The proactive-visit schedule; null when the role may not read it (dealers). A 404 means none. */
export function useProactiveVisits(id: string | null) {
  return useResource<ProactiveVisits>('intake', id ? `${path(id)}/proactive-visits` : null);
}

/** A typed id opens that customer; otherwise customers whose names start with the text. */
export async function findCustomers(text: string): Promise<{ outcome: SearchOutcome; matches: CustomerSummary[] }> {
  const typed = text.trim();
  const [byId, byName] = await Promise.all([
    identifierPattern.test(typed) ? apiCall<CustomerOverview>('intake', path(typed)) : Promise.resolve(null),
    apiCall<{ items: CustomerSummary[] }>('intake', `/v1/customers?${new URLSearchParams({ q: typed.slice(0, 100), limit: '50' })}`),
  ]);
  const matches = byName.status === 200 ? byName.body.items : [];
  return { outcome: searchOutcome(typed, byId?.status ?? null, { status: byName.status, ids: matches.map((c) => c.id) }), matches };
}

export function registerMachine(body: unknown) {
  return apiCall<CustomerMachine>('intake', '/v1/machines', { method: 'POST', body });
}

export interface RequestDraft {
  customerId: string;
  serialNumber: string;
  /** A dealer registers through its own channel; staff here take the customer's call. */
  channel: 'dealer' | 'phone';
  contact: { name: string; phone: string };
  symptom: string;
  neededBy: string;
}

/** Registered once per key, so a double click or a retry never opens two requests. */
export function registerRequest(draft: RequestDraft, idempotencyKey: string) {
  return apiCall<RequestRecord>('intake', '/v1/service-requests', { method: 'POST', body: draft, headers: { 'Idempotency-Key': idempotencyKey } });
}
