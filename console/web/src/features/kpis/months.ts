/**
 * The calendar months a dashboard looks back over. Months are UTC so they line up with spares'
 * monthly cost totals, which are grouped by UTC month.
 */
export interface Month {
  /** 'YYYY-MM' (UTC). */
  key: string;
  /** First instant of the month, ISO. */
  from: string;
  /** First instant of the next month, ISO: the period is [from, to). */
  to: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The `count` months ending with the one `nowMs` falls in, oldest first. */
export function recentMonths(nowMs: number, count: number): Month[] {
  const now = new Date(nowMs);
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  const months: Month[] = [];
  for (let back = count - 1; back >= 0; back -= 1) {
    // Date.UTC normalises a negative or overflowing month into the right year.
    const start = new Date(Date.UTC(year, month - back, 1));
    const end = new Date(Date.UTC(year, month - back + 1, 1));
    months.push({ key: `${start.getUTCFullYear()}-${pad(start.getUTCMonth() + 1)}`, from: start.toISOString(), to: end.toISOString() });
  }
  return months;
}

/** The month key ('YYYY-MM', UTC) an instant falls in. */
export function monthOf(iso: string): string {
  return new Date(iso).toISOString().slice(0, 7);
}
