import { z } from 'zod';
import { alarmSeveritySchema } from './device-alarm';

export const channels = ['phone', 'email', 'portal', 'app', 'chat', 'dealer', 'alarm'] as const;
export const channelSchema = z.enum(channels);
export type Channel = z.infer<typeof channelSchema>;

export const contactSchema = z.object({
  name: z.string().trim().min(1).max(200),
  phone: z.string().trim().min(3).max(40).optional(),
  email: z.email().optional(),
});
export type Contact = z.infer<typeof contactSchema>;

/** How the business ranks a customer: its own VIPs and key accounts, the rest, and those served through a dealer. */
export const customerClasses = ['vip', 'key_account', 'standard', 'indirect'] as const;
export const customerClassSchema = z.enum(customerClasses);
export type CustomerClass = z.infer<typeof customerClassSchema>;

/** Where on-site targets differ: a provincial capital or elsewhere (DOMAIN.md: 4 h against 12 h). */
export const locationClasses = ['provincial-capital', 'elsewhere'] as const;
export const locationClassSchema = z.enum(locationClasses);
export type LocationClass = z.infer<typeof locationClassSchema>;

/** The terms frozen on the request at registration, as far as downstream services need them. */
export const registeredEntitlementSchema = z.object({
  source: z.enum(['contract', 'warranty', 'none']),
  contractId: z.string().min(1).nullable(),
  responseMode: z.enum(['on-site', 'nbd', 'remote']),
  slaPolicyId: z.string().min(1),
  calendarId: z.string().min(1),
  quoteRequired: z.boolean(),
  /**
   * What the contract or warranty pays for (its exclusions, consumables) and when the warranty
   * ends; added later, so optional: events published before carry none.
   */
  covers: z.object({ parts: z.boolean(), labour: z.boolean(), travel: z.boolean() }).optional(),
  exclusions: z.object({ partNumbers: z.array(z.string().min(1)), categories: z.array(z.string().min(1)) }).optional(),
  coversConsumables: z.boolean().optional(),
  warrantyEnd: z.iso.datetime().nullable().optional(),
});
export type RegisteredEntitlement = z.infer<typeof registeredEntitlementSchema>;

/**
 * service-request.registered v1: a request was accepted at intake and stored. The fields after
 * `neededBy` were added later and are optional, so events published before them stay valid.
 */
export const serviceRequestRegisteredV1 = z.object({
  requestId: z.string().min(1),
  customerId: z.string().min(1),
  contact: contactSchema,
  channel: channelSchema,
  serialNumber: z.string().min(1),
  symptom: z.string().min(1),
  raisedAt: z.iso.datetime(),
  neededBy: z.iso.datetime(),
  /** False when the serial is not (yet) in the installed base and the agent registered it anyway. */
  machineKnown: z.boolean().optional(),
  siteId: z.string().min(1).nullable().optional(),
  locationClass: locationClassSchema.nullable().optional(),
  /** IANA time zone of the site, for business-hours clocks. */
  timeZone: z.string().min(1).nullable().optional(),
  entitlement: registeredEntitlementSchema.optional(),
  /** The open request this one probably repeats, as suggested at registration (screening decides). */
  duplicateOf: z.string().min(1).nullable().optional(),
  /** Set when a low satisfaction score opened this request as a complaint about another, at a more urgent tier. */
  complaint: z.object({ of: z.string().min(1), tier: z.enum(['P1', 'P2', 'P3', 'P4']) }).optional(),
  /** The machine's model and product line, when the serial is in the installed base (dispatch matches skills on them). */
  machine: z.object({ model: z.string().min(1), productLine: z.string().min(1) }).nullable().optional(),
  /** Where the machine stands, for travel estimates. */
  site: z.object({ city: z.string(), lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) }).nullable().optional(),
  /** Set for channel alarm: the device alarm that opened the request. */
  alarm: z.object({ deviceEventId: z.string().min(1), alarmCode: z.string().min(1), severity: alarmSeveritySchema }).optional(),
  /** The dealer serving the customer (null: served directly), so other services can confine a dealer to its own cases. */
  dealerId: z.string().min(1).nullable().optional(),
  /** The customer's class on its record at registration, for reporting by segment; absent on earlier events. */
  customerClass: customerClassSchema.optional(),
});
export type ServiceRequestRegisteredV1 = z.infer<typeof serviceRequestRegisteredV1>;
