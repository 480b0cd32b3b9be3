import { z } from 'zod';
import type { ResponseLink } from '@aftersales/platform';
import { alarmSeveritySchema, channelSchema, locationClassSchema } from '@aftersales/contracts';
import { priorityTiers } from '@aftersales/sla';
import { requestStatuses } from '@aftersales/workflows';
import { contractChangeKinds } from '../domain/contract-lifecycle';
import { responseModes, serviceContractStatuses, serviceContractTypes } from '../domain/entitlement';
import { customerClasses } from '../domain/priority';
import { machineStatuses, serviceHistoryKinds } from '../store/models';

/**
 * The bodies intake answers, as JSON: what views.ts and the handlers build from the stored
 * documents (dates as ISO strings). Objects built field by field are closed (an extra field is a
 * schema to update); stored documents answered whole are open to the fields a later version adds.
 */

const instant = z.iso.datetime();
const coverage = z.object({ parts: z.boolean(), labour: z.boolean(), travel: z.boolean() });
const exclusions = z.object({ partNumbers: z.array(z.string()), categories: z.array(z.string()) });
const coveredSerials = z.union([z.literal('all'), z.array(z.string())]);
const tier = z.enum(priorityTiers);

const contactView = z.object({ name: z.string(), phone: z.string().optional(), email: z.string().optional(), role: z.string().optional(), siteId: z.string().optional() });
const siteView = z.object({
  id: z.string(),
  name: z.string(),
  address: z.string(),
  city: z.string(),
  locationClass: locationClassSchema,
  coordinates: z.object({ lat: z.number(), lon: z.number() }).nullable(),
  timeZone: z.string(),
});

export const customerView = z.object({
  id: z.string(),
  name: z.string(),
  class: z.enum(customerClasses),
  dealerId: z.string().nullable(),
  contacts: z.array(contactView),
  sites: z.array(siteView),
  createdAt: instant.nullable(),
});

/** A page of customers; `next`, when not null, is the `after` of the page after it. */
export const customerPage = z.object({ items: z.array(customerView), next: z.string().nullable() });

export const dealerView = z.object({ id: z.string(), name: z.string(), region: z.string().nullable(), contacts: z.array(contactView), createdAt: instant.nullable() });

const warrantyView = z.object({ type: z.string(), start: instant.nullable(), end: instant });
export const machineView = z.object({
  serialNumber: z.string(),
  customerId: z.string(),
  siteId: z.string().nullable(),
  model: z.string(),
  productLine: z.string(),
  status: z.enum(machineStatuses),
  installDate: instant.nullable(),
  commissioningDate: instant.nullable(),
  warranty: warrantyView.nullable(),
  supplierOrDealer: z.string().nullable(),
  parentSerial: z.string().nullable(),
});
type MachineNode = z.infer<typeof machineView> & { children: MachineNode[] };
const machineNode: z.ZodType<MachineNode> = machineView.extend({ children: z.array(z.lazy(() => machineNode)) });

const contractTerms = z.object({
  name: z.string(),
  type: z.enum(serviceContractTypes),
  coveredSerials,
  responseMode: z.enum(responseModes),
  slaPolicyId: z.string(),
  calendarId: z.string(),
  covers: coverage,
  exclusions: exclusions.optional(),
  coversConsumables: z.boolean().optional(),
});
const contractChange = z.object({
  version: z.number().int(),
  kind: z.enum(contractChangeKinds),
  effectiveFrom: instant,
  reason: z.string(),
  by: z.string(),
  at: instant,
  terms: contractTerms.optional(),
  endBefore: instant.optional(),
  endAfter: instant.optional(),
});
/** A stored contract answered whole (presentContract). */
const contractView = z.looseObject({
  ...contractTerms.shape,
  id: z.string(),
  customerId: z.string(),
  status: z.enum(serviceContractStatuses),
  start: instant,
  end: instant,
  timeZone: z.string().optional(),
  version: z.number().int().optional(),
  history: z.array(contractChange).optional(),
  suspensions: z.array(z.object({ from: instant, until: instant.nullable() })).optional(),
  terminatedFrom: instant.nullable().optional(),
  createdAt: instant,
  createdBy: z.string(),
});
/** With the terms in force now (presentContractNow). */
export const contractNowView = contractView.extend({
  inForce: z.object({
    at: instant,
    version: z.number().int(),
    status: z.enum(serviceContractStatuses),
    terms: contractTerms.extend({ exclusions, coversConsumables: z.boolean() }),
  }),
});

