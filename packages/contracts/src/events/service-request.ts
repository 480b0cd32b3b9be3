import { z } from 'zod';

export const channels = ['phone', 'email', 'portal', 'app', 'chat', 'dealer', 'alarm'] as const;
export const channelSchema = z.enum(channels);
export type Channel = z.infer<typeof channelSchema>;

export const contactSchema = z.object({
  name: z.string().trim().min(1).max(200),
  phone: z.string().trim().min(3).max(40).optional(),
  email: z.email().optional(),
});
export type Contact = z.infer<typeof contactSchema>;

/** service-request.registered v1: a request was accepted at intake and stored. */
export const serviceRequestRegisteredV1 = z.object({
  requestId: z.string().min(1),
  customerId: z.string().min(1),
  contact: contactSchema,
  channel: channelSchema,
  serialNumber: z.string().min(1),
  symptom: z.string().min(1),
  raisedAt: z.iso.datetime(),
  neededBy: z.iso.datetime(),
});
export type ServiceRequestRegisteredV1 = z.infer<typeof serviceRequestRegisteredV1>;
