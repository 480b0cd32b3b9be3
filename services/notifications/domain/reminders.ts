/**
 * Reminders of things coming due: a quote waiting for the customer's yes or no until it lapses (the
 * service manager is reminded), an 8D discipline waiting for its owner until its due date (the owner
 * is). A day before, or halfway when the time given is under two days, unless it was answered or
 * delivered by then. Pure.
 */
const day = 86_400_000;

export function dueSoonAt(issuedAt: Date, validUntil: Date): Date {
  const span = validUntil.getTime() - issuedAt.getTime();
  if (span <= 0) return issuedAt;
  return new Date(span >= 2 * day ? validUntil.getTime() - day : issuedAt.getTime() + Math.floor(span / 2));
}

export const quoteReminderId = (quoteId: string): string => `quote:${quoteId}`;

const disciplines = ['D0', 'D1', 'D2', 'D3', 'D4', 'D5', 'D6', 'D7', 'D8'] as const;
export const disciplineReminderId = (eightDId: string, discipline: string): string => `8d:${eightDId}:${discipline}`;

/** The reminders a discipline opening makes moot: every discipline before it was approved. */
export function disciplinesBefore(discipline: string): string[] {
  const i = disciplines.indexOf(discipline as (typeof disciplines)[number]);
  return i < 0 ? [] : disciplines.slice(0, i);
}

export const allDisciplines: readonly string[] = disciplines;
