/**
 * Who is on duty: people and rosters as data, and the pure resolution of a duty role (for a
 * region and product line, at an instant) to named people. Ladders and 8D chains name roles;
 * this turns them into someone who can be told.
 */

import type { QuietHours } from './quiet-hours';

export type Language = 'zh-CN' | 'en';

export interface Absence {
  from: string;
  until: string;
}

export interface Person {
  id: string;
  name: string;
  /** What the person does (e.g. supervisor, quality-manager); informative, rosters decide duty. */
  roles: string[];
  email: string;
  phone: string | null;
  /** IANA zone the person lives in (e-mails state instants in it). */
  timeZone: string;
  language: Language;
  regions: string[];
  productLines: string[];
  /** Who is told when this person does not acknowledge (the chain's last step). */
  manager: string | null;
  absences: Absence[];
  /** Non-urgent e-mail waits through these, for a morning digest (a roster's own quiet hours come first). */
  quietHours?: QuietHours | null;
}

export interface Shift {
  personId: string;
  /** Inclusive start; null = since ever. */
  from: string | null;
  /** Exclusive end; null = open-ended. */
  until: string | null;
}

export interface Roster {
  id: string;
  /** The duty role a ladder or chain names, e.g. supervisor, service-manager, quality-owner. */
  role: string;
  /** null = every region / every product line. */
  region: string | null;
  productLine: string | null;
  /** On-call rotation: who holds the duty when; several may hold it at once. */
  shifts: Shift[];
  /** Takes the duty when nobody on the rotation is on duty and present. */
  standIn: string | null;
  /** How long an escalation notice waits for acknowledgement before it moves on. */
  acknowledgeWithinMinutes: number;
  /** Quiet hours for the notices this duty brings, in each holder's zone; null = the holder's own. */
  quietHours?: QuietHours | null;
}

export interface DutyQuery {
  role: string;
  region: string | null;
  productLine: string | null;
  at: Date;
}

export interface DutyHolder {
  personId: string;
  because: 'on-duty' | 'stand-in';
  rosterId: string;
}

export interface DutyResolution {
  holders: DutyHolder[];
  /** The roster that answered, or null when none did. */
  rosterId: string | null;
  /** Why nobody was found (empty holders), in words. */
  unresolved: string | null;
}

const within = (at: number, from: string | null, until: string | null): boolean =>
  (from === null || Date.parse(from) <= at) && (until === null || at < Date.parse(until));

export function isAbsent(person: Person, at: Date): boolean {
  const t = at.getTime();
  return person.absences.some((a) => within(t, a.from, a.until));
}

/**
 * Rosters that cover the query, most specific first: region and product line both matched,
 * then region only, then product line only, then the role's catch-all; ties by roster id.
 */
export function coveringRosters(rosters: readonly Roster[], query: Omit<DutyQuery, 'at'>): Roster[] {
  const specificity = (r: Roster) => (r.region !== null ? 2 : 0) + (r.productLine !== null ? 1 : 0);
  return rosters
    .filter((r) => r.role === query.role)
    .filter((r) => r.region === null || r.region === query.region)
    .filter((r) => r.productLine === null || r.productLine === query.productLine)
    .sort((a, b) => specificity(b) - specificity(a) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * The named people holding a duty at an instant. The most specific covering roster answers with
 * everyone on shift and present; when none is, its stand-in (if present); when the stand-in is
 * away too, the next covering roster is asked. People unknown to the directory are skipped.
 */
export function resolveDuty(rosters: readonly Roster[], people: ReadonlyMap<string, Person>, query: DutyQuery): DutyResolution {
  const candidates = coveringRosters(rosters, query);
  if (candidates.length === 0) return { holders: [], rosterId: null, unresolved: `no roster for role ${query.role}` };
  const t = query.at.getTime();
  const present = (id: string | null): id is string => {
    const person = id === null ? undefined : people.get(id);
    return person !== undefined && !isAbsent(person, query.at);
  };
  for (const roster of candidates) {
    const onDuty = [...new Set(roster.shifts.filter((s) => within(t, s.from, s.until)).map((s) => s.personId))].filter(present);
    if (onDuty.length > 0) return { holders: onDuty.map((personId) => ({ personId, because: 'on-duty', rosterId: roster.id })), rosterId: roster.id, unresolved: null };
    if (present(roster.standIn)) return { holders: [{ personId: roster.standIn, because: 'stand-in', rosterId: roster.id }], rosterId: roster.id, unresolved: null };
  }
  return { holders: [], rosterId: null, unresolved: `nobody on duty or present for role ${query.role} (rosters ${candidates.map((r) => r.id).join(', ')})` };
}