export const historyView = z.looseObject({
  id: z.string(),
  serialNumber: z.string(),
  customerId: z.string(),
  at: instant,
  kind: z.enum(serviceHistoryKinds),
  summary: z.string(),
  parts: z.array(z.object({ partNumber: z.string(), quantity: z.number().int(), removedSerial: z.string().optional(), fittedSerial: z.string().optional() })),
  engineer: z.string().nullable(),
  serviceRequestId: z.string().nullable(),
  workOrderId: z.string().nullable(),
  source: z.object({ service: z.string(), eventId: z.string().nullable(), reportedBy: z.string().nullable() }),
  recordedAt: instant,
});

export const entitlementView = z.object({
  source: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('contract'), contractId: z.string() }),
    z.object({ kind: z.literal('warranty'), warrantyType: z.string(), fromSerial: z.string() }),
    z.object({ kind: z.literal('none') }),
  ]),
  serial: z.string(),
  customerId: z.string(),
  at: instant,
  covers: coverage,
  responseMode: z.enum(responseModes),
  slaPolicyId: z.string(),
  calendarId: z.string(),
  quoteRequired: z.boolean(),
  reason: z.string(),
  contract: z
    .object({
      id: z.string(),
      version: z.number().int(),
      name: z.string(),
      type: z.enum(serviceContractTypes),
      start: instant,
      end: instant,
      coveredSerials,
      responseMode: z.enum(responseModes),
      slaPolicyId: z.string(),
      calendarId: z.string(),
      covers: coverage,
      exclusions,
      coversConsumables: z.boolean(),
    })
    .nullable(),
  warranty: z.object({ type: z.string(), start: instant.nullable(), end: instant, fromSerial: z.string(), inherited: z.boolean() }).nullable(),
  passedOver: z.array(z.string()),
  lapsedWarrantyEnd: instant.optional(),
});

const entitlementBriefView = z.object({
  source: entitlementView.shape.source,
  quoteRequired: z.boolean(),
  responseMode: z.enum(responseModes),
  slaPolicyId: z.string(),
  until: instant.nullable(),
});

const containmentWarning = z.object({ flagId: z.string(), eightDId: z.string(), discipline: z.enum(['D3', 'D7']), instruction: z.string(), carryParts: z.array(z.string()) });

export const knownFixView = z.looseObject({
  id: z.string(),
  version: z.number().int(),
  title: z.string(),
  models: z.array(z.string()),
  symptom: z.string(),
  cause: z.string(),
  fix: z.string(),
  parts: z.array(z.string()),
  publishedAt: instant,
});

const alarmView = z.looseObject({
  deviceEventId: z.string(),
  serialNumber: z.string(),
  alarmCode: z.string(),
  severity: alarmSeveritySchema,
  message: z.string(),
  raisedAt: instant,
  receivedAt: instant,
  via: z.enum(['kafka', 'http']),
  serviceRequestId: z.string(),
  outcome: z.enum(['opened', 'linked']),
});

