/**
 * The engineer's report as a form and as dispatch's POST /v1/work-orders/:id/report body. Times
 * are typed in the engineer's own zone (datetime-local) and sent as instants. Nothing is refused
 * here: dispatch checks the report and names the field, which the form shows beside it.
 */
import { minutesBetween, type StepStamp } from './day';

export const failureCategories = ['quality-failure', 'wear', 'misuse', 'no-fault-found', 'other'] as const;

export interface PartUsedRow {
  partNumber: string;
  quantity: string;
  removedSerial: string;
}

export interface ReportForm {
  startedAt: string;
  finishedAt: string;
  effortMinutes: string;
  travelMinutes: string;
  cause: string;
  fix: string;
  workDone: string;
  partsUsed: PartUsedRow[];
  firstTimeFix: boolean;
  failureCategory: string;
  signOffName: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** An instant as a datetime-local value in the device's zone ('2030-06-10T09:30'). */
export function toLocalInput(instant: Date): string {
  return `${instant.getFullYear()}-${pad(instant.getMonth() + 1)}-${pad(instant.getDate())}T${pad(instant.getHours())}:${pad(instant.getMinutes())}`;
}

/** A datetime-local value as an instant; what is not a time is sent as typed, for dispatch to name. */
export function fromLocalInput(value: string): string {
  const parsed = new Date(value);
  return value && !Number.isNaN(parsed.getTime()) ? parsed.toISOString() : value;
}

/** The form as the job left it: the times its steps recorded, the parts that were reserved. */
export function reportDefaults(stamps: Partial<Record<StepStamp, string>>, reserved: { partNumber: string; quantity: number }[], now: Date): ReportForm {
  const started = stamps.workStartedAt ? new Date(stamps.workStartedAt) : now;
  const finished = stamps.workFinishedAt ? new Date(stamps.workFinishedAt) : now;
  const travel = stamps.travelStartedAt && stamps.arrivedAt ? String(minutesBetween(new Date(stamps.travelStartedAt), new Date(stamps.arrivedAt))) : '';
  // The inputs hold whole minutes: the start rounds down and the end up, so a short job still ends after it began.
  const finishedUp = new Date(Math.ceil(finished.getTime() / 60_000) * 60_000);
  return {
    startedAt: toLocalInput(started),
    finishedAt: toLocalInput(finishedUp),
    effortMinutes: String(minutesBetween(started, finished)),
    travelMinutes: travel,
    cause: '',
    fix: '',
    workDone: '',
    partsUsed: reserved.map((p) => ({ partNumber: p.partNumber, quantity: String(p.quantity), removedSerial: '' })),
    firstTimeFix: true,
    failureCategory: '',
    signOffName: '',
  };
}

/** A typed whole number, or what was typed (null when empty) for dispatch to refuse by name. */
const count = (value: string): number | string | null => (value.trim() === '' ? null : /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value);

export function reportBody(form: ReportForm, now: Date): Record<string, unknown> {
  const parts = form.partsUsed.filter((p) => p.partNumber.trim() !== '' || p.quantity.trim() !== '' || p.removedSerial.trim() !== '');
  return {
    startedAt: fromLocalInput(form.startedAt),
    finishedAt: fromLocalInput(form.finishedAt),
    effortMinutes: count(form.effortMinutes),
    ...(form.travelMinutes.trim() !== '' ? { travelMinutes: count(form.travelMinutes) } : {}),
    cause: form.cause,
    fix: form.fix,
    workDone: form.workDone,
    partsUsed: parts.map((p) => ({ partNumber: p.partNumber.trim(), quantity: count(p.quantity), ...(p.removedSerial.trim() ? { removedSerial: p.removedSerial.trim() } : {}) })),
    firstTimeFix: form.firstTimeFix,
    ...(form.failureCategory ? { failureCategory: form.failureCategory } : {}),
    customerSignOff: form.signOffName.trim() ? { name: form.signOffName.trim(), at: now.toISOString() } : null,
  };
}

/**
 * Where an error dispatch names is shown: beside the field it names ('partsUsed.0.quantity'),
 * else beside the nearest enclosing one ('customerSignOff.at' → 'customerSignOff'), else at the
 * top of the form ('status' when the work is not finished, 'report').
 */
export function errorSlot(field: string | undefined, slots: ReadonlySet<string>): string {
  const parts = (field ?? '').split('.');
  for (let n = parts.length; n > 0; n--) {
    const candidate = parts.slice(0, n).join('.');
    if (slots.has(candidate)) return candidate;
  }
  return 'form';
}

/** The fields the form shows an error beside. */
export function reportSlots(form: ReportForm): Set<string> {
  const fixed = ['startedAt', 'finishedAt', 'effortMinutes', 'travelMinutes', 'cause', 'fix', 'workDone', 'partsUsed', 'firstTimeFix', 'failureCategory', 'customerSignOff'];
  const rows = form.partsUsed.flatMap((_, i) => [`partsUsed.${i}`, `partsUsed.${i}.partNumber`, `partsUsed.${i}.quantity`, `partsUsed.${i}.removedSerial`]);
  return new Set([...fixed, ...rows]);
}
