import type { Collection } from 'mongodb';
import { defaultCalendars, validateCalendar, type ServiceCalendar } from '@aftersales/sla';

/** One calendar's versions as dispatch received them from intake (few per calendar and year). */
export interface ServiceCalendarDoc {
  _id: string;
  versions: { version: number; effectiveFrom: Date; calendar: ServiceCalendar }[];
}

/** How often a process reads the copies again (an API process sees what its worker stored). */
const refreshMs = 15_000;

/**
 * Dispatch's copy of intake's managed calendars, which engineers' working time is planned on. The
 * collection holds a document per calendar, so it stays small and is read whole into memory; a
 * calendar nobody has published yet is the shipped default, so planning never stops for want of one.
 */
export function createServiceCalendars(collection: Collection<ServiceCalendarDoc>) {
  let known = new Map<string, ServiceCalendarDoc['versions']>();
  let readAt = 0;
  let reading: Promise<void> | null = null;

  async function load(): Promise<void> {
    const docs = await collection.find({}).toArray();
    known = new Map(docs.map((d) => [d._id, [...d.versions].sort((a, b) => a.version - b.version)]));
    readAt = Date.now();
  }

  return {
    load,
    /** Reads the copies again when they are older than a few seconds (in the background; callers never wait). */
    freshen(): void {
      if (Date.now() - readAt < refreshMs || reading) return;
      reading = load().catch(() => undefined).finally(() => { reading = null; });
    },
    ids: (): string[] => [...new Set([...Object.keys(defaultCalendars), ...known.keys()])].sort(),
    /** The version in force at an instant: the newest whose effectiveFrom has come; the shipped one before any. */
    calendarAt(id: string, at: Date): ServiceCalendar | null {
      const versions = known.get(id);
      const inForce = versions && [...versions].reverse().find((v) => v.effectiveFrom.getTime() <= at.getTime());
      return inForce?.calendar ?? defaultCalendars[id] ?? null;
    },
    /** Keeps a published version (idempotent: a version already kept is left alone; one that would break planning is refused). */
    async keep(id: string, version: number, effectiveFrom: Date, calendar: unknown): Promise<'kept' | 'known' | 'invalid'> {
      if (validateCalendar(calendar).length > 0) return 'invalid';
      const doc = await collection.findOne({ _id: id });
      if (doc?.versions.some((v) => v.version === version)) return 'known';
      const versions = [...(doc?.versions ?? []), { version, effectiveFrom, calendar: calendar as ServiceCalendar }].sort((a, b) => a.version - b.version);
      await collection.replaceOne({ _id: id }, { versions }, { upsert: true });
      known.set(id, versions);
      return 'kept';
    },
  };
}

export type ServiceCalendars = ReturnType<typeof createServiceCalendars>;
