import { dayEndIn, dayStartIn } from '@aftersales/sla';
import { z } from 'zod';
import { contactSchema } from '@aftersales/contracts';
import { emailAddress, ForbiddenError, identifier, PlatformError, type Principal, type Role } from '@aftersales/platform';
import { AccessDenied, scopeOf, type AccessScope } from '../domain/access';

/** Ids of customers, sites, machines, contracts: the platform's one identifier rule (CUST-0001, SN-0001-LS). */
export const entityId = identifier;

/** An instant with its offset, or a calendar day (taken as 00:00 UTC). */
export const dateInput = z.union([z.iso.datetime({ offset: true }), z.iso.date()]).transform((s) => new Date(s));

/** A calendar day kept as a day, to be read in a zone (a contract's, a site's), or an instant with its offset. */
export const dayOrInstant = z.union([z.iso.datetime({ offset: true }).transform((s) => ({ instant: new Date(s) })), z.iso.date().transform((day) => ({ day }))]);
export type DayOrInstant = z.infer<typeof dayOrInstant>;

/** The first instant of the day (or the instant itself). */
export function startOf(value: DayOrInstant, timeZone: string): Date {
  return 'instant' in value ? value.instant : dayStartIn(value.day, timeZone)!;
}

/** Where a period whose last day this is ends: the first instant after the day (or the instant itself). */
export function endOfLastDay(value: DayOrInstant, timeZone: string): Date {
  return 'instant' in value ? value.instant : dayEndIn(value.day, timeZone)!;
}

export const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

export const limitQuery = z.coerce.number().int().min(1).max(500).default(100);

/** A contact of a customer or a dealer: the registration's contact plus a role and the site the person is at. */
export const customerContactSchema = contactSchema.extend({
  email: emailAddress.optional(),
  role: z.string().trim().min(1).max(100).optional(),
  siteId: entityId.optional(),
});

/** Roles that read the installed base; dealers among them are narrowed to their own customers. */
export const installedBaseReaders = ['agent', 'dispatcher', 'engineer', 'depot', 'spares', 'quality', 'finance', 'manager', 'auditor', 'platform', 'dealer'] as const satisfies readonly Role[];

/** The caller's scope on a route: dealers see their own customers only. */
export function callerScope(principal: Principal | null, roles: readonly Role[]): AccessScope {
  // Both refusals are about the token (no caller, or a dealer's without its dealerId claim), so they name it.
  if (!principal) throw new ForbiddenError('this operation needs a caller', 'authorization');
  try {
    return scopeOf(principal, roles);
  } catch (error) {
    if (error instanceof AccessDenied) throw new ForbiddenError(error.message, 'authorization');
    throw error;
  }
}

/** 403 naming the field that points at something the caller may not touch. */
export function forbiddenField(field: string, message: string): PlatformError {
  return new PlatformError(`${field}: ${message}`, { status: 403, code: 'forbidden', field });
}

export function conflictField(field: string, message: string): PlatformError {
  return new PlatformError(`${field}: ${message}`, { status: 409, code: 'conflict', field });
}

/** A short random suffix in the alphabet of request ids (no 0/O, 1/I). */
export function shortId(prefix: string, bytes: Uint8Array): string {
  const alphabet = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
  return `${prefix}-${Array.from(bytes.slice(0, 8), (b) => alphabet[b % alphabet.length]).join('')}`;
}