/** A stored service request answered whole (presentRequest): fields added later are absent on older records. */
export const requestRecordView = z.looseObject({
  id: z.string(),
  customerId: z.string(),
  contact: contactView,
  channel: channelSchema,
  serialNumber: z.string(),
  symptom: z.string(),
  raisedAt: instant,
  neededBy: instant,
  status: z.enum(requestStatuses),
  registeredAt: instant,
  registeredBy: z.string(),
  correlationId: z.string(),
  dispatchedAt: instant.nullable(),
  owner: z.string().nullable(),
  solvedAt: instant.nullable(),
  acceptedAt: instant.nullable(),
  machineKnown: z.boolean().optional(),
  customer: z.object({ name: z.string(), class: z.enum(customerClasses), dealerId: z.string().nullable() }).optional(),
  machine: z.object({ model: z.string(), productLine: z.string(), status: z.string(), parentSerial: z.string().nullable(), ancestors: z.array(z.string()) }).nullable().optional(),
  siteId: z.string().nullable().optional(),
  locationClass: locationClassSchema.nullable().optional(),
  timeZone: z.string().nullable().optional(),
  city: z.string().nullable().optional(),
  entitlement: entitlementView.optional(),
  duplicateOf: z.string().nullable().optional(),
  duplicateMatch: z.object({ score: z.number(), sharedWords: z.array(z.string()), measure: z.enum(['overlap', 'jaccard']) }).nullable().optional(),
  knownFixes: z.array(z.object({ articleId: z.string(), version: z.number().int(), title: z.string(), score: z.number(), matched: z.array(z.string()) })).optional(),
  alarm: z.object({ deviceEventId: z.string(), alarmCode: z.string(), severity: alarmSeveritySchema, message: z.string(), raisedAt: instant }).nullable().optional(),
  complaint: z.object({ of: z.string(), tier }).nullable().optional(),
  flags: z.array(z.string()).optional(),
  containment: z.array(containmentWarning).optional(),
  workflow: z.null(),
});

/** The serviceRequest workflow's state as its query and updates answer it (ServiceRequestView). */
export const workflowStateView = z.looseObject({
  requestId: z.string(),
  status: z.enum(requestStatuses),
  registeredAt: z.string(),
  tier,
  tierProvisional: z.boolean(),
  screening: z.looseObject({ outcome: z.enum(['valid', 'invalid']), by: z.string(), at: z.string() }).nullable(),
  waitingOnCustomer: z.boolean(),
  workOrder: z.looseObject({ id: z.string(), engineerId: z.string().nullable(), assignedAt: z.string(), arrivedAt: z.string().nullable() }).nullable(),
  resolution: z.object({ cause: z.string(), fix: z.string(), firstTimeFix: z.boolean(), by: z.string(), at: z.string() }).nullable(),
  survey: z.object({ score: z.number(), comment: z.string().nullable(), at: z.string() }).nullable(),
  reopened: z.number().int(),
  escalations: z.array(z.looseObject({ clock: z.string(), action: z.string(), step: z.number().int(), at: z.string() })),
  history: z.array(z.object({ event: z.string(), at: z.string(), by: z.string().optional(), note: z.string().optional() })),
  clocks: z.array(z.looseObject({ name: z.string(), startedAt: z.string(), dueAt: z.string(), status: z.string(), paused: z.boolean() })),
});

const requestNotice = z.object({
  noticeId: z.string(),
  kind: z.string().nullable(),
  personId: z.string(),
  personName: z.string().nullable(),
  role: z.string().nullable(),
  because: z.string().nullable(),
  urgent: z.boolean(),
  toldAt: z.string().nullable(),
  acknowledgedAt: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
  via: z.string().nullable(),
});
const workflowLink = { id: z.string(), runId: z.string().nullable(), startedAt: instant.nullable() };
/** One request: the record, its alarms, who was told, and the workflow's live state (null until it started). */
export const requestDetailView = requestRecordView.extend({
  alarms: z.array(alarmView).optional(),
  notices: z.array(requestNotice),
  workflow: z
    .discriminatedUnion('available', [
      z.object({ ...workflowLink, available: z.literal(true), state: workflowStateView }),
      z.object({ ...workflowLink, available: z.literal(false), reason: z.string() }),
    ])
    .nullable(),
});

export const screeningView = workflowStateView.extend({
  priority: z.object({ tier, baseTier: tier, row: z.string(), raises: z.array(z.string()), explanation: z.string() }).nullable(),
  duplicateSuggestion: z.enum(['none', 'confirmed', 'overruled']),
});

/** A customer's requests for its page: every open one and those that closed last. */
export const customerRequestsView = z.object({ open: z.array(requestRecordView), recentlyClosed: z.array(requestRecordView) });

export const customerOverview = customerView.extend({
  dealer: dealerView.nullable(),
  machines: z.array(machineView.extend({ ancestors: z.array(z.string()), entitlementNow: entitlementBriefView })),
  roots: z.array(z.string()),
  contracts: z.array(contractView),
  openRequests: z.array(
    z.object({ id: z.string(), serialNumber: z.string(), status: z.enum(requestStatuses), symptom: z.string(), channel: channelSchema, raisedAt: instant, neededBy: instant, duplicateOf: z.string().nullable().optional() }),
  ),
  at: instant,
});

