/**
 * Reminders of answers that are due: a quote waits for the customer's yes or no until it lapses.
 * The service manager is reminded a day before it lapses, or halfway when it runs for less than
 * two days, unless the customer has answered by then. Pure.
 */
const day = 86_400_000;

export function quoteReminderAt(issuedAt: Date, validUntil: Date): Date {
  const span = validUntil.getTime() - issuedAt.getTime();
  if (span <= 0) return issuedAt;
  return new Date(span >= 2 * day ? validUntil.getTime() - day : issuedAt.getTime() + Math.floor(span / 2));
}

export const quoteReminderId = (quoteId: string): string => `quote:${quoteId}`;
