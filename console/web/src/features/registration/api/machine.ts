import { apiCall, useResource } from '../../../lib/api';

export interface MachineView {
  serialNumber: string;
  model: string;
  productLine: string;
  customer: { id: string; name: string; class: string; dealerId: string | null } | null;
  site: { id?: string; name?: string; city?: string } | null;
  warranty: { type?: string; start?: string; end?: string } | null;
  ancestors: { serialNumber: string; model: string }[];
  children: { serialNumber: string; model: string }[];
  entitlementNow: { source: EntitlementSource; reason: string; quoteRequired: boolean; responseMode: string; slaPolicyId: string; contract: { id?: string; end?: string } | null; warranty: { end?: string } | null };
  contracts: { id: string; level?: string; end?: string }[];
  containment: { instruction?: string; eightDId?: string }[] | null;
}

export type EntitlementSource = { kind: 'contract'; contractId: string } | { kind: 'warranty'; warrantyType: string; fromSerial: string } | { kind: 'none' };

/** The entitlement's source in a few words: "contract CT-1", "warranty standard (SN-1)", "none". */
export function sourceText(source: EntitlementSource): string {
  if (source.kind === 'contract') return `contract ${source.contractId}`;
  if (source.kind === 'warranty') return `warranty ${source.warrantyType} (${source.fromSerial})`;
  return 'none';
}

export interface RequestSummary {
  id: string;
  status: string;
  symptom: string;
  tier?: string | null;
  duplicate?: { duplicateOf: string; score: number } | null;
}

export interface KnownFix {
  id: string;
  title?: string;
  fix?: string;
  score: number | null;
}

/** The machine as the agent types its serial: null path while the serial is too short. */
export function useMachine(serial: string | null) {
  return useResource<MachineView>('intake', serial ? `/v1/machines/${encodeURIComponent(serial)}` : null);
}

/** The machine's open requests (read by key on the server, not filtered over every request). */
export function useOpenRequests(serial: string | null) {
  const resource = useResource<{ items: RequestSummary[] }>('intake', serial ? `/v1/service-requests?${new URLSearchParams({ serial, open: 'true', limit: '20' })}` : null);
  const items = resource.data?.status === 200 ? resource.data.body.items : [];
  return { ...resource, items };
}

export function useKnownFixes(model: string | null, symptom: string) {
  const query = model ? new URLSearchParams({ model, ...(symptom.trim().length >= 3 ? { q: symptom.trim() } : {}), limit: '5' }) : null;
  return useResource<{ items: KnownFix[] }>('intake', query ? `/v1/known-fixes?${query}` : null);
}

export interface Registration {
  customerId: string;
  contact: { name: string; phone: string };
  channel: 'phone';
  serialNumber: string;
  symptom: string;
  neededBy: string;
}

export function registerRequest(body: Registration, idempotencyKey: string) {
  return apiCall<RequestSummary>('intake', '/v1/service-requests', { method: 'POST', body, headers: { 'Idempotency-Key': idempotencyKey } });
}