export const machineDetail = machineView.extend({
  customer: z.object({ id: z.string(), name: z.string(), class: z.enum(customerClasses), dealerId: z.string().nullable() }).nullable(),
  site: siteView.nullable(),
  ancestors: z.array(machineView),
  treeProblem: z.string().nullable(),
  children: z.array(machineNode),
  entitlementNow: entitlementView,
  contracts: z.array(contractView),
  serviceHistory: z.array(historyView),
  containment: z.array(containmentWarning),
});

export const itemsOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

/** A request's operations by what its handler does. */
const requestMoves = {
  getServiceRequest: 'getServiceRequestsById',
  screen: 'postServiceRequestsByIdScreening',
  firstResponse: 'postServiceRequestsByIdFirstResponse',
  retriage: 'postServiceRequestsByIdRetriage',
  waitingOnCustomer: 'postServiceRequestsByIdWaitingOnCustomer',
  resume: 'postServiceRequestsByIdResume',
  resolution: 'postServiceRequestsByIdResolution',
  acceptance: 'postServiceRequestsByIdAcceptance',
  survey: 'postServiceRequestsByIdSurvey',
  reopening: 'postServiceRequestsByIdReopening',
  quoteOverride: 'postServiceRequestsByIdQuoteOverride',
  cancellation: 'postServiceRequestsByIdCancellation',
} as const;
type RequestMove = keyof typeof requestMoves;
const everyMove = Object.keys(requestMoves) as RequestMove[];

/**
 * What a handler commonly does after each answer about a request: screen it, answer the customer,
 * wait on them, resolve, have it accepted, survey, reopen. Schemathesis's stateful phase walks
 * these, so it reaches a screened, resolved, accepted and reopened request.
 */
const nextRequestMoves: Record<'read' | 'first-response' | 'screening' | 'retriage' | 'waiting-on-customer' | 'resume' | 'resolution' | 'acceptance' | 'survey' | 'reopening' | 'quote-override' | 'cancellation', RequestMove[]> = {
  read: everyMove,
  'first-response': ['getServiceRequest', 'screen', 'waitingOnCustomer', 'resolution', 'cancellation'],
  screening: ['getServiceRequest', 'firstResponse', 'retriage', 'quoteOverride', 'waitingOnCustomer', 'resolution', 'cancellation'],
  retriage: ['getServiceRequest', 'firstResponse', 'waitingOnCustomer', 'resolution'],
  'waiting-on-customer': ['getServiceRequest', 'resume', 'cancellation'],
  resume: ['getServiceRequest', 'waitingOnCustomer', 'resolution'],
  resolution: ['getServiceRequest', 'acceptance', 'reopening'],
  acceptance: ['getServiceRequest', 'survey', 'reopening', 'resolution'],
  survey: ['getServiceRequest', 'reopening'],
  reopening: ['getServiceRequest', 'firstResponse', 'resolution'],
  'quote-override': ['getServiceRequest', 'firstResponse', 'resolution'],
  cancellation: ['getServiceRequest'],
};

/** The links after `after`, the request's id at the runtime expression `id`. */
export function requestLinks(after: keyof typeof nextRequestMoves, id: string): Record<string, ResponseLink> {
  return Object.fromEntries(nextRequestMoves[after].map((move) => [move, { operationId: requestMoves[move], parameters: { id } }]));
}

/** From a machine (at `at` in the answer) to registering a request on it for its customer, and to reading it. */
export function machineLinks(at: string): Record<string, ResponseLink> {
  return {
    registerRequest: { operationId: 'postServiceRequests', requestBody: { customerId: `$response.body#${at}/customerId`, serialNumber: `$response.body#${at}/serialNumber` } },
    getMachine: { operationId: 'getMachinesBySerial', parameters: { serial: `$response.body#${at}/serialNumber` } },
    getEntitlement: { operationId: 'getEntitlements', parameters: { serial: `$response.body#${at}/serialNumber` } },
  };
}
